"""Code-switching: replace a word with its translation from a bilingual dictionary.

What: a ``WordSwap`` that writes one word of the sentence in another language, the way bilingual
speakers mix languages (``Sie zog nach Berlin, um dort zu arbeiten`` -> ``Sie zog nach Berlin, um
dort zu work``). Candidates come only from a MUSE-format dictionary (bundled subset, or any file
via ``dictionary: PATH``), so every replacement is a dictionary pair.

Languages: source en de es fr ja ko zh; target English by default (Spanish for English text:
Spanish-English is the most common code-switching pair), or any other language via
``target_lang`` (non-English pairs go through English and must round-trip, see
:mod:`robustbench_xl.resources.dictionaries`).

How words are matched:
* en de es fr: the casefolded surface first, then its ``simplemma`` lemma (``Häuser`` -> ``haus``);
  a sentence-initial capital carries over to the replacement; translations inflected like the word
  are preferred where the dictionary has both (``Stadt`` -> ``city``, not ``cities``; a Korean,
  Japanese or Chinese noun counts as a base form);
* ko: the whole eojeol, else its common-noun stem from kiwipiepy with the particles/endings kept
  as written (``남편은`` -> ``husband은``, ``결혼했다`` -> ``marriage했다``): Korean speakers mix
  English nouns exactly this way. The particle is not re-chosen (after a foreign word 은/는 depends
  on how the reader pronounces it);
* ja zh: the segmented word (SudachiPy mode C, jieba) as it stands.

ja, ko and zh words (or Korean stems) of one character are never switched: they are too ambiguous,
and in Chinese often a piece of a transliterated name (汤顿河 "Taunton River" -> 汤 "soup" + 顿河).

Where a switch lands (since recipe v2): a replacement that starts or ends in a Latin letter or digit
may not touch another Latin letter or digit (two switched neighbours in unspaced zh/ja text glued
into ``schoollocated``), and a switched katakana word may not touch katakana (it was a piece of a
longer katakana run, i.e. of a transcribed name: メイスフィールド -> メイスfield). Korean switches
whole eojeol or their common-noun stem, so a Hangul transcription is never cut.

Never switched: numbers, names (capitalised mid-sentence words via ``ProtectedWords`` in the
recipe; ko/ja/zh proper nouns by the language's analyser here), words the dictionary maps to
themselves (loanwords and names: ``hotel -> hotel``), closed-class words (by UD counts for en/de/es/fr,
the analyser for ja/zh/ko), English function words on either side, translations of another word
class where both are known (Latin-script pairs: en ``kind`` NOUN is not es ``amable`` ADJ), and
words with a function word among their translations (homographs: French ``est`` is "is" and
"east"; only "is" is right in ``il est né``).

Limits: a translation of a lemma is a base form (``Häuser`` -> ``house``); German nouns produced
from a user's lower-case dictionary stay lower-case; a word is switched as a whole, so
multi-word expressions are not.

Example::

    >>> CodeSwitch("de", seed=0)._get_replacement_words("Stadt")
    ['town', 'city', 'cities']
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from ..errors import RbxError
from ..lang import get_language, validate_lang
from ..offline import import_textattack
from ..resources.dictionaries import BilingualDictionary, load_dictionary
from ..resources.lexicon import (
    ENGLISH,
    carry_case,
    is_english_stopword,
    is_name_or_number,
    korean_stem,
    lemma,
    match_keys,
    same_word_class,
    word_class,
)
from .base import distinct_edits

_WordSwap = import_textattack().transformations.WordSwap
ENGLISH_TEXT_TARGET = "es"  # English text cannot switch into English


_LATIN_EDGE = regex.compile(r"[\p{Latin}\p{Nd}]")
_KATAKANA_EDGE = regex.compile(r"[\p{Katakana}ー・･]")


def _touches(ch: str, replacement_edge: str, word_edge: str) -> bool:
    """Whether the neighbouring character ``ch`` glues onto a replacement ending in
    ``replacement_edge`` that took the place of a word ending in ``word_edge``: a Latin letter or
    digit beside another, or a katakana word cut out of a longer katakana run."""
    if not ch or not _LATIN_EDGE.match(replacement_edge):
        return False
    return bool(_LATIN_EDGE.match(ch) or (_KATAKANA_EDGE.match(ch) and _KATAKANA_EDGE.match(word_edge)))


def free_standing(text: str, replacement: str, word: str) -> int:
    """How often ``replacement`` (switched for ``word``) stands in ``text`` without gluing onto its
    neighbours (see the card)."""
    count, start = 0, text.find(replacement)
    while start >= 0:
        before, after = text[start - 1:start], text[start + len(replacement):start + len(replacement) + 1]
        if not _touches(before, replacement[0], word[:1]) and not _touches(after, replacement[-1], word[-1:]):
            count += 1
        start = text.find(replacement, start + 1)
    return count


def default_target(lang: str) -> str:
    """English, except for English text, which is switched into Spanish."""
    return ENGLISH_TEXT_TARGET if lang == ENGLISH else ENGLISH


@dataclass(frozen=True)
class Switch:
    source: str  # the dictionary entry that matched (casefolded surface, lemma or Korean stem)
    translation: str  # its dictionary translation
    replacement: str  # what goes into the sentence (translation + Korean particles, case carried)


class CodeSwitch(_WordSwap):
    """TextAttack ``WordSwap`` replacing words by dictionary translations (see the module card)."""

    substitutes_words = True  # puts other words in: use-similarity's substitutions_only checks these

    def __init__(self, lang: str, seed: int = 0, target_lang: str | None = None, dictionary: str | None = None,
                 max_candidates: int = 4, use_lemmas: bool = True):
        super().__init__()
        self.lang = validate_lang(lang)
        self.target_lang = default_target(self.lang) if target_lang in (None, "", "auto") else validate_lang(
            target_lang)
        if self.target_lang == self.lang:
            raise RbxError(f"code-switch: the target language must differ from the text's ({lang})")
        self.seed = seed
        self.max_candidates = max_candidates
        self.use_lemmas = use_lemmas
        self.dictionary: BilingualDictionary = load_dictionary(self.lang, self.target_lang, dictionary)
        self._cache: dict[tuple[str, bool], tuple[Switch, ...]] = {}

    # -- candidates ---------------------------------------------------------------------------
    def _usable(self, source: str, translation: str) -> bool:
        if translation.casefold() == source.casefold() or any(ch.isdigit() for ch in translation):
            return False
        if not same_word_class(self.lang, source, self.target_lang, translation):
            return False  # another sense: en kind (NOUN) -> es amable (ADJ "kind-hearted")
        english = source if self.lang == ENGLISH else translation if self.target_lang == ENGLISH else None
        if english is not None and is_english_stopword(english):
            return False
        return not is_name_or_number(self.target_lang, translation)

    def _lookup(self, key: str, inflected: bool = False) -> tuple[str, ...]:
        found = self.dictionary.translations(key)
        if any(t.casefold() == key for t in found):
            return ()  # maps to itself: a loanword or a name
        if self.target_lang == ENGLISH and any(is_english_stopword(t) for t in found):
            return ()  # a function word, or a homograph of one (fr "est": is / east)
        usable = tuple(t for t in found if self._usable(key, t))
        # Prefer translations inflected like the word (Stadt -> city, not cities; Städte -> cities).
        alike = tuple(t for t in usable if self._inflected(self.target_lang, t) == inflected)
        return alike or usable

    @staticmethod
    def _inflected(lang: str, word: str) -> bool:
        return get_language(lang).script == "latin" and lemma(lang, word.casefold()) != word.casefold()

    def switches(self, word: str, first_in_sentence: bool = False) -> tuple[Switch, ...]:
        """Every dictionary switch of ``word`` (before sampling), cached."""
        cache_key = (word, first_in_sentence)
        if cache_key not in self._cache:
            self._cache[cache_key] = tuple(self._switches(word, first_in_sentence))
        return self._cache[cache_key]

    def _switches(self, word: str, first_in_sentence: bool) -> list[Switch]:
        if not word or is_name_or_number(self.lang, word):
            return []
        known = word_class(self.lang, word)
        if known and known.function:
            return []  # determiners, particles, pronouns: grammar, not vocabulary
        script = get_language(self.lang).script
        if script == "latin":
            if self.lang == ENGLISH and is_english_stopword(word):
                return []
            for key in match_keys(self.lang, word, self.use_lemmas):
                found = self._lookup(key, self._inflected(self.lang, key))
                if found:
                    return [Switch(key, t, carry_case(word, t, first_in_sentence)) for t in found]
            return []
        key = word.casefold()
        # One-character words are too ambiguous, and in zh often a piece of a transliterated name
        # (汤顿河 "Taunton River" is segmented 汤 "soup" + 顿河).
        out = [Switch(key, t, t) for t in self._lookup(key)] if len(key) >= 2 else []
        if not out and get_language(self.lang).segmenter == "eojeol":  # try the stem without its particles
            split = korean_stem(word)
            if split and split.rest and len(split.stem) >= 2:
                for t in self._lookup(split.stem):
                    out.append(Switch(split.stem, t, t + split.rest))
        return out

    def replacements(self, word: str, first_in_sentence: bool = False) -> list[str]:
        """The sampled replacements for ``word`` (at most ``max_candidates``, seeded by the word)."""
        options = [s.replacement for s in self.switches(word, first_in_sentence)]
        return distinct_edits(word, options, self.max_candidates, self.seed, "code-switch", self.target_lang)

    def _get_replacement_words(self, word: str) -> list[str]:
        return self.replacements(word, False)

    # -- TextAttack ---------------------------------------------------------------------------
    def _get_transformations(self, current_text, indices_to_modify):
        langs = getattr(current_text, "langs", None)
        words = current_text.words
        out = []
        for i in sorted(indices_to_modify):
            if langs is not None:
                column, position = current_text.column_of_word_index(i)
                if langs[column] != self.lang:
                    continue  # a column in another language is not ours to switch
            else:
                position = i
            for replacement in self.replacements(words[i], position == 0):
                child = current_text.replace_word_at_index(i, replacement)
                # A switch that glues onto a Latin word or splits a katakana run adds no free-standing copy.
                before = free_standing(current_text.text, replacement, words[i])
                if free_standing(child.text, replacement, words[i]) > before:
                    out.append(child)
        return out

    def extra_repr_keys(self):
        return ["lang", "target_lang", "seed", "max_candidates", "use_lemmas"]
