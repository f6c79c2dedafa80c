"""Script-aware character noise (typos a native typist makes).

What: replaces a word with a misspelt variant: one character (or jamo, or kana) edit per word.

Languages and edits:
* en de es fr (Latin): a key's neighbour on the language's own keyboard (QWERTY, QWERTY-es, QWERTZ,
  AZERTY), a dropped, swapped or added diacritic (ä->a, é->è, n->ñ), a deleted or doubled letter, two
  neighbouring letters transposed.
* ko (Hangul, :mod:`robustbench_xl.lang.hangul`): one jamo replaced by its dubeolsik keyboard
  neighbour or a similar-sounding jamo, dropped or doubled, or a final written as pronounced; every
  result is made of complete syllables. Plus spacing errors as a separate operation (``spacing``):
  a compound noun split in two (재정상태 -> 재정 상태), or two eojeol closed up (할 수 -> 할수); a
  merge is one edit of two words, done on the full word list, so word indices after it shift by one
  (TextAttack's ``original_index_map`` records it) and it is only offered when both words may be
  edited and only a single space separates them.
* ja (kana, :mod:`robustbench_xl.lang.kana`): small/large kana, dakuten/handakuten added or removed,
  a kana-only word switched between hiragana and katakana.
* zh (Han, :mod:`robustbench_xl.lang.han`): a character replaced by a common homophone (pinyin
  input method) or a common look-alike character (char-similar data).

Label validity (a typo must stay noise, not become another word):
* no real words: a variant that spells another word of the language is never offered (de Hund ->
  Bund, ko 먼지와 -> 번지와, ja ため -> だめ, zh 没有 -> 设有), by the word lists of
  :mod:`robustbench_xl.resources.known_words`; the variants are drawn from the remaining ones;
* one typo per word as a reader sees it: in unspaced text (the registry's ``spaced`` fact: ja zh) a
  segmenter word is often part of a longer word (事务|机制, 使わ|れる), so a word touching an already
  edited word (no character between them) is not edited; a spaced word (an eojeol, a Latin word)
  gets one edit by construction (one jamo, one key or one diacritic);
* numerals are never edited: digits and numeral characters (3, 三, 十), and the numerals the
  language's analyser knows (ko 둘 "two", 하나; ja ゼロ; zh 许多 "many").

Limits: words shorter than ``min_word_length`` characters are left alone (single-kana/single-hanzi/
single-syllable words are mostly particles); at most ``max_candidates`` variants per word, drawn
deterministically from (seed, word); a Latin word's first letter is kept for deletions and
transpositions. The word lists are finite (a typo that spells a rare word can pass; see
``known_words``). Edits per sentence are bounded by the recipe's constraints (share of words, one
edit per word). Output is NFC.

Example::

    >>> CharNoise("de", seed=0, max_candidates=3)._get_replacement_words("Straße")
    ['Sfraße', 'Sgraße', 'Strae']
    >>> CharNoise("ko", seed=0, max_candidates=3)._get_replacement_words("재정적으로")
    ['쟈정적으로', '재정적아로', '재정적으류']
"""

from __future__ import annotations

from typing import Callable

from ..lang import get_language
from ..lang.han import han_edits
from ..lang.hangul import can_merge, hangul_edits, spacing_splits
from ..lang.kana import kana_edits
from ..lang.keyboards import diacritic_variants, neighbours
from ..lang.names import has_number
from ..offline import import_textattack
from ..resources.known_words import is_numeral, lands_on_word
from .base import distinct_edits, rng_for

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
SCRIPT_EDITORS: dict[str, Callable[[str, str], list[str]]] = {
    "latin": latin_edits,
    "hangul": hangul_edits,
    "japanese": kana_edits,
    "han": han_edits,
}


def touching_edited_words(current_text) -> set[int]:
    """Indices of the words of unspaced columns (ja zh) that touch an edited word: no character
    between them, so a reader takes the two for one word (事务机制 = 事务|机制)."""
    modified = current_text.attack_attrs.get("modified_indices", set())
    spans, langs = getattr(current_text, "_spans", None), getattr(current_text, "langs", None)
    if not modified or spans is None or langs is None:
        return set()
    out, start = set(), 0
    for lang, column in zip(langs, spans):
        if not get_language(lang).spaced:
            for j in range(len(column) - 1):
                if column[j][1] == column[j + 1][0] and ({start + j, start + j + 1} & modified):
                    out |= {start + j, start + j + 1} - modified
        start += len(column)
    return out


class CharNoise(_WordSwap):
    """TextAttack ``WordSwap`` producing script-aware typo variants of each word.

    ``spacing`` (Korean only) adds eojeol splits and merges; ``max_spacing`` caps them per word.
    """

    def __init__(self, lang: str, seed: int = 0, max_candidates: int = 12, min_word_length: int = 2,
                 spacing: bool = True, max_spacing: int = 2):
        super().__init__()
        self.lang = lang
        self.seed = seed
        self.max_candidates = max_candidates
        self.min_word_length = min_word_length
        script = get_language(lang).script
        if script not in SCRIPT_EDITORS:
            from ..errors import RbxError

            raise RbxError(f"char-noise has no editor for {lang} ({script} script)")
        self._edit = SCRIPT_EDITORS[script]
        self.spacing = bool(spacing) and script == "hangul"
        self.max_spacing = max_spacing
        self._editable: set[int] | None = None

    def _get_replacement_words(self, word: str) -> list[str]:
        if len(word) < self.min_word_length or has_number(word) or is_numeral(self.lang, word):
            return []
        typos = [c for c in self._edit(word, self.lang) if not lands_on_word(self.lang, word, c)]
        return distinct_edits(word, typos, self.max_candidates, self.seed, "char-noise")

    def _get_transformations(self, current_text, indices_to_modify):
        indices = set(indices_to_modify) - touching_edited_words(current_text)
        out = super()._get_transformations(current_text, indices)
        if self.spacing:
            for i in sorted(indices):
                out.extend(self._spacing_variants(current_text, i))
        return out

    # -- Korean spacing errors -----------------------------------------------------------------
    def __call__(self, current_text, pre_transformation_constraints=[], indices_to_modify=None,
                 shifted_idxs=False, return_indices=False):
        # A merge also edits word i+1, which the search did not ask about: remember which words the
        # constraints allow, so a merge never swallows a protected or already edited word.
        self._editable = None
        if self.spacing and not return_indices:
            editable = set(range(len(current_text.words)))
            for constraint in pre_transformation_constraints:
                editable &= constraint(current_text, self)
            self._editable = editable
        return super().__call__(current_text, pre_transformation_constraints, indices_to_modify,
                                shifted_idxs, return_indices)

    def _spacing_variants(self, current_text, i: int) -> list:
        words = current_text.words
        word = words[i]
        if has_number(word):
            return []
        variants = []
        splits = spacing_splits(word)
        if len(splits) > 1:
            splits = [rng_for(self.seed, word, "spacing").choice(splits)]
        variants += [current_text.replace_word_at_index(i, s) for s in splits[: self.max_spacing]]
        if len(variants) < self.max_spacing and self._can_merge_with_next(current_text, i):
            merged = list(words)
            merged[i], merged[i + 1] = words[i] + words[i + 1], ""
            variants.append(current_text.generate_new_attacked_text(merged))
        return variants

    def _can_merge_with_next(self, current_text, i: int) -> bool:
        if self._editable is None or i + 1 not in self._editable or i + 1 >= len(current_text.words):
            return False
        spans = getattr(current_text, "_spans", None)
        if spans is None:
            return False
        col, j = current_text.column_of_word_index(i)
        if j + 1 >= len(spans[col]):
            return False  # word i is the last of its sentence
        text = list(current_text._text_input.values())[col]
        column_spans = spans[col]
        gap = text[column_spans[j][1]:column_spans[j + 1][0]]
        # Both must be whole eojeol: nothing but a space (or the sentence edge) around each, so a
        # particle split off by a bracket ("(Pete Beale)은") is never glued to the next word.
        before = text[column_spans[j - 1][1]:column_spans[j][0]] if j > 0 else text[:column_spans[j][0]]
        after = text[column_spans[j + 1][1]:column_spans[j + 2][0]] if j + 2 < len(column_spans) \
            else text[column_spans[j + 1][1]:]
        whole = (before == "" or before.endswith(" ")) and (after.strip() in ("", ".", ",", "!", "?")
                                                             and (after == "" or after[0] in " .,!?"))
        left, right = current_text.words[i], current_text.words[i + 1]
        return gap == " " and whole and not has_number(left + right) and can_merge(left, right)

    def extra_repr_keys(self):
        return ["lang", "seed", "max_candidates", "min_word_length", "spacing"]
