"""Known words per language: does a typo spell another real word? Is a word a numeral?

What: :func:`lands_on_word` is True when a one-edit typo of a word spells another word of the
language (de Hund -> Bund, ko 먼지와 -> 번지와, ja ため -> だめ, zh 没有 -> 设有, fr où -> ou). Such a
"typo" is not noise a reader looks through: it changes the meaning, so char-noise never offers it.
:func:`is_numeral` finds the numerals the analysers know and digit tests miss (ko 둘 "two", 하나;
ja ゼロ; zh 许多). :func:`coverage` counts each source's entries.

Word lists (all offline: bundled with rbx, or the dictionaries of the analysers rbx depends on):
* every language: the bundled MUSE subsets (``{xx}-en`` sources, ``en-{xx}`` targets) and, but for
  en, the bundled OMW lemmas; en de es fr also the bundled UD word-class tables (``pos/``);
* en de es fr (the registry's "ud" analyser): simplemma's dictionary of word forms;
* ko (kiwipiepy): the first :data:`KO_COMMON_RANK` morphemes of kiwipiepy's model, which lists the
  morphemes its model learned from corpora in frequency order (아이 271, 먼지 3,500, 번지 8,769), then
  dictionary-only, dialect and archaic entries alphabetically (from about 73,000);
* ja (sudachi): SudachiPy's core dictionary;
* zh (jieba): jieba's dictionary, words it counts at least :data:`ZH_COMMON_COUNT` times.
The bundled PAWS-X and PAWS wiki text is not used: its words include the text's own misspellings,
name variants and segmentation pieces (de ``Sr``, ja シエベンバーグ, zh 制做, 它于).

Rules, by the registry's ``analyser`` fact: Latin: the candidate (casefolded) is a known form, or
in a word with apostrophes or hyphens the changed part is (l'île -> l'ile; d'Afrique -> l'Afrique). ko:
kiwipiepy reads the eojeol as common morphemes only, no more of them, and no more content morphemes,
than in the original (번지+와 for 먼지와; but 통+쪽 for 동쪽 is a typo, not a word). ja: SudachiPy reads it
as dictionary words only, no more of them than in the original, and not with the original's reading
(いる -> イル is the same word in katakana). zh: the edited jieba word is a common word.

Limits: the lists are finite, so a typo that spells a rare word slips through (ko beyond the
frequency-ranked part of kiwipiepy's model, zh below the count threshold); simplemma's lists hold
some noise (de ``dea``), which only refuses more typos; kiwipiepy sometimes reads a non-word as common
morphemes (선수읩니다 as 선수+의+ㅂ니다), which also only refuses more. Context is not used: a real word
is refused even where the sentence would make it read as a typo.

Example::

    >>> lands_on_word("de", "Hund", "Bund"), lands_on_word("de", "Hund", "Hnud")
    (True, False)
    >>> lands_on_word("ko", "먼지와", "번지와"), lands_on_word("ko", "동쪽", "통쪽")
    (True, False)
    >>> is_numeral("ko", "둘이며"), is_numeral("ko", "아이가")
    (True, False)
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache

from ..lang import get_language, nfc
from ..lang.names import is_known
from ..paths import PACKAGE_DIR
from .dictionaries import BUNDLED_DIR as MUSE_DIR
from .dictionaries import read_muse
from .wordnet import load_wordnet

KO_COMMON_RANK = 30_000
ZH_COMMON_COUNT = 50
_POS_DIR = PACKAGE_DIR / "resources" / "pos"
# SudachiPy parts of speech that are not words (a stray small kana reads as 補助記号).
_SUDACHI_NOT_A_WORD = ("補助記号", "空白")
# kiwipiepy tags of grammatical morphemes (particles, endings, affixes, copula, symbols) and of the
# pieces it invents to repair a form it cannot read (Z_CODA, Z_SIOT: a stray final consonant).
_KO_GRAMMATICAL = ("J", "E", "XS", "XP", "VC", "S", "Z")
_KO_REPAIR = ("Z",)
_LATIN_JOINER = re.compile(r"(['\-])")


# -- the bundled lists ------------------------------------------------------------------------------
def _muse_words(lang: str) -> set[str]:
    out: set[str] = set()
    for path in sorted(MUSE_DIR.glob("*-*.tsv.gz")):
        source, target = path.name[: -len(".tsv.gz")].split("-")
        if lang == source:
            out |= set(read_muse(path))
        elif lang == target:
            out |= {t.casefold() for targets in read_muse(path).values() for t in targets}
    return out


def _ud_words(lang: str) -> set[str]:
    path = _POS_DIR / f"{lang}.tsv.gz"
    if not path.is_file():
        return set()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return {line.split("\t", 1)[0].casefold() for line in handle}


@lru_cache(maxsize=16)
def bundled_sources(lang: str) -> dict[str, frozenset[str]]:
    """Source name -> casefolded words, for the word lists rbx bundles (see the module card)."""
    sources = {"muse": _muse_words(lang), "omw": set(load_wordnet(lang).by_word), "ud": _ud_words(lang)}
    return {name: frozenset(words) for name, words in sources.items() if words}


@lru_cache(maxsize=16)
def bundled_words(lang: str) -> frozenset[str]:
    return frozenset().union(*bundled_sources(lang).values())


# -- the analysers' dictionaries -----------------------------------------------------------------
def _kiwi():
    from ..lang.segment import kiwi

    return kiwi()


@lru_cache(maxsize=1)
def _kiwi_first_known_id() -> int:
    """The first morpheme id of kiwipiepy's model that is a morpheme (not an unknown-word placeholder)."""
    first = 0
    while not _kiwi().morpheme(first).form:
        first += 1
    return first


@lru_cache(maxsize=200_000)
def _kiwi_tokens(word: str) -> tuple[tuple[str, str, int], ...]:
    return tuple((t.form, t.tag, t.id) for t in _kiwi().tokenize(word))


@lru_cache(maxsize=200_000)
def _sudachi_tokens(word: str) -> tuple[tuple[str, str, str, bool, str], ...]:
    from ..lang.segment import sudachi

    return tuple((m.surface(), m.part_of_speech()[0], m.part_of_speech()[1], m.is_oov(), m.reading_form())
                 for m in sudachi("C").tokenize(word))


@lru_cache(maxsize=1)
def _jieba_counts() -> dict[str, int]:
    from ..lang.segment import jieba_posseg

    jieba_posseg()  # initialises jieba quietly
    import jieba

    return jieba.dt.FREQ


@lru_cache(maxsize=100_000)
def _jieba_flags(word: str) -> tuple[str, ...]:
    from ..lang.segment import jieba_posseg

    return tuple(pair.flag for pair in jieba_posseg().lcut(word))


def _simplemma_known(word: str, lang: str) -> bool:
    try:
        return is_known(word, lang) or is_known(word.casefold(), lang)
    except ValueError:  # a language simplemma has no dictionary for: the bundled lists only
        return False


# -- is the candidate a word? ---------------------------------------------------------------------
def _known(lang: str, word: str) -> bool:
    return word.casefold() in bundled_words(lang)


def _latin_known(lang: str, word: str) -> bool:
    return _known(lang, word) or _simplemma_known(word, lang)


def _latin_parts(word: str) -> list[tuple[str, str]]:
    """(part, the joiner after it) of a word with apostrophes or hyphens: d'Afrique, non-zero."""
    pieces = _LATIN_JOINER.split(word.replace("’", "'"))
    return list(zip(pieces[::2], pieces[1::2] + [""]))


def _latin_lands(lang: str, original: str, candidate: str) -> bool:
    if _latin_known(lang, candidate):
        return True
    new, old = _latin_parts(candidate), _latin_parts(original)
    if len(new) < 2 or len(new) != len(old):
        return False
    # Only the changed part counts; an elided article is known with its apostrophe (fr l', d').
    return all(part and (_latin_known(lang, part) or (joiner == "'" and _latin_known(lang, part + joiner)))
               for (part, joiner), (before, _) in zip(new, old) if part != before)


def _kiwi_lexical(tokens) -> int:
    return sum(not tag.startswith(_KO_GRAMMATICAL) for _, tag, _ in tokens)


def _kiwi_common(tag: str, morpheme_id: int) -> bool:
    """A known morpheme; a content morpheme also among the common ones (particles and endings have
    ids beyond the ranked part too: 와/JC is 70,498)."""
    if morpheme_id < _kiwi_first_known_id() or tag.startswith(_KO_REPAIR):
        return False
    return tag.startswith(_KO_GRAMMATICAL) or morpheme_id < KO_COMMON_RANK


def _korean_lands(lang: str, original: str, candidate: str) -> bool:
    new, old = _kiwi_tokens(candidate), _kiwi_tokens(original)
    common = all(_kiwi_common(tag, i) for _, tag, i in new)
    analysed = bool(new) and common and len(new) <= len(old) and _kiwi_lexical(new) <= _kiwi_lexical(old)
    return analysed or _known(lang, candidate)


def _japanese_lands(lang: str, original: str, candidate: str) -> bool:
    new, old = _sudachi_tokens(candidate), _sudachi_tokens(original)
    if [t[-1] for t in new] == [t[-1] for t in old]:
        return False  # the same reading: the same word respelt (いる -> イル)
    analysed = bool(new) and len(new) <= len(old) and not any(
        oov or pos in _SUDACHI_NOT_A_WORD for _, pos, _, oov, _ in new)
    return analysed or _known(lang, candidate)


def _chinese_lands(lang: str, original: str, candidate: str) -> bool:
    return _jieba_counts().get(candidate, 0) >= ZH_COMMON_COUNT or _known(lang, candidate)


# The registry's ``analyser`` fact (lang.languages) -> how a candidate is recognised as a word.
WORD_TESTS = {
    "ud": _latin_lands,
    "kiwipiepy": _korean_lands,
    "sudachi": _japanese_lands,
    "jieba": _chinese_lands,
}


@lru_cache(maxsize=200_000)
def lands_on_word(lang: str, original: str, candidate: str) -> bool:
    """True when ``candidate`` (a typo of ``original``) spells a known word of ``lang``."""
    candidate, original = nfc(candidate), nfc(original)
    if candidate.casefold() == original.casefold():
        return False
    return WORD_TESTS.get(get_language(lang).analyser, _latin_lands)(lang, original, candidate)


# -- numerals -------------------------------------------------------------------------------------
# The registry's ``analyser`` fact -> does the word hold a numeral (kiwipiepy NR/SN, SudachiPy 数詞,
# jieba m: numerals and quantity words such as 许多 "many"); "ud" has none (digits tell).
NUMERAL_TESTS = {
    "kiwipiepy": lambda word: any(tag in ("NR", "SN") for _, tag, _ in _kiwi_tokens(word)),
    "sudachi": lambda word: any(sub == "数詞" for _, _, sub, _, _ in _sudachi_tokens(word)),
    "jieba": lambda word: any(flag.startswith("m") for flag in _jieba_flags(word)),
}


def is_numeral(lang: str, word: str) -> bool:
    """True when ``lang``'s analyser reads a numeral in ``word`` (see :data:`NUMERAL_TESTS`)."""
    test = NUMERAL_TESTS.get(get_language(lang).analyser)
    return bool(test and test(nfc(word)))


def coverage(lang: str) -> dict[str, int]:
    """Entries per source of ``lang``'s word list (bundled lists, then the analyser's dictionary)."""
    out = {name: len(words) for name, words in bundled_sources(lang).items()}
    analyser = get_language(lang).analyser
    if analyser == "kiwipiepy":
        out["kiwipiepy (common morphemes)"] = KO_COMMON_RANK - _kiwi_first_known_id()
    elif analyser == "jieba":
        out[f"jieba (count >= {ZH_COMMON_COUNT})"] = sum(c >= ZH_COMMON_COUNT for c in _jieba_counts().values())
    elif analyser == "ud":
        from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

        out["simplemma"] = len(DefaultDictionaryFactory().get_dictionary(lang))
    return out
