"""Is this word a name (or a number)? The one name rule every component uses.

What: two functions, plain Python (no TextAttack), shared by every component that must leave
names alone:

* :func:`is_proper_noun`: the language's own analyser (the registry's ``analyser`` fact) finds a
  proper noun in the word, analysed alone: Korean kiwipiepy ``NNP`` in any morpheme of the eojeol
  (뉴욕에서; 그린베이에서 = 그린/NNG 베이/NNP 에서/JKB), Japanese Sudachi (split mode C)
  ``固有名詞`` in any token (ケイシー, アメリカ), Chinese jieba.posseg ``nr ns nt nz`` in any token
  (凯西, 美国). Used by :func:`is_protected` and by the dictionary transformations'
  :func:`robustbench_xl.resources.lexicon.is_name_or_number` (code-switch, pivot-synonym), so a
  word is a name for both or for neither (before, ``protected-words`` looked only at kiwipiepy's
  first morpheme and let 그린베이에서 be edited while code-switch refused to switch it).
* :func:`is_protected`: what the ``protected-words`` constraint, word-order and char-noise never
  edit: a word with a digit or numeral character, or a likely name. en es fr: a capitalised word
  that does not start the sentence, or that does but is not in simplemma's dictionary once
  lower-cased (Kathy, Timora); de (every noun is capitalised): ALL CAPS, inner capitals
  (``McLaren``), or capitalised and unknown to simplemma's German dictionary; ko ja zh: any word
  with Latin letters (``Four Rivers 위원회``) or a proper noun by :func:`is_proper_noun`.
  :data:`NAME_SEPARATORS` (・ ·) join the parts of a name in unspaced text; the constraint also
  protects the words next to one.

Languages: all seven (the Latin-script ones have no analyser test: case tells, in context).

Limits: a heuristic, not an NER model, and it errs towards protecting: a common noun the
dictionary tags as a name (텔레노벨라 "telenovela") is protected, a name that is also a common
word (Rose, Peter in German) is not, nor is a transliterated name the dictionaries do not know
(ショーニー). Results are cached per (language, word).

Example::

    >>> is_proper_noun("ko", "그린베이에서"), is_proper_noun("ko", "남편은")
    (True, False)
    >>> is_protected("Kathy", "en", first_in_sentence=True), is_protected("moved", "en", False)
    (True, False)
"""

from __future__ import annotations

from functools import lru_cache

from .languages import get_language

NAME_SEPARATORS = "・·•‧"
KO_NAME_TAGS = ("NNP",)
JA_NAME_POS = ("固有名詞",)
ZH_NAME_FLAGS = ("nr", "ns", "nt", "nz")


def _kiwi_proper_noun(word: str) -> bool:
    from .segment import morphemes

    return any(m.tag in KO_NAME_TAGS for m in morphemes("ko", word))


def _sudachi_proper_noun(word: str) -> bool:
    from .segment import sudachi

    return any(m.part_of_speech()[1] in JA_NAME_POS for m in sudachi("C").tokenize(word))


def _jieba_proper_noun(word: str) -> bool:
    from .segment import jieba_posseg

    return any(pair.flag.startswith(ZH_NAME_FLAGS) for pair in jieba_posseg().lcut(word))


# The registry's ``analyser`` fact -> its proper-noun test (the "ud" analyser has none: case tells).
PROPER_NOUN_TESTS = {
    "kiwipiepy": _kiwi_proper_noun,
    "sudachi": _sudachi_proper_noun,
    "jieba": _jieba_proper_noun,
}


@lru_cache(maxsize=100_000)
def is_proper_noun(lang: str, word: str) -> bool:
    """True when ``lang``'s analyser finds a proper noun in ``word`` (analysed alone)."""
    test = PROPER_NOUN_TESTS.get(get_language(lang).analyser)
    return bool(test and test(word))


def has_number(word: str) -> bool:
    """A digit or a numeral character (1983, ３, 三, Ⅳ)."""
    return any(ch.isdigit() or ch.isnumeric() for ch in word)


@lru_cache(maxsize=2)
def _pattern(name: str):
    import regex  # compiled on first use, as in lang.segment

    return regex.compile({"latin": r"\p{Latin}", "inner-capital": r".\p{Lu}"}[name])


@lru_cache(maxsize=100_000)
def is_known(word: str, lang: str) -> bool:
    """True when simplemma's dictionary for ``lang`` has ``word`` (names are mostly absent)."""
    import simplemma

    return simplemma.is_known(word, lang=lang)


def is_protected(word: str, lang: str, first_in_sentence: bool) -> bool:
    """A number or a likely name, which no transformation may edit (see the module card)."""
    if has_number(word):
        return True
    language = get_language(lang)
    if not language.latin:
        return bool(_pattern("latin").search(word)) or is_proper_noun(lang, word)
    if not word[:1].isupper():
        return False
    if language.capitalises_nouns:
        return (len(word) > 1 and word.isupper()) or bool(_pattern("inner-capital").search(word)) \
            or not is_known(word, lang)
    return not first_in_sentence or not is_known(word.lower(), lang)


def next_to_name_separator(text: str, span: tuple[int, int]) -> bool:
    """The word at ``span`` of ``text`` touches a name separator (ピート・ビール, 皮特·比尔)."""
    start, end = span
    return (start > 0 and text[start - 1] in NAME_SEPARATORS) or (end < len(text) and text[end:end + 1]
                                                                  and text[end] in NAME_SEPARATORS)
