"""Checkpoint loading, label maps and the dynamically padded, cached wrapper (two architectures)."""

import json
import shutil

import numpy as np
import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.models import load_victim
from robustbench_xl.models.labels import label_order_from_config, parse_label_map

PAIRS = [("Kathy and her husband are rich.", "Kathy's husband is rich."),
         ("그녀의 남편은 부자입니다.", "남편은 부자다."),
         ("彼女は経済的に安定しています。", "安定しています。"),
         ("A much longer first sentence that goes on and on about the history of the county.", "Short.")]


@pytest.mark.parametrize("id2label,expected", [
    ({0: "not_paraphrase", 1: "paraphrase"}, (0, 1)),
    ({0: "paraphrase", 1: "not_paraphrase"}, (1, 0)),
    ({0: "LABEL_0", 1: "LABEL_1"}, (0, 1)),
    ({"0": "equivalent", "1": "not_equivalent"}, (1, 0)),
    ({0: "No", 1: "Yes"}, (0, 1)),
])
def test_label_order_from_id2label(id2label, expected):
    assert label_order_from_config(id2label, 2) == expected


def test_label_map_option_and_bad_label_counts():
    assert parse_label_map("paraphrase=LABEL_0,not_paraphrase=LABEL_1", {0: "LABEL_0", 1: "LABEL_1"}, 2) == (1, 0)
    assert parse_label_map("paraphrase=1,not_paraphrase=0", None, 2) == (0, 1)
    with pytest.raises(RbxError, match="3 output labels"):
        label_order_from_config({0: "a", 1: "b", 2: "c"}, 3)
    with pytest.raises(RbxError, match="cannot tell which output"):
        label_order_from_config({0: "cat", 1: "dog"}, 2)
    with pytest.raises(RbxError, match="not a label of this checkpoint"):
        parse_label_map("paraphrase=LABEL_7,not_paraphrase=LABEL_0", {0: "LABEL_0", 1: "LABEL_1"}, 2)


@pytest.mark.parametrize("fixture", ["bert_checkpoint", "xlmr_checkpoint"])
def test_batched_dynamic_padding_matches_one_by_one(fixture, request):
    victim = load_victim(str(request.getfixturevalue(fixture)))
    batched = victim.wrapper(batch_size=3)
    together = batched(PAIRS)
    alone = np.stack([victim.wrapper(batch_size=1)([pair])[0] for pair in PAIRS])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together.sum(axis=1), 1.0, atol=1e-9)
    # Two batches for four pairs, each padded only to its own longest pair.
    assert batched.stats.forward_batches == 2 and batched.stats.forward_examples == 4


def test_bert_gets_token_type_ids_and_xlmr_does_not(bert_checkpoint, xlmr_checkpoint):
    bert, xlmr = load_victim(str(bert_checkpoint)), load_victim(str(xlmr_checkpoint))
    assert "token_type_ids" in bert.wrapper()._encode(PAIRS[:1]).keys()
    assert "token_type_ids" not in xlmr.wrapper()._encode(PAIRS[:1]).keys()
    assert xlmr.label_order == (0, 1) and xlmr.id == "tiny-xlmr"


def test_repeated_queries_are_answered_from_the_cache(bert_checkpoint):
    wrapper = load_victim(str(bert_checkpoint)).wrapper()
    first = wrapper(PAIRS + PAIRS[:2])
    assert wrapper.stats.forward_examples == 4 and wrapper.stats.cache_hits == 2
    second = wrapper(PAIRS)
    assert wrapper.stats.forward_examples == 4 and wrapper.stats.queries == 10
    np.testing.assert_array_equal(first[:4], second)


def test_long_inputs_are_truncated_at_max_length(bert_checkpoint):
    wrapper = load_victim(str(bert_checkpoint)).wrapper(max_length=64)
    encoded = wrapper._encode([("word " * 5000, "other " * 5000)])
    assert len(encoded["input_ids"][0]) == 64
    assert wrapper([("word " * 5000, "other " * 5000)]).shape == (1, 2)


def test_reversed_label_order_is_applied(tmp_path, bert_checkpoint):
    reversed_dir = tmp_path / "reversed"
    shutil.copytree(bert_checkpoint, reversed_dir)
    config = json.loads((reversed_dir / "config.json").read_text())
    config["id2label"] = {"0": "paraphrase", "1": "not_paraphrase"}
    config["label2id"] = {"paraphrase": 0, "not_paraphrase": 1}
    (reversed_dir / "config.json").write_text(json.dumps(config))
    straight, reversed_ = load_victim(str(bert_checkpoint)), load_victim(str(reversed_dir))
    assert reversed_.label_order == (1, 0)
    np.testing.assert_allclose(straight.wrapper()(PAIRS), reversed_.wrapper()(PAIRS)[:, ::-1], atol=1e-12)


def test_bad_checkpoints_give_one_line_errors(tmp_path, bert_checkpoint):
    with pytest.raises(RbxError, match="checkpoint not found"):
        load_victim(str(tmp_path / "nowhere" / "model"))
    no_config = tmp_path / "no_config"
    no_config.mkdir()
    with pytest.raises(RbxError, match="config.json is missing"):
        load_victim(str(no_config))
    corrupt = tmp_path / "corrupt"
    shutil.copytree(bert_checkpoint, corrupt)
    weights = corrupt / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(RbxError, match="checkpoint"):
        load_victim(str(corrupt))
    three = tmp_path / "three"
    shutil.copytree(bert_checkpoint, three)
    config = json.loads((three / "config.json").read_text())
    config["id2label"] = {"0": "a", "1": "b", "2": "c"}
    config["label2id"] = {"a": 0, "b": 1, "c": 2}
    (three / "config.json").write_text(json.dumps(config))
    with pytest.raises(RbxError):
        load_victim(str(three))


def test_a_base_model_without_classifier_head_is_refused(tmp_path, bert_checkpoint):
    from transformers import BertModel

    base = tmp_path / "base"
    BertModel.from_pretrained(bert_checkpoint).save_pretrained(base)
    shutil.copy(bert_checkpoint / "tokenizer.json", base / "tokenizer.json")
    shutil.copy(bert_checkpoint / "tokenizer_config.json", base / "tokenizer_config.json")
    with pytest.raises(RbxError, match="not a trained pair classifier"):
        load_victim(str(base))
