"""Never edit numbers or (likely) named entities.

What: a TextAttack pre-transformation constraint that removes from the editable words every word
with a digit or numeral character and every word that is probably part of a name. PAWS pairs hinge
on names, dates and quantities ("from A to B" vs "from B to A", "1983" vs "1938"): changing one
changes the meaning.

Languages and the name heuristic (by the registry's facts: Latin script or not, nouns
capitalised or not, the analyser, spacing; the rule itself is
:func:`robustbench_xl.lang.names.is_protected`, shared with word-order, char-noise and, for
proper nouns, the dictionary transformations):
* en es fr: a capitalised word that does not start the sentence, or that does but is not in
  simplemma's dictionary once lower-cased (Kathy, Timora);
* de: capitalised words are too common (all nouns), so only words in ALL CAPS, with internal
  capitals (``McLaren``), or capitalised and unknown to simplemma's German dictionary (Kathy,
  Beale, Noctuidae; a name that is also a German word, such as Peter, stays editable);
* ko ja zh: any word written in Latin script (names in PAWS-X translations are often kept in Latin
  script, e.g. ``Four Rivers 위원회``), plus proper nouns found by each language's analyser, on the
  word alone: ko kiwipiepy ``NNP`` in any morpheme (뉴욕에서, 그린베이에서), ja Sudachi
  ``固有名詞`` (ケイシー, アメリカ), zh jieba ``nr/ns/nt/nz`` (凯西, 美国); and in ja and zh any word
  joined to the next or previous one by a name separator (・ or ·), as in ピート・ビール and 皮特·比尔.

Limits: a heuristic, not an NER model: it over-protects rather than under-protects, yet a
transliterated name the dictionaries do not know (ショーニー) can slip through.

Example: in "Kathy moved from Paris to Lyon in 1983", only "moved", "from", "to", "in" are editable.
"""

from __future__ import annotations

from ..lang import get_language
# The name rule lives in the language layer (plain Python); re-exported here, where callers look.
from ..lang.names import (NAME_SEPARATORS, PROPER_NOUN_TESTS, has_number, is_known,  # noqa: F401
                          is_proper_noun, is_protected, next_to_name_separator)
from ..offline import import_textattack

_PreTransformationConstraint = import_textattack().constraints.PreTransformationConstraint


def protected_positions(text, column: int, lang: str) -> set[int]:
    """Positions (within column ``column``) of the words of ``text`` that must not be edited."""
    words = text.words_per_input[column]
    out = {k for k, word in enumerate(words) if is_protected(word, lang, k == 0)}
    spans = getattr(text, "_spans", None)
    if not get_language(lang).spaced and spans is not None:  # unspaced text joins name parts with ・ / ·
        column_text = list(text._text_input.values())[column]
        out |= {k for k, span in enumerate(spans[column]) if next_to_name_separator(column_text, span)}
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
