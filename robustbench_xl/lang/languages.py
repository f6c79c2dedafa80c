"""The seven PAWS-X languages and what rbx needs to know about each.

``low_resource`` follows the research question: ja, ko and zh are the low-resource side (far less
labelled data and a script unlike English's). ``spaced`` says whether words are separated by spaces
when text is re-joined (no spaces in ja/zh; Korean separates eojeol, not morphemes).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RbxError


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    script: str  # "latin", "hangul", "japanese" (kana + kanji), "han"
    spaced: bool
    low_resource: bool
    keyboard: str  # layout used for keyboard-neighbour typos


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", "latin", True, False, "qwerty"),
    "de": Language("de", "German", "latin", True, False, "qwertz"),
    "es": Language("es", "Spanish", "latin", True, False, "qwerty-es"),
    "fr": Language("fr", "French", "latin", True, False, "azerty"),
    "ja": Language("ja", "Japanese", "japanese", False, True, "jis-kana"),
    "ko": Language("ko", "Korean", "hangul", True, True, "dubeolsik"),
    "zh": Language("zh", "Chinese", "han", False, True, "pinyin"),
}
LOW_RESOURCE = frozenset(code for code, lang in LANGUAGES.items() if lang.low_resource)


def validate_lang(code: str) -> str:
    """Return ``code`` normalised, or raise a one-line error listing the valid codes."""
    norm = (code or "").strip().lower()
    if norm not in LANGUAGES:
        raise RbxError(f"unknown language {code!r}; choose one of: {', '.join(LANGUAGES)}")
    return norm


def get_language(code: str) -> Language:
    return LANGUAGES[validate_lang(code)]
