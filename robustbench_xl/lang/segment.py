"""Language-aware word segmentation with character offsets.

What: splits one sentence into words (``Word(text, start, end)``, offsets into the sentence), and
into morphemes where a language has them.

Languages and rules:
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

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache

import regex

from .languages import validate_lang


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
_LATIN_WORD = regex.compile(rf"[^{_NOT_WORD}]+(?:['’\-][^{_NOT_WORD}]+)*")
_KOREAN_WORD = regex.compile(rf"[^{_NOT_WORD}]+")
_PUNCT_OR_SPACE = regex.compile(rf"^[{_NOT_WORD}]+$")

_init_lock = threading.Lock()


@lru_cache(maxsize=1)
def _sudachi():
    from sudachipy import Dictionary, SplitMode

    with _init_lock:
        dictionary = Dictionary(dict="core")
        return dictionary.tokenizer(mode=SplitMode.C), dictionary.tokenizer(mode=SplitMode.A)


@lru_cache(maxsize=1)
def _jieba():
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


def _regex_words(pattern: regex.Pattern, text: str) -> tuple[Word, ...]:
    return tuple(Word(m.group(), m.start(), m.end()) for m in pattern.finditer(text))


def _japanese_words(text: str) -> tuple[Word, ...]:
    words_c, _ = _sudachi()
    out = []
    for m in words_c.tokenize(text):
        surface = m.surface()
        if surface and not _PUNCT_OR_SPACE.match(surface):
            out.append(Word(surface, m.begin(), m.end()))
    return tuple(out)


def _chinese_words(text: str) -> tuple[Word, ...]:
    jieba = _jieba()
    return tuple(
        Word(word, start, end)
        for word, start, end in jieba.tokenize(text)
        if word and not _PUNCT_OR_SPACE.match(word)
    )


@lru_cache(maxsize=200_000)
def _segment(lang: str, text: str) -> tuple[Word, ...]:
    if lang == "ja":
        return _japanese_words(text)
    if lang == "zh":
        return _chinese_words(text)
    if lang == "ko":
        return _regex_words(_KOREAN_WORD, text)
    return _regex_words(_LATIN_WORD, text)


def segment(lang: str, text: str) -> tuple[Word, ...]:
    """Words of ``text`` in ``lang`` with character offsets (cached)."""
    return _segment(validate_lang(lang), text)


def words(lang: str, text: str) -> list[str]:
    return [w.text for w in segment(lang, text)]


@lru_cache(maxsize=50_000)
def _morphemes(lang: str, text: str) -> tuple[Morpheme, ...]:
    if lang == "ko":
        return tuple(
            Morpheme(t.form, t.tag, t.start, t.start + t.len)
            for t in _kiwi().tokenize(text)
            if not t.tag.startswith("S") or t.tag in ("SL", "SH", "SN")
        )
    if lang == "ja":
        _, morph_a = _sudachi()
        return tuple(
            Morpheme(m.surface(), m.part_of_speech()[0], m.begin(), m.end())
            for m in morph_a.tokenize(text)
            if m.surface() and not _PUNCT_OR_SPACE.match(m.surface())
        )
    return tuple(Morpheme(w.text, "", w.start, w.end) for w in _segment(lang, text))


def morphemes(lang: str, text: str) -> tuple[Morpheme, ...]:
    """Morphemes (Korean: kiwipiepy; Japanese: Sudachi mode A; others: the words), cached.

    Korean morphemes may not cover the surface exactly (kiwipiepy restores contracted forms such as
    ``ᆸ니다``); their offsets still point into ``text``.
    """
    return _morphemes(validate_lang(lang), text)
