"""Per-language facts: the language registry, scripts, normalisation and word segmentation.

Everything here is pure text processing; nothing imports TextAttack except
:mod:`robustbench_xl.lang.attacked_text`, which adapts TextAttack's ``AttackedText`` to it.
"""

from .languages import (
    LANGUAGES,
    Language,
    ParserFacts,
    display_key,
    find_language,
    get_language,
    is_low_resource,
    language_codes,
    languages,
    languages_json,
    low_resource_codes,
    validate_lang,
)
from .normalize import nfc, same_text
from .segment import Morpheme, Word, morphemes, segment, words

__all__ = [
    "LANGUAGES",
    "Language",
    "Morpheme",
    "ParserFacts",
    "Word",
    "display_key",
    "find_language",
    "get_language",
    "is_low_resource",
    "language_codes",
    "languages",
    "languages_json",
    "low_resource_codes",
    "morphemes",
    "nfc",
    "same_text",
    "segment",
    "validate_lang",
    "words",
]
