"""Hangul syllables as jamo, the 2-set (dubeolsik) keyboard, and Korean typo editors.

What: :func:`decompose` / :func:`compose` split a precomposed syllable (U+AC00..U+D7A3) into its
initial, medial and final jamo by arithmetic and put it back together; :func:`hangul_edits` lists
every one-jamo typo of an eojeol, and :func:`spacing_splits` / :func:`can_merge` describe the spacing
errors (띄어쓰기) Korean writers make.

Edits (one per word, every result re-composed into complete syllables, never loose jamo, NFC):
* a jamo replaced by its neighbour on the dubeolsik keyboard (consonant for consonant, vowel for
  vowel: a wrong key in the same hand area);
* a jamo replaced by a similar-sounding one: plain/tense/aspirated stops (ㄱ/ㄲ/ㅋ, ㄷ/ㄸ/ㅌ,
  ㅂ/ㅃ/ㅍ, ㅈ/ㅉ/ㅊ, ㅅ/ㅆ), merged vowels (ㅐ/ㅔ, ㅒ/ㅖ, ㅙ/ㅞ/ㅚ, ㅢ/ㅣ), finals pronounced alike
  (ㄷ ㅅ ㅆ ㅈ ㅊ ㅌ are all [t] at the end of a syllable; ㄱ/ㄲ/ㅋ; ㅂ/ㅍ);
* a key dropped: the final consonant, or one key of a compound vowel (ㅘ -> ㅏ) or final (ㄺ -> ㄹ);
* a key doubled: the next syllable's initial typed twice becomes this syllable's final (가다 -> 갇다);
* writing as pronounced (연음): a final moves onto a following silent ㅇ (먹어 -> 머거).
Spacing (a separate operation of the char-noise transformation): a compound noun split in two
(재정상태 -> 재정 상태), or two eojeol closed up where writers often do (할 수 -> 할수, a bound noun or
auxiliary verb after its head, or two bare nouns).

Limits: only precomposed syllables are edited (characters outside U+AC00..U+D7A3 are kept);
archaic jamo are not produced; the morpheme analysis for spacing is kiwipiepy's, context-free.

Example::

    >>> decompose("각"), compose(0, 0, 1)
    ((0, 0, 1), '각')
    >>> [w for w in hangul_edits("먹어") if w in ("머거", "먹여", "먹거", "멋어")]
    ['멋어', '먹거', '먹여', '머거']
    >>> spacing_splits("재정상태"), can_merge("할", "수")
    (['재정 상태'], True)
"""

from __future__ import annotations

from functools import lru_cache

import regex

INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ",
          "ㅂ", "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")
FIRST_SYLLABLE, LAST_SYLLABLE = 0xAC00, 0xD7A3

# Dubeolsik letter rows without shift (Q row, A row, Z row), as on a Korean keyboard.
DUBEOLSIK_ROWS = ("ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔ", "ㅁㄴㅇㄹㅎㅗㅓㅏㅣ", "ㅋㅌㅊㅍㅠㅜㅡ")
CONSONANTS = frozenset("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")

# Groups whose members sound alike (a writer picks the wrong one); position-specific.
SIMILAR_INITIALS = ("ㄱㄲㅋ", "ㄷㄸㅌ", "ㅂㅃㅍ", "ㅈㅉㅊ", "ㅅㅆ")
SIMILAR_MEDIALS = ("ㅐㅔ", "ㅒㅖ", "ㅙㅞㅚ", "ㅢㅣ")
SIMILAR_FINALS = ("ㄱㄲㅋ", "ㄷㅅㅆㅈㅊㅌ", "ㅂㅍ")
# Compound jamo typed as two keys: dropping either key leaves the other.
COMPOUND_MEDIALS = {"ㅘ": "ㅗㅏ", "ㅙ": "ㅗㅐ", "ㅚ": "ㅗㅣ", "ㅝ": "ㅜㅓ", "ㅞ": "ㅜㅔ", "ㅟ": "ㅜㅣ", "ㅢ": "ㅡㅣ"}
COMPOUND_FINALS = {"ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ", "ㄽ": "ㄹㅅ",
                   "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ"}
# Morpheme tags after which Koreans often drop the space: bound nouns, auxiliary verbs.
_CLOSE_UP_TAGS = ("NNB", "VX")
_NOUN_TAGS = ("NNG", "NNP")


def is_syllable(ch: str) -> bool:
    return len(ch) == 1 and FIRST_SYLLABLE <= ord(ch) <= LAST_SYLLABLE


def decompose(ch: str) -> tuple[int, int, int] | None:
    """(initial, medial, final) indices of a precomposed syllable, or None."""
    if not is_syllable(ch):
        return None
    code = ord(ch) - FIRST_SYLLABLE
    return code // (21 * 28), (code // 28) % 21, code % 28


def compose(initial: int, medial: int, final: int = 0) -> str:
    if not (0 <= initial < 19 and 0 <= medial < 21 and 0 <= final < 28):
        raise ValueError("jamo index out of range")
    return chr(FIRST_SYLLABLE + (initial * 21 + medial) * 28 + final)


@lru_cache(maxsize=None)
def keyboard_neighbours(jamo: str) -> str:
    """Keys touching ``jamo`` on the dubeolsik layout (rows offset half a key, as on a keyboard)."""
    rows = DUBEOLSIK_ROWS
    for r, row in enumerate(rows):
        c = row.find(jamo)
        if c < 0:
            continue
        near = []
        for dr, (lo, hi) in ((-1, (c, c + 1)), (0, (c - 1, c + 1)), (1, (c - 1, c))):
            if 0 <= r + dr < len(rows):
                other = rows[r + dr]
                near += [other[cc] for cc in range(lo, hi + 1) if 0 <= cc < len(other) and (dr, cc) != (0, c)]
        return "".join(dict.fromkeys(near))
    return ""


def _alike(jamo: str, groups) -> str:
    return "".join(ch for group in groups if jamo in group for ch in group if ch != jamo)


def _initial_swaps(jamo: str) -> list[str]:
    near = [j for j in keyboard_neighbours(jamo) if j in CONSONANTS]
    return [j for j in dict.fromkeys(near + list(_alike(jamo, SIMILAR_INITIALS))) if j in INITIALS]


def _medial_swaps(jamo: str) -> list[str]:
    near = [j for j in keyboard_neighbours(jamo) if j not in CONSONANTS]
    dropped = list(COMPOUND_MEDIALS.get(jamo, ""))
    return [j for j in dict.fromkeys(near + list(_alike(jamo, SIMILAR_MEDIALS)) + dropped) if j in MEDIALS]


def _final_swaps(jamo: str) -> list[str]:
    near = [j for j in keyboard_neighbours(jamo) if j in CONSONANTS]
    dropped = list(COMPOUND_FINALS.get(jamo, "")) + [""]
    return [j for j in dict.fromkeys(near + list(_alike(jamo, SIMILAR_FINALS)) + dropped) if j in FINALS]


def syllable_edits(ch: str) -> list[str]:
    """One-jamo typos of a single syllable (each a complete syllable)."""
    parts = decompose(ch)
    if parts is None:
        return []
    i, m, f = parts
    out = [compose(INITIALS.index(j), m, f) for j in _initial_swaps(INITIALS[i])]
    out += [compose(i, MEDIALS.index(j), f) for j in _medial_swaps(MEDIALS[m])]
    if f:
        out += [compose(i, m, FINALS.index(j)) for j in _final_swaps(FINALS[f])]
    return [s for s in dict.fromkeys(out) if s != ch]


def _cross_syllable_edits(a: str, b: str) -> list[tuple[str, str]]:
    """Edits of two neighbouring syllables: a doubled key, or a final moved onto a silent ㅇ."""
    pa, pb = decompose(a), decompose(b)
    if pa is None or pb is None:
        return []
    out = []
    (ia, ma, fa), (ib, mb, fb) = pa, pb
    next_initial = INITIALS[ib]
    if fa == 0 and next_initial != "ㅇ" and next_initial in FINALS:
        out.append((compose(ia, ma, FINALS.index(next_initial)), b))  # 가다 -> 갇다
    if fa and next_initial == "ㅇ":
        final = FINALS[fa]
        keep, moved = (COMPOUND_FINALS[final][0], COMPOUND_FINALS[final][1]) if final in COMPOUND_FINALS \
            else ("", final)
        if moved in INITIALS and moved not in "ㅇㅎ":
            out.append((compose(ia, ma, FINALS.index(keep)), compose(INITIALS.index(moved), mb, fb)))
    return out


def hangul_edits(word: str, lang: str = "ko") -> list[str]:
    """Every one-edit typo variant of a Korean word (characters other than syllables are kept)."""
    out: list[str] = []
    for k, ch in enumerate(word):
        for new in syllable_edits(ch):
            out.append(word[:k] + new + word[k + 1:])
    for k in range(len(word) - 1):
        for new_a, new_b in _cross_syllable_edits(word[k], word[k + 1]):
            out.append(word[:k] + new_a + new_b + word[k + 2:])
    return [w for w in dict.fromkeys(out) if w != word]


def _morphemes(word: str):
    from .segment import morphemes

    return morphemes("ko", word)


def spacing_splits(word: str) -> list[str]:
    """The eojeol with one space inserted between two nouns of a compound (재정상태 -> 재정 상태)."""
    if not all(is_syllable(ch) for ch in word):
        return []
    out = []
    morphs = _morphemes(word)
    for left, right in zip(morphs, morphs[1:]):
        if left.tag in _NOUN_TAGS and right.tag in _NOUN_TAGS and left.end == right.start \
                and 0 < right.start < len(word) and word[left.start:left.end] == left.text:
            out.append(word[:right.start] + " " + word[right.start:])
    return out


def can_merge(left: str, right: str) -> bool:
    """True when writing ``left`` and ``right`` without a space is a common Korean spacing error."""
    if not (left and right and all(is_syllable(ch) for ch in left + right)):
        return False
    morphs = _morphemes(f"{left} {right}")  # analysed together: 보다 after 먹어 is a verb, not "than"
    left_morphs = [m for m in morphs if m.end <= len(left)]
    right_morphs = [m for m in morphs if m.start > len(left)]
    if not left_morphs or not right_morphs:
        return False
    if right_morphs[0].tag in _CLOSE_UP_TAGS:
        return True  # 할 수 -> 할수, 먹어 보다 -> 먹어보다
    # Two bare nouns: a compound written apart (재정 상태 -> 재정상태).
    return all(m.tag in _NOUN_TAGS for m in left_morphs) and right_morphs[0].tag in _NOUN_TAGS


# A phrase marked as an object (을/를) followed by one of these words reads first as the object of a
# relative clause: 한 is both the determiner "one" and the past adnominal of 하다 ("did"), 할/하는/
# 하던/했던 and 된/될/되는 likewise. "한 마을이 특정 결혼을" (one village ... a particular marriage)
# scrambled to "특정 결혼을 한 마을이" reads as "the village that made a particular marriage".
_ADNOMINAL_LOOKALIKES = "한|할|하는|하던|했던|된|될|되는|받은|받는"
_OBJECT_THEN_ADNOMINAL = regex.compile(rf"[을를]\s+(?:{_ADNOMINAL_LOOKALIKES})(?=\s)")


def object_adnominal_readings(text: str) -> int:
    """How often an object phrase (…을/를) is followed by a word that also reads as a verb's adnominal
    form (한, 할, 된 ...): a reordering that adds one creates a garden path (see above).

    >>> object_adnominal_readings("특정 결혼을 한 마을이 허락하지 않는다"), object_adnominal_readings("한 마을이 특정 결혼을 허락")
    (1, 0)
    """
    return len(_OBJECT_THEN_ADNOMINAL.findall(text))
