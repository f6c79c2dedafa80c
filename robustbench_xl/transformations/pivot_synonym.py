"""Pivot synonyms: replace a word with a same-language word that shares its translations.

What: a ``WordSwap`` whose candidates are synonyms found without a thesaurus of the language
itself: two words are synonyms when independent translations agree (``de Anfang -> beginning,
start <- Beginn``) or when they share a small Open Multilingual Wordnet synset and a translation.
The rule and its reasons are in :mod:`robustbench_xl.resources.pivots`; every candidate carries
its evidence (pivots, synset).

Languages: en (pivots through de es fr ja ko zh), de es fr ja ko zh (pivots through English,
plus wordnet).

How words are matched:
* en de es fr: the casefolded surface form (no lemma fallback: the synonym must fit the inflection
  that is there); the first letter keeps the original's case, and in German a capitalised synonym
  (a noun) never replaces a lower-case word;
* ko: the whole eojeol, else its common-noun stem with the particles kept, re-chosen to fit the new
  stem (``학교는`` -> ``학원은``, ``도시로`` -> ``시내로``);
* ja zh: the segmented word.

Never replaced: numbers and names (``ProtectedWords`` in the recipe; ko/ja/zh proper nouns by the
language's analyser), English function words.

Limits: few candidates outside English with the strict rule (docs/recipes/pivot-synonym.md: 18-37%
of PAWS-X sentences have one, 72% in English); gender and number are checked only for words the UD
treebanks contain; no word-sense disambiguation.

Example::

    >>> PivotSynonym("en", seed=0)._get_replacement_words("began")
    ['started']
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lang import get_language, validate_lang
from ..offline import import_textattack
from ..resources.lexicon import fit_korean_particle, is_name_or_number, korean_stem
from ..resources.pivots import PivotSynonyms, Synonym, pivot_synonyms
from .base import distinct_edits

_WordSwap = import_textattack().transformations.WordSwap


@dataclass(frozen=True)
class Substitution:
    source: str  # the form that was looked up (casefolded word, or a Korean noun stem)
    synonym: Synonym  # the accepted synonym with its pivots / synset
    replacement: str  # what goes into the sentence


def _initial_case_like(original: str, replacement: str) -> str:
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement[:1].lower() + replacement[1:]


class PivotSynonym(_WordSwap):
    """TextAttack ``WordSwap`` replacing words by pivot-confirmed synonyms (see the module card)."""

    substitutes_words = True  # puts other words in: use-similarity's substitutions_only checks these

    def __init__(self, lang: str, seed: int = 0, max_candidates: int = 6, min_pivots: int = 2,
                 max_synset_size: int = 4, max_fanout: int = 8, to_english: str | None = None,
                 from_english: str | None = None, wordnet: str | None = None):
        super().__init__()
        self.lang = validate_lang(lang)
        self.seed = seed
        self.max_candidates = max_candidates
        if to_english or from_english or wordnet:
            self.index = PivotSynonyms(self.lang, min_pivots, max_synset_size, max_fanout,
                                       to_english=to_english, from_english=from_english, wordnet=wordnet)
        else:
            self.index = pivot_synonyms(self.lang, min_pivots, max_synset_size, max_fanout)
        self._cache: dict[str, tuple[Substitution, ...]] = {}

    def substitutions(self, word: str) -> tuple[Substitution, ...]:
        """Every accepted substitution of ``word`` (before sampling), cached."""
        if word not in self._cache:
            self._cache[word] = tuple(self._substitutions(word))
        return self._cache[word]

    def _substitutions(self, word: str) -> list[Substitution]:
        if not word or is_name_or_number(self.lang, word):
            return []
        key = word.casefold()
        language = get_language(self.lang)
        if language.latin:
            out = []
            for synonym in self.index.synonyms(key):
                if language.capitalises_nouns and synonym.word[:1].isupper() and not word[:1].isupper():
                    continue  # a (German) noun cannot stand for a verb or an adjective
                out.append(Substitution(key, synonym, _initial_case_like(word, synonym.word)))
            return out
        out = [Substitution(key, s, s.word) for s in self.index.synonyms(key)]
        if not out and language.segmenter == "eojeol":  # try the stem without its particles
            split = korean_stem(word)
            if split and split.rest:
                for s in self.index.synonyms(split.stem):
                    noun = korean_stem(s.word)
                    if noun is None or noun.rest:
                        continue  # only a plain noun can take the stem's place (not 포함됨 for 포함)
                    rest = fit_korean_particle(s.word, split.rest, split.rest_tag)
                    out.append(Substitution(split.stem, s, s.word + rest))
        return out

    def replacements(self, word: str) -> list[str]:
        """The sampled replacements (at most ``max_candidates``, seeded by the word)."""
        options = [s.replacement for s in self.substitutions(word)]
        return distinct_edits(word, options, self.max_candidates, self.seed, "pivot-synonym")

    def _get_replacement_words(self, word: str) -> list[str]:
        return self.replacements(word)

    def _get_transformations(self, current_text, indices_to_modify):
        langs = getattr(current_text, "langs", None)
        words = current_text.words
        out = []
        for i in sorted(indices_to_modify):
            if langs is not None and langs[current_text.column_of_word_index(i)[0]] != self.lang:
                continue  # a column in another language is not ours to edit
            for replacement in self.replacements(words[i]):
                out.append(current_text.replace_word_at_index(i, replacement))
        return out

    def extra_repr_keys(self):
        return ["lang", "seed", "max_candidates"]
