"""Script-aware character noise (typos a native typist makes).

What: replaces a word with a misspelt variant: one character edit per word by default.

Languages and edits:
* en de es fr (Latin): a key's neighbour on the language's own keyboard (QWERTY, QWERTY-es, QWERTZ,
  AZERTY), a dropped, swapped or added diacritic (ä->a, é->è, n->ñ), a deleted or doubled letter, two
  neighbouring letters transposed.
* ko, ja, zh: see the script editors registered in ``SCRIPT_EDITORS`` (Hangul jamo, kana, Han).

Limits: words with digits are never edited (numbers carry meaning); at most ``max_candidates``
variants per word, drawn deterministically from (seed, word); a word's first letter is kept for
Latin deletions and transpositions (readers rely on it). Edits per sentence are bounded by the
recipe's constraints (share of words, one edit per word).

Example::

    >>> CharNoise("de", seed=0, max_candidates=3)._get_replacement_words("Straße")
    ['Strasse', ...]   # e.g. ß->s, a neighbour key, a transposition
"""

from __future__ import annotations

from typing import Callable

from ..lang import get_language
from ..lang.keyboards import diacritic_variants, neighbours
from ..offline import import_textattack
from .base import distinct_edits

_WordSwap = import_textattack().transformations.WordSwap


def latin_edits(word: str, lang: str) -> list[str]:
    """All one-edit typo variants of a Latin-script word."""
    out: list[str] = []
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    for i in letters:
        for near in neighbours(lang, word[i]):
            out.append(word[:i] + near + word[i + 1:])
        for variant in diacritic_variants(lang, word[i]):
            out.append(word[:i] + variant + word[i + 1:])
        if word[i] == "ß":
            out.append(word[:i] + "ss" + word[i + 1:])
    for i in letters[1:]:
        out.append(word[:i] + word[i + 1:])  # deletion
        out.append(word[:i] + word[i] + word[i:])  # doubled letter (insertion)
    for a, b in zip(letters[1:], letters[2:]):
        if b == a + 1 and word[a] != word[b]:
            out.append(word[:a] + word[b] + word[a] + word[b + 1:])  # transposition
    return out


# script name (see lang.languages) -> function(word, lang) returning one-edit variants.
SCRIPT_EDITORS: dict[str, Callable[[str, str], list[str]]] = {"latin": latin_edits}


class CharNoise(_WordSwap):
    """TextAttack ``WordSwap`` producing script-aware typo variants of each word."""

    def __init__(self, lang: str, seed: int = 0, max_candidates: int = 12, min_word_length: int = 2):
        super().__init__()
        self.lang = lang
        self.seed = seed
        self.max_candidates = max_candidates
        self.min_word_length = min_word_length
        script = get_language(lang).script
        if script not in SCRIPT_EDITORS:
            from ..errors import RbxError

            raise RbxError(f"char-noise has no editor for {lang} ({script} script) yet")
        self._edit = SCRIPT_EDITORS[script]

    def _get_replacement_words(self, word: str) -> list[str]:
        if len(word) < self.min_word_length or any(ch.isdigit() for ch in word):
            return []
        return distinct_edits(word, self._edit(word, self.lang), self.max_candidates, self.seed, "char-noise")

    def extra_repr_keys(self):
        return ["lang", "seed", "max_candidates", "min_word_length"]
