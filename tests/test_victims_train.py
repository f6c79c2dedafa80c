"""``rbx train`` end to end on a tiny real BERT (both regimes), and the victim delta round trip."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.models.training import (
    paws_subset,
    read_conllu_tags,
    read_pairs,
    train_victim,
)
from robustbench_xl.models.victims import read_delta, resolve_victim, victim_folder

TINY = dict(max_pairs=24, epochs=1, batch_size=8, lora_layers=1, intermediate_sentences=16, eval_n=8, threads=1)


@pytest.fixture(scope="module")
def trained(bert_checkpoint, tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("train")
    return {regime: train_victim(str(bert_checkpoint), regime, root / regime, seed=3, **TINY)
            for regime in ("standard", "stilts")}


def _pairs_logits(folder: Path, pairs):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(str(folder)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    enc = tokenizer([p[0] for p in pairs], [p[1] for p in pairs], padding=True, return_tensors="pt")
    with torch.no_grad():
        return model(**enc).logits, model


def test_shipped_training_data_is_complete():
    pairs = read_pairs()
    assert len(pairs) == 11997 and {label for *_, label in pairs} == {0, 1}
    assert paws_subset(pairs, 50) == paws_subset(pairs, 50) and len(paws_subset(pairs, 50)) == 50
    sentences = read_conllu_tags()
    assert len(sentences) == 4078
    words, tags = sentences[0]
    assert words[:3] == ["From", "the", "AP"] and tags[:3] == ["ADP|case", "DET|det", "PROPN|obl"]
    assert all(len(w) == len(t) for w, t in sentences)


@pytest.mark.parametrize("regime", ["standard", "stilts"])
def test_train_writes_checkpoint_delta_and_card(trained, regime):
    out = trained[regime]
    assert (out / "config.json").is_file() and (out / "model.safetensors").is_file()
    assert (out / "tokenizer.json").is_file() and not (out / ".work").exists()
    card = json.loads((out / "card.json").read_text())
    assert card["settings"]["regime"] == regime and card["settings"]["seed"] == 3
    assert card["phases"]["paws"]["pairs"] == 24 and card["phases"]["paws"]["steps"] == 3
    assert ("intermediate" in card["phases"]) == (regime == "stilts")
    assert set(card["accuracy"]) == {"en", "de", "es", "fr", "ja", "ko", "zh"}
    for row in card["accuracy"].values():
        assert row["n"] == 8 and row["ci95"][0] <= row["accuracy"] <= row["ci95"][1]
    readme = (out / "README.md").read_text()
    assert f"regime: **{regime}**" in readme and "| zh | 8 |" in readme
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {"0": "not_paraphrase", "1": "paraphrase"}


def test_delta_holds_only_what_training_changed(trained):
    meta, tensors = read_delta(trained["standard"] / "victim")
    kinds = {key.split("::")[0] for key in tensors}
    assert kinds == {"lora_A", "lora_B", "replace"}
    lora_layers = {key.split("encoder.layer.")[1].split(".")[0] for key in tensors if key.startswith("lora_A")}
    assert lora_layers == {"1"}  # --lora-layers 1 on a 2-layer model: only the top one
    replaced = sorted(key for key in tensors if key.startswith("replace::"))
    assert replaced == ["replace::bert.pooler.dense.bias", "replace::bert.pooler.dense.weight",
                        "replace::classifier.bias", "replace::classifier.weight"]
    assert all(str(t.dtype) == "torch.float16" for t in tensors.values())
    assert meta["lora_scaling"] == 2.0 and meta["id2label"]["1"] == "paraphrase"


def test_stilts_starts_paws_from_the_intermediate_adapters(trained):
    _, standard = read_delta(trained["standard"] / "victim")
    _, stilts = read_delta(trained["stilts"] / "victim")
    assert standard.keys() == stilts.keys()
    key = next(k for k in standard if k.startswith("lora_B::"))
    assert not (standard[key] == stilts[key]).all()


@pytest.mark.parametrize("regime", ["standard", "stilts"])
def test_rebuilt_victim_reproduces_the_trained_logits_exactly(trained, regime):
    import torch

    pairs = [(a, b) for a, b, _ in read_pairs()[:6]]
    rebuilt = resolve_victim(str(trained[regime] / "victim"))
    assert rebuilt is not None and rebuilt != trained[regime]
    expected, trained_model = _pairs_logits(trained[regime], pairs)
    got, rebuilt_model = _pairs_logits(rebuilt, pairs)
    assert torch.equal(expected, got)
    for (name, a), (_, b) in zip(trained_model.state_dict().items(), rebuilt_model.state_dict().items()):
        assert torch.equal(a, b), name
    assert resolve_victim(str(trained[regime] / "victim")) == rebuilt  # cached


@pytest.mark.slow
def test_concurrent_materialization_is_safe(trained, rbx_home):
    delta = trained["stilts"] / "victim"
    code = ("import sys; from robustbench_xl.models.victims import resolve_victim; "
            f"print(resolve_victim({str(delta)!r}))")
    env = {"RBX_HOME": str(rbx_home / "concurrent"), "PYTHONPATH": str(Path(__file__).parents[1]),
           "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    paths = {out.strip().splitlines()[-1] for out, _ in outputs}
    assert len(paths) == 1
    folder = Path(paths.pop())
    assert (folder / "model.safetensors").is_file() and (folder / "rbx-victim.json").is_file()
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(".")] == []


def test_not_a_victim_and_bad_arguments(tmp_path, bert_checkpoint):
    assert resolve_victim("xlm-roberta-base") is None
    assert resolve_victim(str(tmp_path)) is None
    assert victim_folder(str(bert_checkpoint)) is None
    with pytest.raises(RbxError, match="--regime"):
        train_victim(str(bert_checkpoint), "mnli", tmp_path / "x")
    with pytest.raises(RbxError, match="only applies"):
        train_victim(str(bert_checkpoint), "standard", tmp_path / "x", intermediate="ud-en-ewt")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("x")
    with pytest.raises(RbxError, match="not empty"):
        train_victim(str(bert_checkpoint), "standard", tmp_path / "busy")
