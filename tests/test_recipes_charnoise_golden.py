"""char-noise v3 on real PAWS-X sentences: golden outputs (fixed seeds) and invariants, all 7 languages."""

from __future__ import annotations

import difflib
import unicodedata
from collections import OrderedDict

import pawsx_subsets
import pytest
import regex

from robustbench_xl.constraints.protected_words import ProtectedWords, is_protected
from robustbench_xl.lang import segment
from robustbench_xl.lang.attacked_text import MultilingualAttackedText
from robustbench_xl.perturb import perturb
from robustbench_xl.recipes import load_recipe
from robustbench_xl.transformations.char_noise import CharNoise

LANGS = ["ko", "ja", "zh", "de", "fr", "es", "en"]
_JAMO = regex.compile(r"[\u1100-\u11ff\u3131-\u318e\ua960-\ua97f\ud7b0-\ud7ff]")


def sentences(lang=None):
    """(lang, pair id, column, sentence) of the golden pairs, read from the bundled dev split."""
    return [(r["lang"], r["id"], column, r[column]) for r in pawsx_subsets.pairs("char-noise-word-order", lang)
            for column in ("sentence1", "sentence2")]


def fixture_sentence(lang, pair_id, column):
    return next(s for l, i, c, s in sentences(lang) if i == pair_id and c == column)


# Golden values: regenerate only on purpose, and bump the recipe's version when they change.
PERTURB_GOLDEN = {
    'ko': ['Kathy와 으녀의 남편 Peter Dean(Pete Beale)은 재정적으로 안정적입니다.', 'Kathy와 그녀의 남편 Peter Dean(Pete Beale)은 쟈정적으로 안정적입니다.', 'Kathy와 그녀의 남편 Peter Dean(Pete Beale)은 재젇적으로 안정적입니다.'],
    'ja': ['キャシーと夫のピーター・ディーン (ピート・ビール) は経済的に安定してぃる。', 'キャシーと夫のピーター・ディーン (ピート・ビール) は経済的に安定してイル。'],
    'zh': ['凯西和她的帐夫彼得·迪恩（皮特·比尔）经济状况稳定。', '凯西和她的丈夫彼得·迪恩（皮特·比尔）经济撞况稳定。', '凯西和她的丈夫彼得·迪恩（皮特·比尔）经济状旷稳定。'],
    'de': ['Kathy und ihr Ehemann Peter Rean (Pete Beale) sind finanziell gut aufgestellt.', 'Kathy und ihr Ehemann Peter Dewn (Pete Beale) sind finanziell gut aufgestellt.', 'Kathy und ihr Ehemann Peter Dean (Pete Beale) sind finanziell gut aifgestellt.'],
    'fr': ['Kathy èt son mari Peter Dean (Pete Beale) sont stables financièrement.', 'Kathy et son mari Peter Dean (Pete Beale) sont stanles financièrement.', 'Kathy et son mari Peter Dean (Pete Beale) sont stabled financièrement.'],
    'es': ['Kathy y su esposo Peter Dean (Pete Beale) tiehen estabilidad financiera.', 'Kathy y su esposo Peter Dean (Pete Beale) tienen estabilidad finamciera.', 'Kathy y su esposo Peter Dean (Pete Beale) tienen estabilidad financciera.'],
    'en': ['Kathy ahd her husband Peter Dean ( Pete Beale ) are financially stable .', 'Kathy and her husband Peter Dean ( Pete Beale ) are finsncially stable .', 'Kathy and her husband Peter Dean ( Pete Beale ) are financjally stable .'],
}
WORD_GOLDEN = [
    # v3: real words are no longer drawn (지정적으로, 재중적으로, 재정적으려; ヒーター "heater", ビーター)
    ('ko', '재정적으로', ['쟈정적으로', '재젇적으로', '재정적느로', '재정적아로', '재정적으류']),
    ('ko', '안정적입니다', ['찬정적입니다', '안쩡적입니다', '안정먹입니다', '안정적앱니다', '안정적입네다']),
    ('ja', 'している', ['してぃる', 'シテイル']),
    ('ja', 'ピーター', ['ピーダー', 'ぴーたー']),
    ('zh', '丈夫', ['仗夫', '帐夫', '丈肤', '丈央', '丈丈']),
    ('zh', '稳定', ['吻定', '紊定', '稳订', '稳实', '稳灾']),
    ('de', 'finanziell', ['finajziell', 'finanzkell', 'fnanziell', 'fiinanziell', 'fnianziell']),
    ('de', 'aufgestellt', ['wufgestellt', 'autgestellt', 'aufhestellt', 'aufgestelöt', 'aufgesteltl']),
    ('fr', 'financièrement', ['finandièrement', 'finanfièrement', 'finanncièrement', 'fianncièrement', 'financèirement']),
    ('fr', 'stables', ['dtables', 'stabled', 'sttables', 'staables', 'satbles']),  # v2 had sables, stable
    ('es', 'económicamente', ['económiczmente', 'econmicamente', 'económcamente', 'económiccamente', 'económicmente']),
    ('es', 'esposo', ['edposo', 'esplso', 'espoao', 'espos', 'esposoo']),
    ('en', 'husband', ['yusband', 'hhsband', 'husbznd', 'husbanc', 'hsband']),
    ('en', 'financially', ['finwncially', 'financjally', 'fnancially', 'financilly', 'finnacially']),
]


def test_recipe_v3_lists_all_languages():
    recipe = load_recipe("char-noise")
    assert recipe.version == 3 and set(recipe.languages) == set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_golden_samples_on_pawsx(lang):
    assert [p.text for p in perturb(fixture_sentence(lang, "6", "sentence2"), "char-noise", lang, n=3, seed=0)] \
        == PERTURB_GOLDEN[lang]


@pytest.mark.parametrize("lang, word, expected", WORD_GOLDEN)
def test_golden_word_candidates(lang, word, expected):
    assert CharNoise(lang, seed=0, max_candidates=5)._get_replacement_words(word) == expected


def test_candidates_depend_on_seed_only():
    a = CharNoise("ko", seed=3)._get_replacement_words("안정적입니다")
    assert a == CharNoise("ko", seed=3)._get_replacement_words("안정적입니다")
    assert a != CharNoise("ko", seed=4)._get_replacement_words("안정적입니다")


def _all_candidates(lang, text):
    attacked = MultilingualAttackedText(OrderedDict([("text", text)]), langs=(lang,))
    transformation = CharNoise(lang, seed=0)
    return attacked, transformation(attacked, pre_transformation_constraints=[ProtectedWords(lang)])


@pytest.mark.parametrize("lang, pair_id, column, text", sentences())
def test_invariants_on_every_candidate(lang, pair_id, column, text):
    attacked, candidates = _all_candidates(lang, text)
    if lang != "ja":  # Japanese kana edits only reach some words; the others have many candidates
        assert candidates, "every fixture sentence has editable words"
    old = [w.text for w in segment(lang, text)]
    numbers_and_names = [w for k, w in enumerate(old) if is_protected(w, lang, k == 0)]
    for candidate in candidates:
        new_text = candidate.text
        new_text.encode("utf-8")  # valid Unicode: no lone surrogates
        assert unicodedata.is_normalized("NFC", new_text) and new_text != text
        if lang == "ko":
            assert not _JAMO.search(new_text), new_text  # only complete syllables
        if lang in ("ja", "zh"):  # unspaced: a changed word may re-segment, so check characters
            assert len(new_text) == len(text)
            diff = [k for k, (a, b) in enumerate(zip(text, new_text)) if a != b]
            hit = [w for w in segment(lang, text) if w.start <= diff[0] and diff[-1] < w.end]
            assert len(hit) == 1 and not is_protected(hit[0].text, lang, False)  # inside one word
            if lang == "zh":
                assert len(diff) == 1  # one character
            continue
        new = [w.text for w in segment(lang, new_text)]
        changed = [op for op in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
                   if op[0] != "equal"]
        assert len(changed) == 1, (new_text, changed)  # one edit per candidate
        tag, i1, i2, j1, j2 = changed[0]
        if lang == "ko" and (i2 - i1, j2 - j1) in ((1, 2), (2, 1)):
            assert "".join(old[i1:i2]) == "".join(new[j1:j2])  # spacing error: same letters, one space moved
        else:
            assert (i2 - i1, j2 - j1) == (1, 1) and len(new[j1]) >= len(old[i1]) - 1
        for word in numbers_and_names:  # numbers and names untouched, in order
            assert word in new
        kept = [w for w in new if w in numbers_and_names]
        assert kept == [w for w in old if w in numbers_and_names]


def test_korean_spacing_errors_in_a_sentence():
    text = "그는 재정상태를 할 수 있다고 말했습니다."
    _, candidates = _all_candidates("ko", text)
    texts = {c.text for c in candidates}
    assert "그는 재정 상태를 할 수 있다고 말했습니다." in texts  # split
    assert "그는 재정상태를 할수 있다고 말했습니다." in texts  # merge (bound noun)
    merged = next(c for c in candidates if c.text == "그는 재정상태를 할수 있다고 말했습니다.")
    assert merged.words == ["그는", "재정상태를", "할수", "있다고", "말했습니다"]
    assert list(merged.attack_attrs["original_index_map"]) == [0, 1, 2, -1, 3, 4]


def test_merge_never_swallows_a_protected_or_bracketed_word():
    _, candidates = _all_candidates("ko", fixture_sentence("ko", "6", "sentence2"))
    assert not any("은재정" in c.text or "Beale)은재" in c.text for c in candidates)
    _, candidates = _all_candidates("ko", "그는 1983년 5월에 할 수 있다.")
    assert not any("1983년5월" in c.text or "5월에할" in c.text for c in candidates)


def test_numbers_and_numerals_are_never_edited():
    transformation = CharNoise("zh", seed=0)
    for word in ("1983年", "十一", "第三"):
        assert transformation._get_replacement_words(word) == []
    assert CharNoise("ja", seed=0)._get_replacement_words("三つ") == []
