"""char-noise v3 label validity on real PAWS-X dev sentences (issue #14, point 1).

Each failure class of the session-3 audit (``leaderboard/pawsx-full/audit``) has a golden case: the
candidate the v2 code produced, now refused, and a candidate of the same word that is still offered.
"""

from __future__ import annotations

from collections import OrderedDict

import pytest

from robustbench_xl.constraints.protected_words import ProtectedWords
from robustbench_xl.data.loaders import load_examples
from robustbench_xl.lang import get_language
from robustbench_xl.lang.attacked_text import MultilingualAttackedText
from robustbench_xl.lang.hangul import COMPOUND_FINALS, COMPOUND_MEDIALS, FINALS, INITIALS, MEDIALS, decompose
from robustbench_xl.recipes import load_recipe
from robustbench_xl.resources.known_words import coverage, is_numeral, lands_on_word
from robustbench_xl.transformations.char_noise import SCRIPT_EDITORS, CharNoise


def sentence2(lang, pair_id):
    return load_examples(lang=lang, ids=[pair_id]).examples[0].sentence2


def attacked(lang, text):
    return MultilingualAttackedText(OrderedDict([("text", text)]), langs=(lang,))


def candidate_texts(lang, text_or_attacked):
    current = attacked(lang, text_or_attacked) if isinstance(text_or_attacked, str) else text_or_attacked
    return {c.text for c in CharNoise(lang, seed=0)(current, pre_transformation_constraints=[ProtectedWords(lang)])}


def old_candidates(lang, word):
    """The one-edit variants v2 drew its candidates from (the editors are unchanged)."""
    return SCRIPT_EDITORS[get_language(lang).script](word, lang)


def test_recipe_v3_states_the_new_guarantee():
    recipe = load_recipe("char-noise")
    assert recipe.version == 3
    assert "never spells another real word" in recipe.label_preservation
    assert load_recipe("all").version == 7  # all composes char-noise's transformation


# -- class 2: a typo that lands on another real word ----------------------------------------------
# (lang, PAWS-X dev id, word of sentence2, v2 candidate that is a real word, candidate still offered)
REAL_WORDS = [
    ("de", "4622", "Hund", "Bund", "Hnud"),  # dog -> federation
    ("ko", "2180", "먼지와", "번지와", "먿지와"),  # audit row 160: dust -> lot number
    ("ko", "863", "아이가", "타이가", "아이갸"),  # audit row 158: child -> tie / Thai
    ("ja", "172", "ため", "だめ", "タメ"),  # for -> no good (タメ: the same word in katakana)
    ("zh", "345", "没有", "设有", "没友"),  # has not -> has
    ("fr", "15", "où", "ou", "oùù"),  # where -> or
    ("es", "66", "lista", "pista", "lisat"),  # list -> track
    ("en", "122", "then", "them", "thne"),
]


@pytest.mark.parametrize("lang, pair_id, word, real, typo", REAL_WORDS)
def test_a_typo_never_spells_another_word(lang, pair_id, word, real, typo):
    text = sentence2(lang, pair_id)
    assert word in text and real in old_candidates(lang, word)  # v2 could draw it
    assert lands_on_word(lang, word, real) and not lands_on_word(lang, word, typo)
    words = CharNoise(lang, seed=0, max_candidates=1000)._get_replacement_words(word)
    assert real not in words and typo in words
    texts = candidate_texts(lang, text)
    assert text.replace(word, real, 1) not in texts


def test_korean_audit_pair_863_no_longer_reachable():
    """v2 turned 아이가 둘이며 ("has two children") into 타이가 듈이며: a real word and a numeral."""
    text = sentence2("ko", "863")
    assert is_numeral("ko", "둘이며") and not is_numeral("ko", "아이가")
    assert CharNoise("ko", seed=0)._get_replacement_words("둘이며") == []
    texts = candidate_texts("ko", text)
    assert not any("타이가" in t or "듈이며" in t for t in texts)
    assert text.replace("아이가", "아이갸") in texts


def test_numerals_the_analysers_know_are_never_edited():
    for lang, word in (("ko", "하나의"), ("ko", "다섯"), ("ja", "ゼロ"), ("zh", "许多"), ("zh", "两个")):
        assert CharNoise(lang, seed=0)._get_replacement_words(word) == [], (lang, word)


# -- class 1: two edits inside one short word -------------------------------------------------------
# (lang, id, first edit as v2 made it, next word, its v2 typo, a later edit that is still allowed)
TOUCHING = [
    ("zh", "1177", ("事务", "事穷"), "机制", "杞制", ("协议", "协义")),  # audit row 184: 事穷杞制
    ("ja", "3416", ("使わ", "使ゎ"), "れる", "レル", ("コンクリート", "ゴンクリート")),  # row 135
]


@pytest.mark.parametrize("lang, pair_id, first, neighbour, typo, later", TOUCHING)
def test_one_typo_per_word_in_unspaced_text(lang, pair_id, first, neighbour, typo, later):
    start = attacked(lang, sentence2(lang, pair_id))
    assert typo in CharNoise(lang, seed=0)._get_replacement_words(neighbour)  # a typo of its own
    assert any(typo in t for t in candidate_texts(lang, start))  # offered as a first edit
    old, new = first
    step = start.replace_word_at_index(start.words.index(old), new)
    texts = candidate_texts(lang, step)
    assert not any(new + typo in t for t in texts)  # the segmenter's two words read as one
    assert step.text.replace(later[0], later[1], 1) in texts  # a word further away still may change


def _keys(word):
    """Dubeolsik keystrokes of a Hangul word (compound jamo as their two keys)."""
    out = []
    for ch in word:
        parts = decompose(ch)
        if parts is None:
            out.append(ch)
            continue
        i, m, f = parts
        out += [INITIALS[i], *COMPOUND_MEDIALS.get(MEDIALS[m], MEDIALS[m])]
        if f:
            out += list(COMPOUND_FINALS.get(FINALS[f], FINALS[f]))
    return out


def _distance(a, b):
    row = list(range(len(b) + 1))
    for x in a:
        prev, row[0] = row[0], row[0] + 1
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def _jamo_changed(a, b):
    if len(a) != len(b):
        return None
    return sum(x != y for p, q in zip(a, b) for x, y in zip(decompose(p) or (p,), decompose(q) or (q,)))


@pytest.mark.parametrize("pair_id", ["863", "2180", "6"])
def test_a_korean_eojeol_gets_one_jamo_or_one_key(pair_id):
    """No eojeol changes in two places: one jamo (a sound-alike ㅙ/ㅞ) or one keystroke (먹어 -> 머거)."""
    for word in sentence2("ko", pair_id).split():
        for typo in CharNoise("ko", seed=0, max_candidates=1000)._get_replacement_words(word):
            assert _jamo_changed(word, typo) == 1 or _distance(_keys(word), _keys(typo)) == 1, (word, typo)


def test_word_list_coverage_per_language():
    sizes = {lang: sum(coverage(lang).values()) for lang in ("en", "de", "es", "fr", "ko", "zh")}
    assert all(size > 20_000 for size in sizes.values()), sizes
    assert set(coverage("ja")) == {"muse", "omw"}  # plus SudachiPy's dictionary, which has no size here
