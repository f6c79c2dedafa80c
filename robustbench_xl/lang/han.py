"""Han characters for Chinese typos: same-sound (pinyin IME) and same-shape confusions.

What: :func:`han_edits` lists one-character typos of a Chinese word, the two errors Chinese writers
make: a homophone picked from the pinyin input method's candidate list (经济 jing1ji4 -> 经计,
the frequent characters read ji4), and a visually similar character (末 -> 未, 清 -> 请, 培 -> 陪).

Data:
* common characters: the 3,500 most frequent characters of jieba's dictionary (character counts
  summed over its words) that char-similar's modern-corpus frequency list also has; the order is the
  order of ``han_visual.tsv``. Replacements are always common characters.
* homophones: pypinyin (the character's reading in the word, tone included, e.g. 行 in 银行 is hang2;
  a replacement's main reading must be the same); at most 3 per character, most frequent first.
* visual similarity: ``han_visual.tsv``, derived from the data files of the PyPI package
  ``char-similar`` 0.0.2 (yongzhuo, https://github.com/yongzhuo/char-similar, Apache-2.0): two common
  characters are similar when their four-corner codes agree (and stroke counts differ by at most one),
  or when they have the same structure and differ only in the radical (骆/络/洛); ranked by
  char-similar's shape score, at most 3. :func:`build_visual_table` rebuilds it.

Languages: zh (simplified). Limits: one character per word; characters outside the common set keep
no candidates (rare characters in transliterated names stay as they are); a character's other
readings are not used as homophones; no traditional characters.

Example::

    >>> han_edits("经济")[:4]
    ['京济', '精济', '惊济', '经计']
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

VISUAL_TABLE = Path(__file__).with_name("han_visual.tsv")
MAX_HOMOPHONES = 3


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=1)
def _visual_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in VISUAL_TABLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            char, _, similar = line.partition("\t")
            table[char] = similar
    return table


def common_chars() -> list[str]:
    """The common characters, most frequent first."""
    return list(_visual_table())


def visual_neighbours(ch: str) -> str:
    return _visual_table().get(ch, "")


def _reading(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)


@lru_cache(maxsize=1)
def _chars_by_reading() -> dict[str, list[str]]:
    by_reading: dict[str, list[str]] = defaultdict(list)
    for ch in common_chars():  # frequency order, so each list is most-frequent first
        by_reading[_reading(ch)[0]].append(ch)
    return dict(by_reading)


def homophones(ch: str, reading: str, limit: int = MAX_HOMOPHONES) -> list[str]:
    """Common characters whose main reading is ``reading`` (tone included), most frequent first."""
    return [c for c in _chars_by_reading().get(reading, []) if c != ch][:limit]


def word_readings(word: str) -> list[str | None]:
    """The reading of each character of ``word`` in context (None for non-Han characters)."""
    if word and all(is_han(ch) for ch in word):
        readings = _reading(word)
        if len(readings) == len(word):
            return list(readings)
    return [_reading(ch)[0] if is_han(ch) else None for ch in word]


def han_edits(word: str, lang: str = "zh") -> list[str]:
    """One-character typo variants of a Chinese word: homophones first, then look-alikes."""
    readings = word_readings(word)
    same_sound, same_shape = [], []
    for k, (ch, reading) in enumerate(zip(word, readings)):
        if reading is None:
            continue
        same_sound += [word[:k] + new + word[k + 1:] for new in homophones(ch, reading)]
        same_shape += [word[:k] + new + word[k + 1:] for new in visual_neighbours(ch)]
    return [w for w in dict.fromkeys(same_sound + same_shape) if w != word]


# -- rebuilding han_visual.tsv (needs `pip install --no-deps char-similar==0.0.2`) ---------------------
def _load(data_dir: Path, name: str) -> dict:
    return json.loads((data_dir / f"{name}.dict").read_text(encoding="utf-8"))


def build_visual_table(char_similar_data: Path, size: int = 3500, per_char: int = 3) -> list[tuple[str, str]]:
    """(character, similar characters) rows in frequency order, from char-similar's data folder."""
    import jieba

    d = {n: _load(Path(char_similar_data), n) for n in ("char_fourangle", "char_component", "char_number",
                                                          "char_stroke", "char_struct", "char_order",
                                                          "char_frequency")}
    four, comp, num, parts_of = d["char_fourangle"], d["char_component"], d["char_number"], d["char_stroke"]
    struct, order, freq = d["char_struct"], d["char_order"], d["char_frequency"]
    counts: Counter = Counter()
    for line in (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").splitlines():
        word, count = line.split()[:2]
        for ch in word:
            if is_han(ch):
                counts[ch] += int(count)
    common = [c for c, _ in counts.most_common() if freq.get(c, 0) > 0][:size]
    rank = {c: i for i, c in enumerate(common)}
    radical_base = {"扌": "手", "氵": "水", "亻": "人", "忄": "心", "艹": "草", "讠": "言", "纟": "丝", "钅": "金",
                    "犭": "犬", "疒": "病", "辶": "辵", "王": "玉", "月": "肉月", "刂": "刀", "阝": "邑阜", "礻": "示",
                    "衤": "衣", "饣": "食", "罒": "网", "覀": "西", "灬": "火", "冫": "冰", "⺮": "竹", "牜": "牛"}

    def jaccard(a, b):
        a, b = set(a), set(b)
        return len(a & b) / len(a | b) if a and b else 0.0

    def shape(a, b):  # char-similar's cal_sim_by_shape with its default weights
        s4 = sum(x == y for x, y in zip(four.get(a, "")[:4], four.get(b, "")[:4])) / 4
        fa, fb, na, nb = freq.get(a, 1), freq.get(b, 1), num.get(a, 0), num.get(b, 0)
        score = (7 * s4 + 2 * (comp.get(a) is not None and comp.get(a) == comp.get(b))
                 + 5 * (1 - abs(fa - fb) / max(fa, fb) if fa and fb else 0)
                 + 6 * (1 - abs(na - nb) / max(na, nb) if na and nb else 0)
                 + 4 * jaccard(parts_of.get(a, []), parts_of.get(b, []))
                 + 8 * (struct.get(a) is not None and struct.get(a) == struct.get(b))
                 + 3 * (jaccard(order.get(a, ""), order.get(b, "")) if order.get(a) and order.get(b) else 1.0))
        return round(score / 35, 4)

    def parts(c):
        return parts_of.get(c) or [c]

    def similar(a, b):
        strokes = abs(num.get(a, 0) - num.get(b, 0))
        if strokes > 2:
            return False
        if four.get(a, "x")[:4] == four.get(b, "y")[:4] and strokes <= 1 and shape(a, b) >= 0.75:
            return True
        pa, pb = parts(a), parts(b)
        if len(pa) <= 1 or len(pa) != len(pb) or struct.get(a) != struct.get(b):
            return False
        diff = [i for i, (x, y) in enumerate(zip(pa, pb)) if x != y]
        if len(diff) != 1:
            return False
        x, y = pa[diff[0]], pb[diff[0]]
        ra, rb = (radical_base.get(comp.get(c), comp.get(c)) or "" for c in (a, b))
        return (x in ra or y in rb) and shape(a, b) >= 0.7

    by_part, by_four = defaultdict(set), defaultdict(set)
    for c in common:
        for p in parts(c):
            by_part[p].add(c)
        by_four[four.get(c, "")[:4]].add(c)
    rows = []
    for c in common:
        code = four.get(c, "")[:4]
        pool = set(by_four.get(code, ()))
        for i in range(len(code)):
            for digit in "0123456789":
                pool |= by_four.get(code[:i] + digit + code[i + 1:], set())
        for p in parts(c):
            pool |= by_part[p]
        pool.discard(c)
        scored = sorted(((shape(c, o), -rank[o], o) for o in pool if similar(c, o)), reverse=True)
        rows.append((c, "".join(o for _, _, o in scored[:per_char])))
    return rows
