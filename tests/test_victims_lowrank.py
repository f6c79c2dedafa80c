"""Low-rank deltas of fully fine-tuned victims: the SVD factors, ``rbx train --delta-rank`` and
``rbx models compress`` on a tiny real BERT."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.models.lowrank_delta import compress_run, lowrank_tensors
from robustbench_xl.models.training import read_pairs, train_victim
from robustbench_xl.models.victims import read_delta, resolve_victim

FULL = dict(max_pairs=24, epochs=1, batch_size=8, lora_r=0, lora_layers=0, learning_rate=1e-3, eval_n=8, threads=1)


def _logits(folder: Path):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    pairs = [(a, b) for a, b, _ in read_pairs()[:6]]
    model = AutoModelForSequenceClassification.from_pretrained(str(folder)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    enc = tokenizer([p[0] for p in pairs], [p[1] for p in pairs], padding=True, return_tensors="pt")
    with torch.no_grad():
        return model(**enc).logits


def test_factors_are_the_best_rank_r_approximation():
    import torch

    torch.manual_seed(0)
    base = {"bert.encoder.layer.0.attention.self.query.weight": torch.randn(12, 8),
            "bert.encoder.layer.0.attention.self.query.bias": torch.randn(12),
            "classifier.weight": torch.randn(2, 8)}
    low = torch.randn(12, 2) @ torch.randn(2, 8)  # a rank-2 change plus a little rank-8 noise
    noise = 1e-3 * torch.randn(12, 8)
    trained = {k: v.clone() for k, v in base.items()}
    trained["bert.encoder.layer.0.attention.self.query.weight"] += low + noise
    trained["bert.encoder.layer.0.attention.self.query.bias"] += 1.0
    tensors, facts = lowrank_tensors(trained, base, rank=2)
    name = "bert.encoder.layer.0.attention.self.query.weight"
    a, b = tensors[f"lora_A::{name}"].float(), tensors[f"lora_B::{name}"].float()
    assert a.shape == (2, 8) and b.shape == (12, 2)
    assert torch.allclose(b @ a, low, atol=0.02)  # fp16 factors of the rank-2 part
    assert facts["matrices"] == 1 and 0 < facts["relative_error"] < 0.01
    # everything that is not an encoder matrix is shipped exactly (fp16), never factorized
    assert set(tensors) == {f"lora_A::{name}", f"lora_B::{name}", "replace::classifier.weight",
                            "replace::bert.encoder.layer.0.attention.self.query.bias"}
    _, facts = lowrank_tensors(trained, base, rank=8)
    assert facts["relative_error"] == 0.0
    with pytest.raises(RbxError, match="at least 1"):
        lowrank_tensors(trained, base, rank=0)
    with pytest.raises(RbxError, match="base model has no"):
        lowrank_tensors(trained, {}, rank=2)


@pytest.fixture(scope="module")
def full_run(bert_checkpoint, tmp_path_factory) -> Path:
    return train_victim(str(bert_checkpoint), "standard", tmp_path_factory.mktemp("full") / "run", seed=1, **FULL)


def test_train_with_delta_rank_ships_factors_and_rebuilds_what_was_evaluated(bert_checkpoint, tmp_path):
    import torch

    out = train_victim(str(bert_checkpoint), "standard", tmp_path / "r2", seed=1, delta_rank=2, **FULL)
    meta, tensors = read_delta(out / "victim")
    factors = [k for k in tensors if k.startswith("lora_A::")]
    assert len(factors) == 2 * 6  # 2 layers x (query key value attention-out FFN-in FFN-out)
    assert all(tensors[k].shape[0] == 2 for k in factors) and meta["lora_scaling"] == 1.0
    card = json.loads((out / "card.json").read_text())
    assert card["delta"]["rank"] == 2 and card["delta"]["matrices"] == 12
    assert card["settings"]["delta_rank"] == 2 and "rank 2" in (out / "README.md").read_text()
    rebuilt = resolve_victim(str(out / "victim"))
    assert torch.equal(_logits(out), _logits(rebuilt))  # the evaluated model is the shipped one


def test_compress_run_rewrites_the_delta_and_remeasures_the_card(full_run, tmp_path):
    import torch

    run = tmp_path / "run"
    shutil.copytree(full_run, run)
    exact_logits = _logits(run)
    before = (run / "victim" / "delta.safetensors").stat().st_size
    facts = compress_run(run, rank=32)  # rank >= every matrix's size here: the change is kept whole
    assert facts["delta"]["relative_error"] == 0.0 and facts["delta"]["rank"] == 32
    assert set(facts["delta"]["uncompressed_accuracy"]) == set(facts["accuracy"])
    card = json.loads((run / "victim" / "card.json").read_text())
    assert card["delta"] == facts["delta"] and card["phases"] == json.loads((full_run / "card.json").read_text())["phases"]
    rebuilt = resolve_victim(str(run / "victim"))
    assert torch.allclose(_logits(rebuilt), exact_logits, atol=1e-2)
    shutil.rmtree(run / "victim")
    shutil.copytree(full_run / "victim", run / "victim")
    compress_run(run, rank=1)
    assert (run / "victim" / "delta.safetensors").stat().st_size < before
    with pytest.raises(RbxError, match="already has a low-rank"):
        compress_run(run, rank=1)
    with pytest.raises(RbxError, match="not a finished rbx train run"):
        compress_run(tmp_path / "missing", rank=4)
