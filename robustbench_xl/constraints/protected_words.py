"""Never edit numbers or (likely) named entities.

What: a TextAttack pre-transformation constraint that removes from the editable words every word
with a digit or numeral character and every word that is probably part of a name. PAWS pairs hinge
on names, dates and quantities ("from A to B" vs "from B to A", "1983" vs "1938"): changing one
changes the meaning.

Languages and the name heuristic (by the registry's facts: Latin script or not, nouns
capitalised or not, the analyser, spacing):
* en es fr: a capitalised word that does not start the sentence, or that does but is not in
  simplemma's dictionary once lower-cased (Kathy, Timora);
* de: capitalised words are too common (all nouns), so only words in ALL CAPS, with internal
  capitals (``McLaren``), or capitalised and unknown to simplemma's German dictionary (Kathy,
  Beale, Noctuidae; a name that is also a German word, such as Peter, stays editable);
* ko ja zh: any word written in Latin script (names in PAWS-X translations are often kept in Latin
  script, e.g. ``Four Rivers 위원회``), plus proper nouns found by each language's analyser, on the
  word alone: ko kiwipiepy ``NNP`` (뉴욕에서), ja Sudachi ``固有名詞`` (ケイシー, アメリカ), zh jieba
  ``nr/ns/nt/nz`` (凯西, 美国); and in ja and zh any word joined to the next or previous one by a name
  separator (・ or ·), as in ピート・ビール and 皮特·比尔.

Limits: a heuristic, not an NER model: it over-protects rather than under-protects, yet a
transliterated name the dictionaries do not know (ショーニー) can slip through.

Example: in "Kathy moved from Paris to Lyon in 1983", only "moved", "from", "to", "in" are editable.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from ..lang import get_language
from ..offline import import_textattack

_PreTransformationConstraint = import_textattack().constraints.PreTransformationConstraint
_LATIN = regex.compile(r"\p{Latin}")
_INNER_CAPITAL = regex.compile(r".\p{Lu}")
NAME_SEPARATORS = "・·•‧"
_ZH_NAME_FLAGS = ("nr", "ns", "nt", "nz")


def has_number(word: str) -> bool:
    return any(ch.isdigit() or ch.isnumeric() for ch in word)


def _kiwi_proper_noun(word: str) -> bool:
    from ..lang.segment import kiwi

    tokens = kiwi().tokenize(word)
    return bool(tokens) and tokens[0].tag == "NNP"


def _sudachi_proper_noun(word: str) -> bool:
    from ..lang.segment import sudachi

    return any(m.part_of_speech()[1] == "固有名詞" for m in sudachi("C").tokenize(word))


def _jieba_proper_noun(word: str) -> bool:
    from ..lang.segment import jieba_posseg

    return any(pair.flag.startswith(_ZH_NAME_FLAGS) for pair in jieba_posseg().lcut(word))


# The registry's ``analyser`` fact -> its proper-noun test (the "ud" analyser has none: case tells).
PROPER_NOUN_TESTS = {
    "kiwipiepy": _kiwi_proper_noun,
    "sudachi": _sudachi_proper_noun,
    "jieba": _jieba_proper_noun,
}


@lru_cache(maxsize=100_000)
def is_proper_noun(word: str, lang: str) -> bool:
    """True when ``lang``'s analyser tags ``word`` (analysed alone) as a proper noun."""
    test = PROPER_NOUN_TESTS.get(get_language(lang).analyser)
    return bool(test and test(word))


def is_protected(word: str, lang: str, first_in_sentence: bool) -> bool:
    if has_number(word):
        return True
    language = get_language(lang)
    if not language.latin:
        return bool(_LATIN.search(word)) or is_proper_noun(word, lang)
    if not word[:1].isupper():
        return False
    if language.capitalises_nouns:
        return (len(word) > 1 and word.isupper()) or bool(_INNER_CAPITAL.search(word)) or not is_known(word, lang)
    return not first_in_sentence or not is_known(word.lower(), lang)


@lru_cache(maxsize=100_000)
def is_known(word: str, lang: str) -> bool:
    """True when simplemma's dictionary for ``lang`` has ``word`` (names are mostly absent)."""
    import simplemma

    return simplemma.is_known(word, lang=lang)


def _next_to_name_separator(text: str, span: tuple[int, int]) -> bool:
    start, end = span
    return (start > 0 and text[start - 1] in NAME_SEPARATORS) or (end < len(text) and text[end:end + 1]
                                                                  and text[end] in NAME_SEPARATORS)


def protected_positions(text, column: int, lang: str) -> set[int]:
    """Positions (within column ``column``) of the words of ``text`` that must not be edited."""
    words = text.words_per_input[column]
    out = {k for k, word in enumerate(words) if is_protected(word, lang, k == 0)}
    spans = getattr(text, "_spans", None)
    if not get_language(lang).spaced and spans is not None:  # unspaced text joins name parts with ・ / ·
        column_text = list(text._text_input.values())[column]
        out |= {k for k, span in enumerate(spans[column]) if _next_to_name_separator(column_text, span)}
    return out


class ProtectedWords(_PreTransformationConstraint):
    """Pre-transformation constraint: numbers and likely names are not editable."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def _get_modifiable_indices(self, current_text):
        allowed = set()
        index = 0
        langs = getattr(current_text, "langs", [self.lang] * len(current_text.words_per_input))
        for column, (lang, words) in enumerate(zip(langs, current_text.words_per_input)):
            protected = protected_positions(current_text, column, lang)
            allowed |= {index + k for k in range(len(words)) if k not in protected}
            index += len(words)
        return allowed

    def extra_repr_keys(self):
        return ["lang"]
