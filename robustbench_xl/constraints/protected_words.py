"""Never edit numbers or (likely) named entities.

What: a TextAttack pre-transformation constraint that removes from the editable words every word
with a digit and every word that is probably part of a name. PAWS pairs hinge on names, dates and
quantities ("from A to B" vs "from B to A", "1983" vs "1938"): changing one changes the meaning.

Languages and the name heuristic:
* en es fr: a capitalised word that does not start the sentence;
* de: capitalised words are too common (all nouns), so only words in ALL CAPS or with internal
  capitals (``McLaren``), plus Latin words next to a digit;
* ko ja zh: any word written in Latin script (names in PAWS-X translations are kept in Latin script,
  e.g. ``Four Rivers 위원회``).

Limits: a heuristic, not an NER model: it over-protects rather than under-protects.

Example: in "Kathy moved from Paris to Lyon in 1983", only "moved", "from", "to", "in" are editable.
"""

from __future__ import annotations

import regex

from ..offline import import_textattack

_PreTransformationConstraint = import_textattack().constraints.PreTransformationConstraint
_LATIN = regex.compile(r"\p{Latin}")
_INNER_CAPITAL = regex.compile(r".\p{Lu}")


def is_protected(word: str, lang: str, first_in_sentence: bool) -> bool:
    if any(ch.isdigit() for ch in word):
        return True
    if lang in ("ko", "ja", "zh"):
        return bool(_LATIN.search(word))
    if lang == "de":
        return (len(word) > 1 and word.isupper()) or bool(_INNER_CAPITAL.search(word))
    return word[:1].isupper() and not first_in_sentence


class ProtectedWords(_PreTransformationConstraint):
    """Pre-transformation constraint: numbers and likely names are not editable."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def _get_modifiable_indices(self, current_text):
        allowed = set()
        index = 0
        for lang, words in zip(getattr(current_text, "langs", [self.lang] * 2), current_text.words_per_input):
            for position, word in enumerate(words):
                if not is_protected(word, lang, position == 0):
                    allowed.add(index)
                index += 1
        return allowed

    def extra_repr_keys(self):
        return ["lang"]
