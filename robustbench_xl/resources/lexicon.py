"""Word-level facts the dictionary-based transformations need: match keys, names, stems, case.

What: small, cached helpers shared by ``code-switch`` and ``pivot-synonym``:

* :func:`match_keys`: the forms under which a word is looked up in a dictionary (the casefolded
  surface first, then its ``simplemma`` lemma for en/de/es/fr);
* :func:`korean_stem`: splits a Korean eojeol into a common-noun stem and the particles/endings
  after it (kiwipiepy), so ``남편은`` is looked up as ``남편`` and its ``은`` is kept;
* :func:`is_name_or_number`: a proper noun by the shared name rule
  (:func:`robustbench_xl.lang.names.is_proper_noun`, the one ``protected-words`` uses) or a numeral
  or foreign-script word by the language's own analyser (Korean ``SN``/``SL``/``SH``, Japanese
  ``数詞`` from SudachiPy, Chinese ``m`` from jieba.posseg); it also judges translations and
  synonyms, which no constraint sees;
* :func:`is_english_stopword`: the NLTK English stop-word list rbx ships (function words are never
  switched or used as pivots: ``der -> the`` is grammar, not vocabulary);
* :func:`word_class` / :func:`same_word_class`: part of speech (gender, number, verb form) of a word alone,
  from UD treebank counts for en/de/es/fr (bundled ``pos/``) and from the analysers for ja/zh/ko;
  closed-class words (determiners, particles, pronouns...) are marked ``function``;
* :func:`carry_case`: a replacement takes a capital where the replaced word had one only because it
  started the sentence.

Languages: all seven; lemmas only for Latin-script languages.

Limits: the analysers see one word without its sentence, so a name that is also a common word
(``Rose``) is treated as the common word; the Korean stem split accepts only noun stems followed by
particles, copula, plural ``들``, ``하다``/``되다`` suffixes and endings.

Example::

    >>> korean_stem("대학교에서")
    KoreanSplit(stem='대학교', rest='에서', rest_tag='JKB')
    >>> fit_korean_particle("학원", "는", "JX")
    '은'
    >>> is_name_or_number("ja", "東京"), is_name_or_number("ja", "映画")
    (True, False)
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..lang import get_language, morphemes, nfc
from ..lang.names import is_proper_noun
from ..paths import PACKAGE_DIR

_STOPWORDS_FILE = PACKAGE_DIR / "_vendor" / "nltk_data" / "corpora" / "stopwords" / "english"
ENGLISH = "en"  # the language of that stop-word list (and of the dictionaries' pivot, see dictionaries)
# Korean morphemes that may follow a noun stem in an eojeol we split (particles, copula, endings,
# plural 들, 하다/되다 verb and adjective suffixes).
_KO_TAIL_PREFIXES = ("J", "E", "VCP", "VCN", "XSN", "XSV", "XSA")
_ZH_NUMBER_FLAGS = ("m",)


@lru_cache(maxsize=1)
def english_stopwords() -> frozenset[str]:
    words = _STOPWORDS_FILE.read_text(encoding="utf-8").split()
    return frozenset(w.casefold() for w in words)


def is_english_stopword(word: str) -> bool:
    return word.casefold() in english_stopwords()


@lru_cache(maxsize=200_000)
def lemma(lang: str, word: str) -> str:
    """The ``simplemma`` lemma (casefolded) of a Latin-script word; the word itself elsewhere."""
    if get_language(lang).script != "latin":
        return word
    import simplemma

    try:
        return simplemma.lemmatize(word, lang=lang).casefold()
    except ValueError:
        return word.casefold()


def match_keys(lang: str, word: str, use_lemma: bool = True) -> tuple[str, ...]:
    """Dictionary look-up keys for ``word``, most specific first."""
    key = nfc(word).casefold()
    keys = [key]
    if use_lemma:
        base = lemma(lang, key)
        if base and base != key:
            keys.append(base)
    return tuple(keys)


class KoreanSplit(NamedTuple):
    stem: str
    rest: str
    rest_tag: str  # kiwipiepy tag of the first morpheme after the stem ("" when none)


@lru_cache(maxsize=100_000)
def korean_stem(eojeol: str) -> KoreanSplit | None:
    """(common-noun stem, rest, tag of rest) of a Korean eojeol, or None when it does not split so."""
    parts = morphemes("ko", eojeol)
    n_stem = 0
    while n_stem < len(parts) and parts[n_stem].tag == "NNG":
        n_stem += 1
    if n_stem == 0 or parts[0].start != 0:
        return None
    stem_end = parts[n_stem - 1].end
    stem = eojeol[:stem_end]
    if stem != "".join(p.text for p in parts[:n_stem]):
        return None  # kiwipiepy restored a contracted form: the surface is not the stem
    if not all(p.tag.startswith(_KO_TAIL_PREFIXES) for p in parts[n_stem:]):
        return None
    return KoreanSplit(stem, eojeol[stem_end:], parts[n_stem].tag if n_stem < len(parts) else "")


# (tag prefix, form after a final consonant, form after a vowel) of particles with two forms.
_KO_PARTICLE_FORMS = (("JX", "은", "는"), ("JKS", "이", "가"), ("JKO", "을", "를"), ("JC", "과", "와"),
                      ("JKB", "과", "와"), ("JKB", "으로", "로"))


def _final_consonant(syllable: str) -> int:
    """Index of the final consonant (0 = none) of a Hangul syllable; -1 for anything else."""
    code = ord(syllable) - 0xAC00
    return code % 28 if 0 <= code < 11172 else -1


def fit_korean_particle(stem: str, rest: str, rest_tag: str) -> str:
    """``rest`` with its first particle in the form that follows ``stem`` (학교는 vs 학원은).

    Only for Hangul stems: after a Latin word the form depends on how the reader pronounces it.
    """
    final = _final_consonant(stem[-1:]) if stem else -1
    if final < 0:
        return rest
    for tag, after_consonant, after_vowel in _KO_PARTICLE_FORMS:
        if not rest_tag.startswith(tag):
            continue
        for form in (after_consonant, after_vowel):
            if rest.startswith(form):
                if after_consonant == "으로":  # ㄹ-final stems take 로 (서울로)
                    wanted = after_vowel if final in (0, 8) else after_consonant
                else:
                    wanted = after_consonant if final else after_vowel
                return wanted + rest[len(form):]
    return rest


def _kiwi_morphemes(word: str):
    return morphemes("ko", word)  # the Korean analyser's morphemes (kiwipiepy)


def _sudachi_c():
    from ..lang.segment import sudachi

    return sudachi("C")


def _jieba_posseg():
    from ..lang.segment import jieba_posseg

    return jieba_posseg()


@lru_cache(maxsize=100_000)
def japanese_pos(word: str) -> tuple[str, str] | None:
    """(POS, sub-POS) of a Japanese word that SudachiPy reads as one token, else None."""
    tokens = list(_sudachi_c().tokenize(word))
    if len(tokens) != 1:
        return None
    pos = tokens[0].part_of_speech()
    return pos[0], pos[1]


def _kiwi_number_or_foreign(word: str) -> bool:
    return any(p.tag in ("SN", "SL", "SH") for p in _kiwi_morphemes(word))


def _sudachi_number(word: str) -> bool:
    return any(t.part_of_speech()[1] == "数詞" for t in _sudachi_c().tokenize(word))


def _jieba_number(word: str) -> bool:
    return any(pair.flag.startswith(_ZH_NUMBER_FLAGS) for pair in _jieba_posseg().lcut(word))


# The registry's ``analyser`` fact (lang.languages) -> its numeral test (Korean: also Latin and
# Hanja morphemes); "ud" has none. Names: lang.names.is_proper_noun, the rule protected-words uses.
NAME_OR_NUMBER_TESTS = {
    "kiwipiepy": _kiwi_number_or_foreign,
    "sudachi": _sudachi_number,
    "jieba": _jieba_number,
}


@lru_cache(maxsize=100_000)
def is_name_or_number(lang: str, word: str) -> bool:
    """True for a proper noun (the shared name rule) or a numeral (see the module card)."""
    if any(ch.isdigit() for ch in word) or is_proper_noun(lang, word):
        return True
    test = NAME_OR_NUMBER_TESTS.get(get_language(lang).analyser)
    return bool(test and test(word))


# -- word classes ----------------------------------------------------------------------------------
_POS_DIR = Path(__file__).resolve().parent / "pos"
FUNCTION_UPOS = frozenset({"ADP", "AUX", "CCONJ", "DET", "PART", "PRON", "SCONJ", "NUM", "PUNCT", "SYM"})
_JA_FUNCTION = ("助詞", "助動詞", "接続詞", "代名詞", "連体詞", "記号", "補助記号", "接頭辞", "接尾辞")
_ZH_FUNCTION = ("p", "c", "u", "r", "m", "q", "x", "y", "e", "o", "w")
_KO_FUNCTION = ("J", "E", "NP", "NR", "MM", "IC", "XP", "XS", "S")


class WordClass(NamedTuple):
    pos: str  # UPOS (en de es fr), Sudachi POS (ja), jieba flag (zh), kiwipiepy tag (ko)
    gender: str = ""  # Masc / Fem / Neut where UD knows it (de es fr)
    number: str = ""  # Sing / Plur where UD knows it
    verb_form: str = ""  # Fin / Part / Inf / Ger where UD knows it (began Fin, begun Part)
    function: bool = False  # a closed-class word: never switched, never a synonym


@lru_cache(maxsize=8)
def _ud_classes(lang: str) -> dict[str, WordClass]:
    path = _POS_DIR / f"{lang}.tsv.gz"
    if not path.is_file():
        return {}
    out = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            form, upos, gender, number, verb_form, _ = line.rstrip("\n").split("\t")
            out[form] = WordClass(upos, gender, number, verb_form, upos in FUNCTION_UPOS)
    return out


@lru_cache(maxsize=100_000)
def word_class(lang: str, word: str) -> WordClass | None:
    """The word class of ``word`` alone, or None when unknown (see :class:`WordClass`).

    en de es fr: the form's most frequent class in UD dev+test treebanks (bundled ``pos/``); ja:
    SudachiPy; zh: jieba.posseg; ko: kiwipiepy (the first morpheme of the eojeol).
    """
    analyser = get_language(lang).analyser
    if analyser == "ud":
        return _ud_classes(lang).get(nfc(word).casefold())
    return ANALYSER_WORD_CLASSES[analyser](word)


def _sudachi_word_class(word: str) -> WordClass | None:
    pos = japanese_pos(word)
    return WordClass(pos[0], function=pos[0] in _JA_FUNCTION) if pos else None


def _jieba_word_class(word: str) -> WordClass | None:
    pairs = _jieba_posseg().lcut(word)
    if len(pairs) != 1:
        return None
    return WordClass(pairs[0].flag, function=pairs[0].flag.startswith(_ZH_FUNCTION))


def _kiwi_word_class(word: str) -> WordClass | None:
    parts = _kiwi_morphemes(word)
    return WordClass(parts[0].tag, function=parts[0].tag.startswith(_KO_FUNCTION)) if parts else None


# The registry's ``analyser`` fact -> the word class of one word ("ud" reads the bundled tables).
ANALYSER_WORD_CLASSES = {
    "sudachi": _sudachi_word_class,
    "jieba": _jieba_word_class,
    "kiwipiepy": _kiwi_word_class,
}


def same_word_class(lang_a: str, a: str, lang_b: str, b: str) -> bool:
    """False when both classes are known and differ: part of speech, verb form, and within one language
    other than English gender and number, each where known.

    Across languages only UD classes compare (both Latin-script); otherwise the answer is True.
    """
    if lang_a != lang_b and not (_ud_classed(lang_a) and _ud_classed(lang_b)):
        return True
    class_a, class_b = word_class(lang_a, a), word_class(lang_b, b)
    if class_a is None or class_b is None:
        return True
    if class_a.pos != class_b.pos:
        return False
    pairs = [(class_a.verb_form, class_b.verb_form)]
    if lang_a == lang_b and get_language(lang_a).grammatical_gender:  # gender is a fact of one language
        pairs += [(class_a.gender, class_b.gender), (class_a.number, class_b.number)]
    for x, y in pairs:
        if x and y and x != y:
            return False
    return True


def _ud_classed(lang: str) -> bool:
    """Word classes from the bundled UD tables (the registry's "ud" analyser: en de es fr)."""
    return get_language(lang).analyser == "ud"


def carry_case(original: str, replacement: str, first_in_sentence: bool) -> str:
    """Capitalise ``replacement`` when ``original`` was capitalised only for starting the sentence."""
    if first_in_sentence and original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
