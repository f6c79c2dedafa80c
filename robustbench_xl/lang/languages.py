"""The language registry: every per-language fact rbx uses, in one place.

Code asks the registry (``get_language(code).spaced``, ``low_resource_codes()``) instead of testing
language codes itself. Per-language *data* (a keyboard layout, a particle list, a dictionary) stays
with the component that uses it, found by code or by the name a fact below gives it; which language
uses which component is decided here. How to add a language: README.md, "Adding a language".

Facts of a :class:`Language`:

* ``name``, ``order``: display name and position wherever languages are listed (leaderboard
  tables and page, CLI defaults, ``rbx eval``, victim cards).
* ``script``: "latin", "hangul", "japanese" (kana + kanji) or "han"; picks char-noise's editor and
  word-order's mover, and tells Latin (cased) text from the rest.
* ``spaced``: words are separated by spaces when text is re-joined (not in ja zh; Korean separates
  eojeol, not morphemes). Unspaced text also joins transliterated names with ・ or ·.
* ``low_resource``: the research question's low-resource side (ja ko zh: far less labelled data
  and a script unlike English's); the leaderboard marks them † and pools them against the rest.
* ``keyboard``: the layout typos come from (``keyboards.LAYOUTS`` for Latin scripts; Hangul uses
  the 2-set dubeolsik in ``hangul.py``; kana and pinyin input are named for the record).
* ``segmenter``: how words are found: "latin-regex", "eojeol" (whitespace units: a stem with its
  particles, so a word is never a bare particle), "sudachi" or "jieba".
* ``analyser``: morphemes, parts of speech and proper nouns: "ud" (the bundled UD word-class
  tables and simplemma), "kiwipiepy", "sudachi" or "jieba".
* ``parser``: the UD treebank the shipped stanza parser was trained on (``parsing/models/<code>``)
  and the stanza tokenizer settings ``rbx parsers train`` uses for it.
* ``syntax``: the family of syntax-swap moves: "case-marked" (particles: scrambling), "chinese"
  (time phrases around the subject), "german" (verb-second inversion) or "latin" (fronting with a
  comma).
* ``capitalises_nouns``: every noun is written with a capital (de), so a capital is no sign of a name.
* ``grammatical_gender``: UD's gender and number features tell senses apart (de es fr; English
  verbs carry no real number).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RbxError


@dataclass(frozen=True)
class ParserFacts:
    treebank: str  # UD folder/file stem, e.g. UD_Korean-Kaist/ko_kaist (-ud-dev.conllu)
    dictionary: bool = False  # stanza's tokenizer learns a word list (text without spaces)
    skip_newline: bool = False  # stanza's own setting for zh tokenizer training


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    order: int
    script: str
    spaced: bool
    low_resource: bool
    keyboard: str
    segmenter: str
    analyser: str
    parser: ParserFacts
    syntax: str
    capitalises_nouns: bool = False
    grammatical_gender: bool = False

    @property
    def latin(self) -> bool:
        """Latin script: cased words, a capital that may mark a name."""
        return self.script == "latin"


def _latin(code, name, order, keyboard, treebank, syntax="latin", **facts) -> Language:
    return Language(code, name, order, "latin", True, False, keyboard, "latin-regex", "ud",
                    ParserFacts(treebank), syntax, **facts)


LANGUAGES: dict[str, Language] = {
    "en": _latin("en", "English", 0, "qwerty", "UD_English-EWT/en_ewt"),
    "de": _latin("de", "German", 1, "qwertz", "UD_German-GSD/de_gsd", syntax="german",
                 capitalises_nouns=True, grammatical_gender=True),
    "es": _latin("es", "Spanish", 2, "qwerty-es", "UD_Spanish-GSD/es_gsd", grammatical_gender=True),
    "fr": _latin("fr", "French", 3, "azerty", "UD_French-GSD/fr_gsd", grammatical_gender=True),
    "ja": Language("ja", "Japanese", 4, "japanese", False, True, "jis-kana", "sudachi", "sudachi",
                   ParserFacts("UD_Japanese-GSD/ja_gsd", dictionary=True), "case-marked"),
    "ko": Language("ko", "Korean", 5, "hangul", True, True, "dubeolsik", "eojeol", "kiwipiepy",
                   ParserFacts("UD_Korean-Kaist/ko_kaist"), "case-marked"),
    "zh": Language("zh", "Chinese", 6, "han", False, True, "pinyin", "jieba", "jieba",
                   ParserFacts("UD_Chinese-GSDSimp/zh_gsdsimp", dictionary=True, skip_newline=True), "chinese"),
}


# Everything below reads LANGUAGES at call time, so a language registered later (a plugin, a test's
# monkeypatch) is seen everywhere.
def languages() -> list[Language]:
    """Every registered language in display order."""
    return sorted(LANGUAGES.values(), key=lambda lang: (lang.order, lang.code))


def language_codes() -> list[str]:
    return [lang.code for lang in languages()]


def low_resource_codes() -> list[str]:
    """The low-resource languages in display order (ja ko zh)."""
    return [lang.code for lang in languages() if lang.low_resource]


def is_low_resource(code: str) -> bool:
    """False for a code the registry does not know (results may name any language)."""
    lang = LANGUAGES.get(code)
    return bool(lang and lang.low_resource)


def display_key(code: str) -> tuple:
    """Sort key: registered languages in display order, then any other code alphabetically."""
    lang = LANGUAGES.get(code)
    return (0, lang.order, code) if lang else (1, 0, code)


def validate_lang(code: str) -> str:
    """Return ``code`` normalised, or raise a one-line error listing the valid codes."""
    norm = (code or "").strip().lower()
    if norm not in LANGUAGES:
        raise RbxError(f"unknown language {code!r}; choose one of: {', '.join(language_codes())}")
    return norm


def get_language(code: str) -> Language:
    return LANGUAGES[validate_lang(code)]


def find_language(code: str) -> Language | None:
    """The registered language for exactly ``code``, or None (for components that also take
    codes the registry does not know, such as any UD treebank's or a results folder's)."""
    return LANGUAGES.get(code)


def languages_json() -> list[dict]:
    """The display facts the leaderboard page needs, in display order."""
    return [{"code": lang.code, "name": lang.name, "low_resource": lang.low_resource} for lang in languages()]
