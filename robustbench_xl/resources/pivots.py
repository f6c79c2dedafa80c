"""Same-language synonyms found through translations (pivots) or shared wordnet synsets.

What: :class:`PivotSynonyms` answers "which words of the same language can replace this one?"
with the evidence for each answer (:class:`Synonym`):

* **pivot route**: two words of ``xx`` are linked when they share English translations
  (``de Anfang -> beginning, start <- Beginn``); for English, when they share translations into
  other languages (``big -> de grossen, ja 大きい <- large``). Pivot words are compared by lemma (so
  ``start``/``starts`` count once), English function words are never pivots, and a pivot that
  translates into more than ``max_fanout`` words of ``xx`` is too broad to count;
* **wordnet route**: two words in one Open Multilingual Wordnet synset with at most
  ``max_synset_size`` members in that language (a small synset is a specific sense) that also
  share at least one pivot.

Label preservation (why the gold label survives): a pair is accepted only with at least
``min_pivots`` independent pivots (for English: pivots in at least ``min_pivots`` languages), or a
small shared synset confirmed by one pivot. One kind of evidence is not enough: a single shared
translation links homographs (fr ``fils`` "sons" ~ ``fil`` "wire" through "wire"), and a Wiktionary
synset alone links senses far apart (de ``groß`` ~ ``erwachsen`` through "grown-up"). Also refused:
pairs whose wordnet parts of speech are disjoint; different word classes where known (UD counts
for en/de/es/fr: ``south`` PROPN / ``southern`` ADJ, ``began`` Fin / ``begun`` Part, ``rivière``
Fem / ``fleuve`` Masc; the analyser's tag for ja/zh/ko: ``稳定`` a / ``稳定性`` n); closed-class words;
words derived from one another (a shared prefix, diacritics aside, of at least 4 letters and half
the shorter word: ``south``/``southern``, ``südöstlich``/``südost``; in ja/zh/ko one word inside
the other: ``安定``/``安定性``); inflections of one word (same lemma, or one word plus at most two
letters: ``fil``/``fils``); a base form for an inflected one (``town``/``cities``); one-character
ja/zh/ko words; names and numbers.

Languages: de es fr ja ko zh (pivot through English, plus wordnet); en (pivot through the six others;
OMW has no English Wiktionary wordnet here).

Limits: no word-sense disambiguation: a word's synonyms in any of its senses are offered; gender and
number are checked only for words the UD treebanks contain (a masculine noun UD has not seen may
replace a feminine one).

Example::

    >>> PivotSynonyms("en").synonyms("big")[0]
    Synonym(word='large', pivots=('de:grossen', 'ja:大きい'), synset=None)
"""

from __future__ import annotations

import os
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..lang import get_language, language_codes, nfc, validate_lang
from .dictionaries import PIVOT_LANG, bundled_pairs, load_dictionary
from .lexicon import ENGLISH, is_english_stopword, is_name_or_number, lemma, same_word_class, word_class
from .wordnet import load_wordnet



def pivot_langs() -> list[str]:
    """The languages English words pivot through: those with both bundled dictionaries to and from
    English (de es fr ja ko zh), in the registry's display order."""
    pairs = set(bundled_pairs())
    return [code for code in language_codes() if (PIVOT_LANG, code) in pairs and (code, PIVOT_LANG) in pairs]


def _bare(word: str) -> str:
    """Without diacritics, so that südöstlich and südost share their prefix."""
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Synonym:
    word: str
    pivots: tuple[str, ...]  # shared pivots: English lemmas, or "lang:word" for English words
    synset: str | None  # the shared small synset, when the wordnet route found it


class PivotSynonyms:
    """Synonyms of one language's words with their pivots (see the module card)."""

    def __init__(self, lang: str, min_pivots: int = 2, max_synset_size: int = 4, max_fanout: int = 8,
                 to_english: str | None = None, from_english: str | None = None, wordnet: str | None = None):
        self.lang = validate_lang(lang)
        self.min_pivots = min_pivots
        self.max_synset_size = max_synset_size
        self.max_fanout = max_fanout
        # word (casefolded) -> pivots; pivot -> words (as written in the dictionary)
        self._pivots_of: dict[str, set[str]] = defaultdict(set)
        self._words_of: dict[str, dict[str, str]] = defaultdict(dict)
        if self.lang == PIVOT_LANG:
            for other in pivot_langs():
                self._add_links(load_dictionary(PIVOT_LANG, other), load_dictionary(other, PIVOT_LANG), other)
        else:
            self._add_links(load_dictionary(self.lang, PIVOT_LANG, to_english),
                            load_dictionary(PIVOT_LANG, self.lang, from_english), None)
        # No wordnet ships for the pivot language itself (OMW has no Wiktionary wordnet for English).
        self.wordnet = load_wordnet(self.lang, wordnet) if self.lang != PIVOT_LANG else None
        self._cache: dict[str, tuple[Synonym, ...]] = {}

    def _link(self, word: str, pivot: str) -> None:
        word = nfc(word)
        self._pivots_of[word.casefold()].add(pivot)
        self._words_of[pivot].setdefault(word.casefold(), word)

    def _add_links(self, out_of, into, other: str | None) -> None:
        """Links from ``out_of`` (own language -> pivot language) and ``into`` (pivot -> own)."""
        if other is None:  # own language is xx, pivots are English lemmas
            for word, pivot in out_of.pairs():
                if not is_english_stopword(pivot):
                    self._link(word, lemma(PIVOT_LANG, pivot.casefold()))
            for pivot, word in into.pairs():
                if not is_english_stopword(pivot):
                    self._link(word, lemma(PIVOT_LANG, pivot.casefold()))
            return
        for word, pivot in out_of.pairs():  # own language is English, pivots are "xx:word"
            if not is_english_stopword(word):
                self._link(word, f"{other}:{pivot.casefold()}")
        for pivot, word in into.pairs():
            if not is_english_stopword(word):
                self._link(word, f"{other}:{pivot.casefold()}")

    # -- evidence -----------------------------------------------------------------------------
    def pivots_of(self, word: str) -> frozenset[str]:
        """The pivots of ``word`` that are specific enough to count."""
        return frozenset(p for p in self._pivots_of.get(nfc(word).casefold(), ())
                         if len(self._words_of[p]) <= self.max_fanout)

    def _enough(self, shared: set[str]) -> bool:
        if self.lang == PIVOT_LANG:  # count distinct pivot languages, not pivot words
            return len({p.split(":", 1)[0] for p in shared}) >= self.min_pivots
        return len(shared) >= self.min_pivots

    def _compatible(self, word: str, other: str) -> bool:
        if other.casefold() == word.casefold() or " " in other or any(ch.isdigit() for ch in other):
            return False
        if is_name_or_number(self.lang, other):
            return False
        other_class = word_class(self.lang, other)
        if (other_class and other_class.function) or not same_word_class(self.lang, word, self.lang, other):
            return False  # stable (ADJ) ~ stability (NOUN), la rivière (Fem) ~ le fleuve (Masc)
        a, b = sorted((word.casefold(), other.casefold()), key=len)
        if get_language(self.lang).script != "latin":
            return len(a) >= 2 and a not in b  # 安定 ~ 安定性 is a derivation; one character is too ambiguous
        prefix = len(os.path.commonprefix([_bare(a), _bare(b)]))
        if prefix >= max(4, (len(a) + 1) // 2):
            return False  # one word derived from the other (south/southern, located/localized)
        lemma_a, lemma_b = lemma(self.lang, a), lemma(self.lang, b)
        if lemma_a == lemma_b or (b.startswith(a) and len(b) - len(a) <= 2):
            return False  # an inflection of the same word (fil/fils), not a synonym
        if (lemma_a == a) != (lemma_b == b):
            return False  # a base form for an inflected one changes number or tense (town/cities)
            if self.lang == ENGLISH and is_english_stopword(other):
                return False
        if self.wordnet is not None:
            pos_a, pos_b = self.wordnet.pos(word), self.wordnet.pos(other)
            if pos_a and pos_b and not pos_a & pos_b:
                return False
        return True

    def synonyms(self, word: str) -> tuple[Synonym, ...]:
        """Accepted synonyms of ``word``, most pivots first (cached)."""
        key = nfc(word).casefold()
        if key not in self._cache:
            self._cache[key] = tuple(self._synonyms(key))
        return self._cache[key]

    def _synonyms(self, key: str) -> list[Synonym]:
        if self.lang == ENGLISH and is_english_stopword(key):
            return []
        own_class = word_class(self.lang, key)
        if own_class and own_class.function:
            return []
        found: dict[str, Synonym] = {}
        own = self.pivots_of(key)
        candidates: dict[str, str] = {}
        for pivot in own:
            candidates.update(self._words_of[pivot])
        for other_key, other in candidates.items():
            shared = own & self.pivots_of(other_key)
            if self._enough(shared) and self._compatible(key, other):
                found[other_key] = Synonym(other, tuple(sorted(shared)), None)
        if self.wordnet is not None:
            for synset in self.wordnet.synsets(key):
                members = self.wordnet.members[synset]
                if len(members) > self.max_synset_size:
                    continue
                for other in members:
                    other_key = other.casefold()
                    if other_key in found or not self._compatible(key, other):
                        continue
                    shared = own & self.pivots_of(other_key)
                    if shared:  # a synset alone is too coarse (de groß ~ erwachsen): a pivot must agree
                        found[other_key] = Synonym(other, tuple(sorted(shared)), synset)
        return sorted(found.values(), key=lambda s: (-len(s.pivots), s.synset is None, s.word))


@lru_cache(maxsize=16)
def pivot_synonyms(lang: str, min_pivots: int = 2, max_synset_size: int = 4, max_fanout: int = 8) -> PivotSynonyms:
    """A shared :class:`PivotSynonyms` over the bundled resources."""
    return PivotSynonyms(lang, min_pivots, max_synset_size, max_fanout)
