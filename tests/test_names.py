"""One "is this a name" rule (robustbench_xl.lang.names) for protected-words and the dictionary swaps."""

from __future__ import annotations

import pytest

from robustbench_xl.lang.names import (NAME_SEPARATORS, has_number, is_proper_noun, is_protected,
                                       next_to_name_separator)
from robustbench_xl.resources.lexicon import is_name_or_number


def test_the_case_where_the_two_old_rules_disagreed():
    """그린베이에서 (Green Bay + 에서) is 그린/NNG 베이/NNP 에서/JKB to kiwipiepy. protected-words used
    to test only the first morpheme (NNG: "not a name", so char-noise could edit it), while
    code-switch/pivot-synonym tested every morpheme (NNP: "a name", never switched). Now both say
    name, for every PAWS-X ko dev word where they differed (11 words, all real names or loanwords
    the dictionary tags as names)."""
    from robustbench_xl.lang.segment import kiwi

    for word in ("그린베이에서", "알타캘리포니아에", "후프로이트파들은"):
        old_protected_rule = kiwi().tokenize(word)[0].tag == "NNP"
        assert not old_protected_rule  # the old protected-words answer
        assert is_proper_noun("ko", word) and is_name_or_number("ko", word)
        assert is_protected(word, "ko", first_in_sentence=False)


@pytest.mark.parametrize("lang, word, expected", [
    ("ko", "뉴욕에서", True), ("ko", "남편은", False),
    ("ja", "アメリカ", True), ("ja", "映画", False),
    ("zh", "美国", True), ("zh", "电影", False),
    ("en", "Paris", False), ("de", "Berlin", False),  # Latin script: no analyser test, case tells
])
def test_proper_nouns_by_the_analyser(lang, word, expected):
    assert is_proper_noun(lang, word) is expected


def test_both_users_share_it():
    from robustbench_xl.resources import lexicon

    assert lexicon.is_proper_noun is is_proper_noun
    for lang, word in (("ko", "그린베이에서"), ("ja", "ケイシー"), ("zh", "凯西"), ("ko", "남편은"), ("zh", "电影")):
        assert is_proper_noun(lang, word) == (is_protected(word, lang, False) and not has_number(word))
        if is_proper_noun(lang, word):
            assert is_name_or_number(lang, word)


def test_protected_words_in_context():
    assert is_protected("Kathy", "en", first_in_sentence=True)  # unknown to the dictionary
    assert not is_protected("The", "en", first_in_sentence=True)
    assert is_protected("Paris", "en", first_in_sentence=False)
    assert not is_protected("Peter", "de", first_in_sentence=False)  # a German word as well
    assert is_protected("McLaren", "de", first_in_sentence=False)
    assert is_protected("1983", "en", False) and is_protected("三", "zh", False)
    assert is_protected("Four", "ko", False)  # Latin script in Korean text
    text = "ピート・ビール"
    assert "・" in NAME_SEPARATORS and next_to_name_separator(text, (0, 3))
    assert not next_to_name_separator("ピートビール", (0, 3))
