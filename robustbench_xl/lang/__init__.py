"""Per-language facts: codes, scripts, normalisation and word segmentation.

Everything here is pure text processing; nothing imports TextAttack except
:mod:`robustbench_xl.lang.attacked_text`, which adapts TextAttack's ``AttackedText`` to it.
"""

from .languages import LANGUAGES, LOW_RESOURCE, Language, get_language, validate_lang
from .normalize import nfc, same_text
from .segment import Morpheme, Word, morphemes, segment, words

__all__ = [
    "LANGUAGES",
    "LOW_RESOURCE",
    "Language",
    "Morpheme",
    "Word",
    "get_language",
    "morphemes",
    "nfc",
    "same_text",
    "segment",
    "validate_lang",
    "words",
]
