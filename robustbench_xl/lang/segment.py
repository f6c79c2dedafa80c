"""Language-aware word segmentation with character offsets.

What: splits one sentence into words (``Word(text, start, end)``, offsets into the sentence), and
into morphemes where a language has them.

Languages and rules (which one a language gets is its ``segmenter`` and ``analyser`` in
:mod:`robustbench_xl.lang.languages`):
* en de es fr: runs of letters/digits, keeping internal apostrophes and hyphens (``l'homme``,
  ``Baden-Württemberg``); punctuation is never a word.
* ko: eojeol (whitespace-separated units) with punctuation split off; morphemes from kiwipiepy.
* ja: words from SudachiPy (core dictionary, split mode C), punctuation and spaces dropped;
  morphemes from split mode A. Kana-only text is segmented, not treated as one word.
* zh: words from jieba; punctuation and spaces dropped.

Limits: one language per sentence (a Latin name inside a Korean sentence is an eojeol like any
other); results are cached per (language, text), so segmenters run once per distinct sentence.

Example::

    >>> [w.text for w in segment("ko", "Kathy와 그녀의 남편(Pete)은")]
    ['Kathy와', '그녀의', '남편', 'Pete', '은']
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from .languages import get_language, validate_lang


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Morpheme:
    text: str
    tag: str
    start: int
    end: int


_NOT_WORD = r"\s\p{P}\p{S}"


@lru_cache(maxsize=None)
def _pattern(name: str):
    """Compiled on first use: ``regex`` stays out of imports that only need the registry (the CLI)."""
    import regex

    return regex.compile({
        "latin": rf"[^{_NOT_WORD}]+(?:['’\-][^{_NOT_WORD}]+)*",
        "eojeol": rf"[^{_NOT_WORD}]+",
        "punct-or-space": rf"^[{_NOT_WORD}]+$",
    }[name])


def _punct_or_space(text: str) -> bool:
    return bool(_pattern("punct-or-space").match(text))


_init_lock = threading.Lock()


@lru_cache(maxsize=1)
def _sudachi():
    from sudachipy import Dictionary, SplitMode

    with _init_lock:
        dictionary = Dictionary(dict="core")
        return dictionary.tokenizer(mode=SplitMode.C), dictionary.tokenizer(mode=SplitMode.A)


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _init_lock:
        jieba.initialize()
    return jieba


@lru_cache(maxsize=1)
def _kiwi():
    from kiwipiepy import Kiwi

    with _init_lock:
        return Kiwi()


def kiwi():
    """The process-wide kiwipiepy analyser (Korean morphemes and POS)."""
    return _kiwi()


def sudachi(mode: str = "C"):
    """The process-wide SudachiPy tokenizer for split mode ``C`` (words) or ``A`` (morphemes)."""
    words_c, morph_a = _sudachi()
    return words_c if mode == "C" else morph_a


def jieba_posseg():
    """``jieba.posseg`` with jieba initialised quietly (Chinese words with POS flags)."""
    _jieba()
    import jieba.posseg

    return jieba.posseg


def _regex_words(pattern, text: str) -> tuple[Word, ...]:
    return tuple(Word(m.group(), m.start(), m.end()) for m in pattern.finditer(text))


def _japanese_words(text: str) -> tuple[Word, ...]:
    words_c, _ = _sudachi()
    out = []
    for m in words_c.tokenize(text):
        surface = m.surface()
        if surface and not _punct_or_space(surface):
            out.append(Word(surface, m.begin(), m.end()))
    return tuple(out)


def _chinese_words(text: str) -> tuple[Word, ...]:
    jieba = _jieba()
    return tuple(
        Word(word, start, end)
        for word, start, end in jieba.tokenize(text)
        if word and not _punct_or_space(word)
    )


def _eojeol_words(text: str) -> tuple[Word, ...]:
    return _regex_words(_pattern("eojeol"), text)


def _latin_words(text: str) -> tuple[Word, ...]:
    return _regex_words(_pattern("latin"), text)


# The registry's ``segmenter`` fact (lang.languages) -> the function that finds the words.
SEGMENTERS = {
    "latin-regex": _latin_words,
    "eojeol": _eojeol_words,
    "sudachi": _japanese_words,
    "jieba": _chinese_words,
}


@lru_cache(maxsize=200_000)
def _segment(lang: str, text: str) -> tuple[Word, ...]:
    return SEGMENTERS[get_language(lang).segmenter](text)


def segment(lang: str, text: str) -> tuple[Word, ...]:
    """Words of ``text`` in ``lang`` with character offsets (cached)."""
    return _segment(validate_lang(lang), text)


def words(lang: str, text: str) -> list[str]:
    return [w.text for w in segment(lang, text)]


def _kiwi_morphemes(text: str) -> tuple[Morpheme, ...]:
    return tuple(
        Morpheme(t.form, t.tag, t.start, t.start + t.len)
        for t in _kiwi().tokenize(text)
        if not t.tag.startswith("S") or t.tag in ("SL", "SH", "SN")
    )


def _sudachi_morphemes(text: str) -> tuple[Morpheme, ...]:
    _, morph_a = _sudachi()
    return tuple(
        Morpheme(m.surface(), m.part_of_speech()[0], m.begin(), m.end())
        for m in morph_a.tokenize(text)
        if m.surface() and not _punct_or_space(m.surface())
    )


# The registry's ``analyser`` fact -> morphemes; an analyser not listed gives the words, untagged.
MORPHEME_ANALYSERS = {
    "kiwipiepy": _kiwi_morphemes,
    "sudachi": _sudachi_morphemes,
}


@lru_cache(maxsize=50_000)
def _morphemes(lang: str, text: str) -> tuple[Morpheme, ...]:
    analyse = MORPHEME_ANALYSERS.get(get_language(lang).analyser)
    if analyse is not None:
        return analyse(text)
    return tuple(Morpheme(w.text, "", w.start, w.end) for w in _segment(lang, text))


def morphemes(lang: str, text: str) -> tuple[Morpheme, ...]:
    """Morphemes (Korean: kiwipiepy; Japanese: Sudachi mode A; others: the words), cached.

    Korean morphemes may not cover the surface exactly (kiwipiepy restores contracted forms such as
    ``ᆸ니다``); their offsets still point into ``text``.
    """
    return _morphemes(validate_lang(lang), text)
