"""word-order: golden reorderings of real PAWS-X sentences, invariants, and the moves it must refuse."""

from __future__ import annotations

from collections import Counter, OrderedDict

import pawsx_subsets
import pytest

from robustbench_xl.constraints.protected_words import is_protected
from robustbench_xl.lang import segment
from robustbench_xl.lang.attacked_text import MultilingualAttackedText
from robustbench_xl.recipes import load_recipe
from robustbench_xl.transformations.word_order import WordOrder, reorderings



def fixture_sentence(lang, pair_id, column):
    """A sentence of a golden pair, read from the bundled dev split."""
    return next(r[column] for r in pawsx_subsets.pairs("char-noise-word-order", lang) if r["id"] == pair_id)


def reorder(lang, text, indices=None):
    attacked = MultilingualAttackedText(OrderedDict([("text", text)]), langs=(lang,))
    return [t.text for t in WordOrder(lang)(attacked, indices_to_modify=indices)]


# Golden values from PAWS-X dev (regenerate only on purpose; bump the recipe version when they change).
ORDER_GOLDEN = [
    ('ko', '18', 'sentence2', ['힘이 탄성 포텐셜 시스템의 구성 요소에 가해져 시스템으로 변형될 경우 기계적 에너지가 보관됩니다.']),
    ('ko', '117', 'sentence1', ['물고기 뱃속에서 Jonas는 3일을 보냈고 Jesus는 무덤 속에서 3일을 보내게 됩니다.', 'Jonas는 3일을 물고기 뱃속에서 보냈고 Jesus는 무덤 속에서 3일을 보내게 됩니다.', 'Jonas는 물고기 뱃속에서 3일을 보냈고 무덤 속에서 Jesus는 3일을 보내게 됩니다.', 'Jonas는 물고기 뱃속에서 3일을 보냈고 Jesus는 3일을 무덤 속에서 보내게 됩니다.']),
    ('ko', '117', 'sentence2', ['물고기 뱃속에서 Jesus는 3일을 보냈고 Jonah는 무덤 속에서 3일을 보내게 됩니다.', 'Jesus는 3일을 물고기 뱃속에서 보냈고 Jonah는 무덤 속에서 3일을 보내게 됩니다.', 'Jesus는 물고기 뱃속에서 3일을 보냈고 무덤 속에서 Jonah는 3일을 보내게 됩니다.', 'Jesus는 물고기 뱃속에서 3일을 보냈고 Jonah는 3일을 무덤 속에서 보내게 됩니다.']),
    ('ja', '746', 'sentence2', ['ゴールデンベイで乗務員の数名は亡くなり、地元のマオリとの接触はありませんでした。']),
    ('ja', '775', 'sentence1', []),
    ('ja', '775', 'sentence2', []),
    ('zh', '5710', 'sentence2', ['在 1995 年之前，在 1991 年，他在苏联国立电影学院（和艾门·蒂兹盖汉扬共同）教授表演专业硕士课程，他当时在俄罗斯莫斯科戏剧学院。']),
    ('zh', '6894', 'sentence2', ['歌曲后来于 10 月 15 日在英国发布，并于 10 月 23 日在美国发布，证实了歌曲为专辑中的单曲。']),
    ('ko', '6', 'sentence2', []),
    ('de', '6', 'sentence2', []),
]


@pytest.mark.parametrize("lang, pair_id, column, expected", ORDER_GOLDEN)
def test_golden_reorderings_of_pawsx(lang, pair_id, column, expected):
    assert reorder(lang, fixture_sentence(lang, pair_id, column)) == expected


@pytest.mark.parametrize("lang, text, expected", [
    ("ko", "그는 작년에 집을 샀다.", ["작년에 그는 집을 샀다.", "그는 집을 작년에 샀다."]),
    ("ja", "彼は東京で本を買った。", ["東京で彼は本を買った。", "彼は本を東京で買った。"]),
    ("zh", "他后来搬到了巴黎。", ["后来他搬到了巴黎。"]),
    ("zh", "他后来于 1990 年去世。", ["后来他于 1990 年去世。"]),
    ("de", "Im Jahr 1983 zog er nach Paris.", ["Er zog im Jahr 1983 nach Paris."]),
    ("de", "Er zog später nach Paris.", ["Später zog er nach Paris."]),
    ("en", "Today, he lives in Paris.", ["He lives in Paris today."]),
    ("en", "He lives in Paris today.", ["Today, he lives in Paris."]),
    ("fr", "Aujourd'hui, il vit à Paris.", ["Il vit à Paris aujourd'hui."]),
    ("es", "Actualmente vive en Madrid.", ["Vive en Madrid actualmente."]),
    ("es", "Hoy en día vive en Madrid.", ["Vive en Madrid hoy en día."]),
])
def test_safe_moves_per_language(lang, text, expected):
    assert reorder(lang, text) == expected


@pytest.mark.parametrize("lang, text, why", [
    ("ko", "그는 서울에서 태어난 사람을 만났다.", "서울에서 belongs to a relative clause"),
    ("ko", "그는 키가 크다.", "topic and subject"),
    ("ko", "그는 1983년에 서울로 이사했다. 서울에서 부산으로 갔다.", "never a name past a name"),
    ("ko", "그는 Kathy와 결혼했다.", "comitative 와 never moves"),
    ("ja", "彼は東京で生まれた人に会った。", "relative clause"),
    ("ja", "象は鼻が長い。", "は and が"),
    ("zh", "皮特在 1991 年搬到了巴黎。", "a date never moves past a name"),
    ("zh", "他于 1876 年搬到加利福尼亚州。", "jieba joins 他于: a cut inside a word is refused"),
    ("de", "Sie zog später nach Paris.", "sie may be an object"),
    ("de", "Später zog er nach Paris, wo er starb.", "two clauses"),
    ("en", "Later, he moved to Paris and married Anna.", "the adverb could scope differently"),
    ("en", "Kathy lives in Paris today.", "a capitalised first word may be a name"),
    ("es", "Después de su muerte fue enterrado en Madrid.", "después de is not an adverb"),
    ("fr", "Kathy et son mari sont stables financièrement.", "nothing safe to move"),
])
def test_unsafe_moves_are_refused(lang, text, why):
    assert reorder(lang, text) == [], why


@pytest.mark.parametrize("lang, pair_id, column", [(g[0], g[1], g[2]) for g in ORDER_GOLDEN])
def test_invariants(lang, pair_id, column):
    text = fixture_sentence(lang, pair_id, column)
    old = [w.text for w in segment(lang, text)]
    names = [w for k, w in enumerate(old) if is_protected(w, lang, k == 0)]
    for move in reorderings(text, lang):
        if move.cuts:  # the same characters; swapped stretches cut only at word boundaries
            assert sorted(move.text) == sorted(text)
    for new_text in reorder(lang, text):
        new = [w.text for w in segment(lang, new_text)]
        if lang in ("ko", "de", "en", "es", "fr"):
            assert Counter(w.casefold() for w in new) == Counter(w.casefold() for w in old)
        else:
            assert "".join(sorted("".join(new))) == "".join(sorted("".join(old)))
        cursor = 0
        for name in names:  # names and numbers keep their relative order
            cursor = new_text.find(name, cursor)
            assert cursor >= 0, (name, new_text)
            cursor += len(name)


def test_only_words_the_search_allows_move():
    text = "그는 작년에 집을 샀다."
    assert reorder("ko", text, indices={2, 3}) == []  # 그는 and 작년에 not allowed
    assert reorder("ko", text, indices={1, 2}) == ["그는 집을 작년에 샀다."]


def test_reordering_keeps_other_column_and_marks_moved_words():
    attacked = MultilingualAttackedText.from_pair("그는 작년에 집을 샀다.", "그는 작년에 집을 샀다.", langs=("ko", "ko"))
    out = WordOrder("ko")(attacked, indices_to_modify={4, 5, 6, 7})
    assert [t.text.split("\n")[0] for t in out] == ["그는 작년에 집을 샀다."] * 2
    assert out[0].attack_attrs["newly_modified_indices"] == {4, 5}


def test_recipe():
    recipe = load_recipe("word-order")
    assert recipe.version == 3 and recipe.transformation["type"] == "word-order"
    assert recipe.languages == ("ja", "ko", "zh")  # de/en/es/fr rules find nothing in PAWS-X
    assert "particle" in recipe.label_preservation and recipe.search["type"] == "greedy"


def test_v2_never_cuts_a_compound_particle_nor_makes_a_korean_garden_path():
    """Both found by the session-2 audit on PAWS-X dev (ja 1100, ko 393)."""
    ja = "曲はトミー・リーによって作成され、マイケル・バインホーンがドラムを担当しています。"
    moved = [m.text for m in reorderings(ja, "ja")]
    assert moved == ["曲はトミー・リーによって作成され、ドラムをマイケル・バインホーンが担当しています。"]
    # (v1 also offered "トミー・リーに曲はよって作成され、...", cutting によって after に)
    assert all("によって" in t for t in [m.text for m in reorderings("この本は彼によって東京で書かれた。", "ja")])
    ko = "이는 한 마을이 특정 결혼을 허락하지 않는다는 의미입니다."
    assert reorderings(ko, "ko") == []  # v1: "이는 특정 결혼을 한 마을이 허락하지 ..."
    # The same swap without the look-alike is still made: the guard is about 한, not about scrambling.
    plain = [m.text for m in reorderings("이는 그 마을이 특정 결혼을 허락하지 않는다는 의미입니다.", "ko")]
    assert plain == ["이는 특정 결혼을 그 마을이 허락하지 않는다는 의미입니다."]
