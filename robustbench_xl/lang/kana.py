"""Kana facts and Japanese typo editors.

What: :func:`kana_edits` lists the one-edit typos of a Japanese word that a reader still
recognises: a kana's size (や/ゃ, つ/っ, あ/ぁ), its voicing marks (か/が, は/ば/ぱ, ウ/ヴ), or the whole word's
kana script (hiragana <-> katakana, e.g. ありがとう -> アリガトウ).

Languages: ja (hiragana U+3041..U+3096, katakana U+30A1..U+30FA, the prolonged sound mark ー).

Limits: kanji are not edited (a wrong kanji is an IME choice with its own data, not a typo); the
script of a word is switched only when the word is written in kana alone (食べる stays as it is); a
voiced form is produced only where Unicode has it precomposed, and never the rare ゔ;
one edit per word. Results are NFC.

Example::

    >>> sorted(kana_edits("きょう"))[:3]
    ['ぎょう', 'きよう', 'きょぅ']
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

HIRAGANA_FIRST, HIRAGANA_LAST = 0x3041, 0x3096
KATAKANA_FIRST, KATAKANA_LAST = 0x30A1, 0x30FA
KANA_OFFSET = KATAKANA_FIRST - HIRAGANA_FIRST  # katakana = hiragana + 0x60
PROLONGED_SOUND_MARK = "ー"

# Large kana and their small forms (hiragana and katakana).
_SMALL_PAIRS = "あぁいぃうぅえぇおぉつっやゃゆゅよょわゎアァイィウゥエェオォツッヤャユュヨョワヮ"
SMALL_OF = {_SMALL_PAIRS[i]: _SMALL_PAIRS[i + 1] for i in range(0, len(_SMALL_PAIRS), 2)}
LARGE_OF = {small: large for large, small in SMALL_OF.items()}
DAKUTEN, HANDAKUTEN = "\u3099", "\u309a"  # combining voiced / semi-voiced sound marks


def is_hiragana(ch: str) -> bool:
    return HIRAGANA_FIRST <= ord(ch) <= HIRAGANA_LAST


def is_katakana(ch: str) -> bool:
    return KATAKANA_FIRST <= ord(ch) <= KATAKANA_LAST


def is_kana(ch: str) -> bool:
    return is_hiragana(ch) or is_katakana(ch) or ch == PROLONGED_SOUND_MARK


@lru_cache(maxsize=None)
def voicing_variants(ch: str) -> str:
    """Kana that differ from ``ch`` only by dakuten/handakuten (か -> が, ば -> は ぱ)."""
    base = unicodedata.normalize("NFD", ch)[0]
    out = []
    for form in (base, base + DAKUTEN, base + HANDAKUTEN):
        composed = unicodedata.normalize("NFC", form)
        # ゔ is hardly ever written; ヴ (katakana, for loanwords) is common and kept.
        if len(composed) == 1 and composed != ch and is_kana(composed) and composed != "ゔ":
            out.append(composed)
    return "".join(out)


def size_variant(ch: str) -> str:
    """The small form of a large kana or the large form of a small one ('' if it has none)."""
    return SMALL_OF.get(ch) or LARGE_OF.get(ch, "")


def switch_script(word: str) -> str:
    """Hiragana -> katakana or katakana -> hiragana for a word written in kana only ('' otherwise)."""
    if not word or not all(is_kana(ch) for ch in word) or all(ch == PROLONGED_SOUND_MARK for ch in word):
        return ""
    if any(is_katakana(ch) for ch in word):
        if not all(is_katakana(ch) or ch == PROLONGED_SOUND_MARK for ch in word):
            return ""  # mixed scripts: not a whole-word switch
        # ヷ..ヺ and ヵヶ have no hiragana counterpart that reads the same; leave such words alone.
        if any(ch != PROLONGED_SOUND_MARK and (ord(ch) > 0x30F6 or ch in "ヵヶ") for ch in word):
            return ""
        return "".join(chr(ord(ch) - KANA_OFFSET) if is_katakana(ch) else ch for ch in word)
    return "".join(chr(ord(ch) + KANA_OFFSET) if is_hiragana(ch) else ch for ch in word)


def kana_edits(word: str, lang: str = "ja") -> list[str]:
    """Every one-edit kana typo of a Japanese word (kanji and other characters are kept)."""
    out: list[str] = []
    for k, ch in enumerate(word):
        if not is_kana(ch):
            continue
        for new in size_variant(ch) + voicing_variants(ch):
            out.append(word[:k] + new + word[k + 1:])
    switched = switch_script(word)
    if switched:
        out.append(switched)
    return [unicodedata.normalize("NFC", w) for w in dict.fromkeys(out) if w != word]
