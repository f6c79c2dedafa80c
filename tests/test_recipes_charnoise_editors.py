"""Script editors of the char-noise recipe: Hangul jamo, kana, Han (homophones and look-alikes)."""

from __future__ import annotations

import unicodedata

import pytest

from robustbench_xl.lang import hangul, kana
from robustbench_xl.lang.han import common_chars, han_edits, homophones, visual_neighbours, word_readings
from robustbench_xl.lang.hangul import (can_merge, compose, decompose, hangul_edits, is_syllable,
                                        keyboard_neighbours, spacing_splits, syllable_edits)

ALL_SYLLABLES = [chr(c) for c in range(hangul.FIRST_SYLLABLE, hangul.LAST_SYLLABLE + 1)]


def test_decompose_compose_round_trip_on_every_syllable():
    assert len(ALL_SYLLABLES) == 11172
    for ch in ALL_SYLLABLES:
        assert compose(*decompose(ch)) == ch
    assert decompose("각") == (0, 0, 1) and decompose("a") is None and decompose("ㄱ") is None
    with pytest.raises(ValueError):
        compose(19, 0, 0)


def test_dubeolsik_neighbours_follow_the_keyboard():
    assert set(keyboard_neighbours("ㅅ")) == {"ㄱ", "ㅛ", "ㄹ", "ㅎ"}  # t: r y f g on QWERTY
    assert set(keyboard_neighbours("ㅁ")) == {"ㅂ", "ㅈ", "ㄴ", "ㅋ"}  # a: q w s z
    assert "ㅔ" in keyboard_neighbours("ㅐ") and keyboard_neighbours("x") == ""


def test_every_syllable_edit_is_one_complete_syllable():
    for ch in ALL_SYLLABLES[::3]:
        for new in syllable_edits(ch):
            assert is_syllable(new) and new != ch
            (i, m, f), (i2, m2, f2) = decompose(ch), decompose(new)
            assert (i != i2) + (m != m2) + (f != f2) == 1  # exactly one jamo changed


def test_hangul_word_edits_are_valid_nfc_and_bounded():
    word = "재정적으로"
    edits = hangul_edits(word)
    assert edits and len(edits) == len(set(edits))
    for new in edits:
        assert unicodedata.is_normalized("NFC", new)
        assert all(is_syllable(ch) for ch in new)  # never a loose jamo
        assert len(new) == len(word)
        assert sum(a != b for a, b in zip(word, new)) <= 2  # one jamo, or a jamo moving to the next syllable


@pytest.mark.parametrize("word, expected", [
    ("먹어", "머거"),   # final written as pronounced
    ("가다", "갇다"),   # key typed twice
    ("개", "게"),       # ㅐ/ㅔ merger
    ("밥", "밮"),       # ㅂ/ㅍ final
    ("닭", "달"),       # compound final loses a key
    ("과", "가"),       # compound vowel loses a key
])
def test_korean_typos_native_writers_make(word, expected):
    assert expected in hangul_edits(word)


def test_hangul_edits_keep_other_characters():
    assert all(new.startswith("Kathy") for new in hangul_edits("Kathy와"))
    assert hangul_edits("Kathy") == []


def test_korean_spacing_errors():
    assert spacing_splits("재정상태") == ["재정 상태"]
    assert spacing_splits("남편은") == [] and spacing_splits("Kathy와") == []
    assert can_merge("할", "수") and can_merge("먹어", "보다") and can_merge("재정", "상태")
    assert not can_merge("남편은", "재정적으로") and not can_merge("Kathy와", "그녀의")


def test_kana_edits():
    assert sorted(kana.kana_edits("きょう")) == ["きょぅ", "きよう", "ぎょう", "キョウ"]
    assert set(kana.voicing_variants("は")) == {"ば", "ぱ"} and set(kana.voicing_variants("ぱ")) == {"は", "ば"}
    assert kana.voicing_variants("う") == "" and kana.voicing_variants("ウ") == "ヴ"  # never the rare ゔ
    assert kana.size_variant("つ") == "っ" and kana.size_variant("ゃ") == "や" and kana.size_variant("か") == ""
    assert kana.switch_script("ありがとう") == "アリガトウ" and kana.switch_script("コーヒー") == "こーひー"
    assert kana.switch_script("食べる") == "" and kana.kana_edits("経済") == []
    for new in kana.kana_edits("している") + kana.kana_edits("ピーター"):
        assert unicodedata.is_normalized("NFC", new)


def test_han_homophones_share_the_reading_in_context():
    from pypinyin import Style, lazy_pinyin

    assert word_readings("银行") == ["yin2", "hang2"]  # 行 read hang2 in 银行, not xing2
    for new in han_edits("银行"):
        changed = [k for k in range(2) if new[k] != "银行"[k]]
        assert len(changed) == 1 and new[changed[0]] in common_chars()
    for ch in homophones("济", "ji4"):
        assert lazy_pinyin(ch, style=Style.TONE3, neutral_tone_with_five=True) == ["ji4"]
    assert len(homophones("济", "ji4")) == 3


def test_han_visual_table():
    common = common_chars()
    assert len(common) == 3500 and common[:3] == ["一", "是", "人"]
    assert visual_neighbours("末") == "未" and "入" in visual_neighbours("人") and "请" in visual_neighbours("清")
    assert all(c in set(common) for ch in common[:500] for c in visual_neighbours(ch))
    assert han_edits("1983") == [] and han_edits("") == []
