"""Language-aware segmentation and the multilingual AttackedText, on real PAWS-X sentences."""

import unicodedata

import pytest

from robustbench_xl.data import load_examples
from robustbench_xl.errors import RbxError
from robustbench_xl.lang import nfc, segment, validate_lang, words
from robustbench_xl.lang.attacked_text import MultilingualAttackedText as MText


def test_unknown_language_lists_the_valid_ones():
    with pytest.raises(RbxError, match="en, de, es, fr, ja, ko, zh"):
        validate_lang("xx")


def test_korean_is_split_by_eojeol_not_syllables_even_next_to_chinese():
    text = MText.from_pair("凯西和她的丈夫很稳定。", "Kathy와 그녀의 남편은 안정적입니다.", langs=("zh", "ko"))
    zh_words, ko_words = text.words_per_input
    assert zh_words == ["凯西", "和", "她", "的", "丈夫", "很", "稳定"]
    assert ko_words == ["Kathy와", "그녀의", "남편은", "안정적입니다"]


def test_japanese_kana_only_text_is_segmented():
    assert words("ja", "すもももももももものうち") == ["すもも", "も", "もも", "も", "もも", "の", "うち"]


def test_latin_words_keep_internal_apostrophes_and_hyphens():
    assert words("fr", "L'homme de Baden-Württemberg, « lui ».") == ["L'homme", "de", "Baden-Württemberg", "lui"]


@pytest.mark.parametrize("lang", ["en", "de", "es", "fr", "ja", "ko", "zh"])
def test_word_offsets_point_into_real_sentences(lang):
    for example in load_examples("pawsx", lang, n=40, seed=3):
        for sentence in (example.sentence1, example.sentence2):
            found = segment(lang, sentence)
            assert found, sentence
            for word in found:
                assert sentence[word.start:word.end] == word.text
                assert word.text.strip() == word.text


def test_decomposed_korean_is_normalised_on_the_way_in():
    decomposed = unicodedata.normalize("NFD", "남편은 부자입니다")
    assert decomposed != "남편은 부자입니다"
    text = MText.from_pair(decomposed, decomposed, langs=("ko", "ko"))
    assert text.tokenizer_input == ("남편은 부자입니다", "남편은 부자입니다")
    assert text.words[:2] == ["남편은", "부자입니다"]


def test_replacing_a_word_keeps_spacing_and_the_other_column():
    text = MText.from_pair("The cat sat, on the mat.", "Le chat est assis.", langs=("en", "fr"))
    edited = text.replace_word_at_index(1, "cta")
    assert edited.tokenizer_input == ("The cta sat, on the mat.", "Le chat est assis.")
    assert edited.attack_attrs["modified_indices"] == {1}
    assert isinstance(edited, MText) and edited.langs == ("en", "fr")


def test_deletion_and_insertion_track_original_indices():
    text = MText.from_pair("The cat sat on the mat.", "x y", langs=("en", "en"))
    inserted = text.replace_word_at_index(1, "big cat")
    assert inserted.words[:4] == ["The", "big", "cat", "sat"]
    assert list(inserted.attack_attrs["original_index_map"][:3]) == [0, 2, 3]
    deleted = inserted.delete_word_at_index(0)
    assert deleted.tokenizer_input[0] == "big cat sat on the mat."
    assert deleted.attack_attrs["original_index_map"][0] == -1


def test_edit_inside_a_japanese_word_keeps_word_boundaries():
    text = MText.from_pair("彼女は経済的に安定しています。", "同じです。", langs=("ja", "ja"))
    index = text.words.index("経済的")
    edited = text.replace_word_at_index(index, "けいざいてき")
    assert edited.words[index] == "けいざいてき"
    assert edited.num_words == text.num_words
    assert edited.text_until_word_index(index) == "彼女は"


def test_output_is_nfc():
    text = MText.from_pair("cafe au lait", "x", langs=("fr", "fr"))
    edited = text.replace_word_at_index(0, "cafe\u0301")
    assert edited.tokenizer_input[0] == nfc("café au lait") == "caf\u00e9 au lait"
