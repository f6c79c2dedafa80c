"""Meaning-preserving word-order changes: only moves whose roles are marked or that carry no role.

What: a TextAttack transformation that rewrites one sentence of the pair with its words reordered
(the same words, other order). PAWS negatives are made by swapping words ("flights from A to B" vs
"from B to A"), so two content words that fill different roles are never swapped; each language gets
only the moves its grammar makes safe, and a sentence with no such move gets no candidate.

Languages and moves:
* ko: two adjacent case-marked phrases (each its own particle: topic 은/는, subject 이/가, object
  을/를, adverbial 에/에서/(으)로/에게/보다...) swap places before their predicate (그는 1983년에 ->
  1983년에 그는). The particle marks the role, so the meaning stays. A phrase is its eojeol plus
  preceding genitive/noun/determiner/coordinated modifiers; the phrases must start a clause (sentence
  start, after another case-marked phrase, an adverb or a clause-final verb) and be followed only by
  case-marked phrases or adverbs up to a final or connective predicate (never a relative clause).
  Not swapped: topic with subject (그는 키가), two phrases with the same particle, comitative 와/과,
  anything with punctuation (brackets, commas).
* ja: the same with Sudachi morphemes and the particles は が を に で へ から まで より (also
  combined, には では); a predicate followed by a noun (a relative clause) blocks the move.
* zh: a time word (jieba POS ``t``: 后来, 目前, 当时) and a one-word subject (personal pronoun or
  noun/name) at the start of a clause trade places (他后来搬到 <-> 后来他搬到).
* de: V2 inversion with a temporal adverb and a subject pronoun (Später zog er nach Paris <->
  Er zog später nach Paris).
* en es fr: a temporal sentence adverb moves between the front (with a comma) and the end of a
  simple one-clause sentence (Today, he lives in Paris. <-> He lives in Paris today.).

Invariants (checked on every candidate): the same multiset of words (case-insensitive; in ja/zh the
cuts fall on word boundaries), names and numbers keep their relative order (names: the
protected-words heuristic plus, in ja, every katakana word, and in ja/zh words joined by ・/·), every
moved word may be edited (``indices_to_modify``).

The zh, de, en, es and fr rules live in :mod:`robustbench_xl.transformations.word_order_rules`.

Limits: rule-based and conservative (low coverage on long sentences); coordinated adjectives and
symmetric coordinations are not swapped (no reliable part-of-speech tagger for de/en/es/fr offline).

Example::

    >>> text = MultilingualAttackedText("그는 작년에 집을 샀다.", langs=["ko"])
    >>> [t.text for t in WordOrder("ko")(text)]
    ['작년에 그는 집을 샀다.', '그는 집을 작년에 샀다.']
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex

from ..lang import get_language, segment
from ..lang.hangul import object_adnominal_readings
from ..lang.kana import is_katakana
from ..lang.names import NAME_SEPARATORS, is_protected
from ..offline import import_textattack
from .base import rng_for
from .syntax import rules
from .syntax.moves_cjk import Predicate, japanese_binding, korean_binding, korean_verb_stem
from .word_order_rules import Move, chinese_swaps, latin_moves

_Transformation = import_textattack().transformations.Transformation
_PUNCT = regex.compile(r"\p{P}")


@dataclass(frozen=True)
class Chunk:
    """A stretch of the sentence: ``kind`` is arg (case-marked), mod, adv, pred-final, pred-conn, stop."""

    start: int
    end: int
    kind: str
    mark: str = ""
    role: str = ""  # an arg's role (subject, object, topic, adverbial)
    binding: Predicate | None = None  # a predicate's: which phrase right before it belongs with it


# -- Korean ---------------------------------------------------------------------------------------
_KO_ARG = {"JKS": "subject", "JKO": "object"}
_KO_MOD_TAGS = ("JKG", "JC", "MM", "XPN", "NNG", "NNP", "NNB", "NP", "NR", "SL", "SH", "SN", "XSN")
_KO_COMITATIVE = ("와", "과", "하고", "랑", "이랑")


def korean_chunks(text: str) -> list[Chunk]:
    from ..lang.segment import morphemes

    morphs = morphemes("ko", text)
    chunks = []
    for token in regex.finditer(r"\S+", text):
        start, end = token.start(), token.end()
        surface = token.group()
        core_end = end - 1 if surface[-1] in ".!?" and token.end() == len(text.rstrip()) else end
        inner = text[start:core_end]
        parts = [m for m in morphs if start <= m.start < core_end]
        if not parts or _PUNCT.search(inner):
            chunks.append(Chunk(start, end, "stop"))
            continue
        last, tags = parts[-1], {m.tag for m in parts}
        if last.tag in _KO_ARG or (last.tag == "JX" and last.text in ("은", "는")) or \
                (last.tag == "JKB" and last.text not in _KO_COMITATIVE):
            mark = _KO_ARG.get(last.tag) or ("topic" if last.tag == "JX" else "adverbial:" + last.text)
            kind = "arg" if len(parts) > 1 else "stop"
            chunks.append(Chunk(start, core_end, kind, mark, mark.split(":")[0]))
            continue
        if tags & {"VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA"} and last.tag in ("EF", "EC"):
            chunks.append(Chunk(start, core_end, "pred-final" if last.tag == "EF" else "pred-conn",
                                binding=korean_binding(korean_verb_stem(surface))))
            continue
        if last.tag in ("MAG", "MAJ"):
            kind = "adv"
        elif all(m.tag in _KO_MOD_TAGS for m in parts) and last.tag != "JKB":
            kind = "mod"
        else:
            kind = "stop"  # relative clauses (ETM), nominalised verbs, anything unclear
        chunks.append(Chunk(start, core_end, kind))
    return chunks


# -- Japanese -------------------------------------------------------------------------------------
_JA_CASE = {"は", "が", "を", "に", "で", "へ", "から", "まで", "より", "には", "では", "へは", "からは", "までは"}
# に/を + these verbs are compound particles (によって "by", について "about", を通じて "through" ...):
# the に/を belongs to them, so the phrase before is not a case-marked argument that may move
# (moving it gave "トミー・リーに曲はよって作成され").
_JA_COMPOUND_PARTICLE_VERBS = {"よる", "つく", "対する", "とる", "おく", "関する", "わたる", "沿う", "基づく",
                               "伴う", "従う", "際する", "向ける", "応じる", "比べる", "通じる", "通す", "めぐる",
                               "除く", "もつ", "かける", "限る", "加える", "当たる", "おける", "先立つ"}
_JA_CONTENT = ("名詞", "代名詞", "接頭辞", "接尾辞", "連体詞")
_JA_PRED = ("動詞", "形容詞", "助動詞", "形状詞")


def japanese_chunks(text: str) -> list[Chunk]:
    from ..lang.segment import sudachi

    tokens = [(m.surface(), m.part_of_speech(), m.begin(), m.end(), m.dictionary_form())
              for m in sudachi("C").tokenize(text)]
    chunks: list[Chunk] = []
    i, n = 0, len(tokens)
    while i < n:
        surface, pos, start = tokens[i][:3]
        if pos[0] in _JA_CONTENT:
            j = i
            while j < n and (tokens[j][1][0] in _JA_CONTENT or tokens[j][0] == "・"):
                j += 1
            k = j
            while k < n and tokens[k][1][0] == "助詞" and tokens[k][1][1] in ("格助詞", "係助詞"):
                k += 1
            particles = "".join(t[0] for t in tokens[j:k])
            if particles in ("に", "を") and k < n and tokens[k][4] in _JA_COMPOUND_PARTICLE_VERBS:
                chunks.append(Chunk(start, tokens[k - 1][3], "stop"))  # 〜によって, 〜を通じて: not a case
            elif particles in _JA_CASE:
                chunks.append(Chunk(start, tokens[k - 1][3], "arg", particles, rules.JA_PARTICLES.get(particles, "")))
            elif particles in ("の", "と"):
                chunks.append(Chunk(start, tokens[k - 1][3], "mod"))
            elif k == j and j < n and tokens[j][1][0] in _JA_PRED:
                i = _ja_predicate(tokens, i, chunks)
                continue
            else:  # bare nouns or another particle (も, の-less compounds): nothing that may move
                chunks.append(Chunk(start, tokens[k - 1][3], "stop"))
            i = k  # k > i: token i is content, so the loop always advances
        elif pos[0] in _JA_PRED:
            i = _ja_predicate(tokens, i, chunks)
        elif pos[0] == "副詞":
            chunks.append(Chunk(start, tokens[i][3], "adv"))
            i += 1
        elif pos[0] == "空白":
            i += 1
        else:
            chunks.append(Chunk(start, tokens[i][3], "comma" if pos[1] == "読点" else "stop"))
            i += 1
    return chunks


def _ja_predicate(tokens, i: int, chunks: list[Chunk]) -> int:
    """Append the predicate starting at token ``i`` (with a verbal noun before it); return the next index."""
    start, j = tokens[i][2], i + 1  # token i is consumed whatever it is: the loop always advances
    while j < len(tokens) and (tokens[j][1][0] in _JA_PRED + ("名詞", "接尾辞")
                               or tokens[j][1][1] == "接続助詞"):
        j += 1
    following = tokens[j] if j < len(tokens) else None
    if following is None or following[1][1] == "句点":
        kind = "pred-final"
    elif following[1][1] == "読点" or tokens[j - 1][1][1] == "接続助詞":
        kind = "pred-conn"
    else:
        kind = "stop"  # e.g. a verb modifying the next noun: a relative clause
    chunks.append(Chunk(start, tokens[j - 1][3], kind, binding=japanese_binding({tokens[i][4]})))
    return j


# -- Korean and Japanese: swapping case-marked phrases --------------------------------------------
_BOUNDARY_BEFORE = ("arg", "adv", "pred-conn", "comma")


def case_marked_swaps(text: str, chunks: list[Chunk]) -> list[Move]:
    """Swaps of two adjacent case-marked phrases, as (new text, changed start, changed end)."""
    phrases = []  # (first chunk index, last chunk index)
    i = 0
    while i < len(chunks):
        j = i
        while j < len(chunks) and chunks[j].kind == "mod":
            j += 1
        if j < len(chunks) and chunks[j].kind == "arg" and (i == 0 or chunks[i - 1].kind in _BOUNDARY_BEFORE):
            phrases.append((i, j))
        i = j + 1 if j < len(chunks) and chunks[j].kind == "arg" else max(j, i + 1)
    out = []
    for (a1, b1), (a2, b2) in zip(phrases, phrases[1:]):
        if a2 != b1 + 1:
            continue
        marks = {chunks[b1].mark, chunks[b2].mark}
        if len(marks) < 2 or marks == {"topic", "subject"} or marks == {"は", "が"}:
            continue
        rest = chunks[b2 + 1:]
        ends = [c.kind for c in rest if c.kind not in ("arg", "mod", "adv")][:1]
        if ends not in (["pred-final"], ["pred-conn"]):
            continue
        if rest[0].binding is not None and rest[0].binding.binds(chunks[b2].role, adjacent=True):
            continue  # 中心に なっている, 주장이 되었다: the phrase belongs with its verb (syntax-swap's rule)
        out.append(Move.swap(text, (chunks[a1].start, chunks[b1].end), (chunks[a2].start, chunks[b2].end)))
    return out


# -- the transformation ---------------------------------------------------------------------------
def reorderings(text: str, lang: str) -> list[Move]:
    """Every safe reordering of ``text`` (new text, the changed stretch, the cuts of a swap)."""
    script = get_language(lang).script
    if script == "hangul":
        before = object_adnominal_readings(text)
        return [m for m in case_marked_swaps(text, korean_chunks(text))
                if object_adnominal_readings(m.text) <= before]  # no new garden path (see hangul)
    if script == "japanese":
        return case_marked_swaps(text, japanese_chunks(text))
    if script == "han":
        return chinese_swaps(text)
    return latin_moves(text, lang)


def _name_like(word, k: int, text: str, lang: str) -> bool:
    """Protected words, plus (for ordering only) Japanese katakana words and words joined by ・/·:
    transliterated names the dictionaries do not know are katakana in PAWS-X ja."""
    if is_protected(word.text, lang, k == 0):
        return True
    language = get_language(lang)
    if language.script == "japanese" and len(word.text) > 1 and all(is_katakana(ch) or ch == "ー" for ch in word.text):
        return True
    near = text[max(word.start - 1, 0):word.start] + text[word.end:word.end + 1]
    return not language.spaced and any(ch in NAME_SEPARATORS for ch in near)


def keeps_words_and_names(lang: str, before: str, move: Move) -> bool:
    """The same words (case-insensitive), and the protected words (names, numbers) in the same order.

    For ja and zh a swap must cut the sentence only at word boundaries (re-segmenting a reordered
    sentence can split words differently, so the check is on the original words as units).
    """
    old = segment(lang, before)
    if get_language(lang).spaced or not move.cuts:
        new = segment(lang, move.text)
        if Counter(w.text.casefold() for w in old) != Counter(w.text.casefold() for w in new):
            return False
    else:
        bounds = {0, len(before)} | {w.start for w in old} | {w.end for w in old}
        if sorted(before) != sorted(move.text) or not set(move.cuts) <= bounds:
            return False
    protected = [w for k, w in enumerate(old) if _name_like(w, k, before, lang)]
    if move.cuts:
        return sorted(protected, key=lambda w: move.new_position(w.start)) == protected
    names = {w.text.casefold() for w in protected}
    new_words = [w.text.casefold() for w in segment(lang, move.text)]
    return [w.text.casefold() for w in protected] == [w for w in new_words if w in names]


class WordOrder(_Transformation):
    """TextAttack transformation: whole-sentence reorderings that keep the meaning (see module card)."""

    edit_family = "move"  # moves phrases: searched as whole-sentence candidates (transformations.composite)

    def __init__(self, lang: str, seed: int = 0, max_candidates: int = 8):
        super().__init__()
        self.lang = lang
        self.seed = seed
        self.max_candidates = max_candidates

    def _get_transformations(self, current_text, indices_to_modify):
        out = []
        spans_of = getattr(current_text, "_spans", None)
        for col, (column, text) in enumerate(current_text._text_input.items()):
            lang = current_text.langs[col] if hasattr(current_text, "langs") else self.lang
            first = current_text.word_indices_of_column(column).start if spans_of is not None else 0
            spans = spans_of[col] if spans_of is not None else [(w.start, w.end) for w in segment(lang, text)]
            moves = []
            for move in reorderings(text, lang):
                moved = [first + k for k, (a, b) in enumerate(spans) if a < move.end and b > move.start]
                if moved and all(i in indices_to_modify for i in moved) and move.text != text \
                        and keeps_words_and_names(lang, text, move):
                    moves.append(move.text)
            moves = list(dict.fromkeys(moves))
            if len(moves) > self.max_candidates:
                keep = sorted(rng_for(self.seed, text, "word-order").sample(range(len(moves)), self.max_candidates))
                moves = [moves[k] for k in keep]
            out += [current_text.with_column(column, new_text) for new_text in moves]
        return out

    @property
    def deterministic(self):
        return True

    def extra_repr_keys(self):
        return ["lang", "seed", "max_candidates"]
