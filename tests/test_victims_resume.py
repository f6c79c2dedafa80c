"""``rbx train --resume``: a run stopped mid-training continues from its last checkpoint (no repeated
steps, the same settings enforced) and ends where an uninterrupted run ends."""

from __future__ import annotations

import json

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.models.training import train_victim

RUN = dict(max_pairs=96, epochs=1, batch_size=8, lora_layers=1, eval_n=8, threads=1, save_steps=4)


class Stopped(Exception):
    """Stands in for a kill: raised inside the training loop after some steps."""


def _stop_after(monkeypatch, steps: int):
    from transformers import Trainer

    original = Trainer.training_step
    calls = {"n": 0}

    def training_step(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > steps:
            raise Stopped()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "training_step", training_step)


def _delta(out):
    from safetensors.torch import load_file

    return load_file(str(out / "victim" / "delta.safetensors"))


def test_a_stopped_run_resumes_from_its_checkpoint_and_matches_an_uninterrupted_one(
        bert_checkpoint, tmp_path, monkeypatch):
    whole = train_victim(str(bert_checkpoint), "standard", tmp_path / "whole", seed=5, **RUN)
    out = tmp_path / "stopped"
    with monkeypatch.context() as patch:
        _stop_after(patch, 6)  # checkpoint-4 is on disk, steps 5-6 are lost with the "kill"
        with pytest.raises(Stopped):
            train_victim(str(bert_checkpoint), "standard", out, seed=5, **RUN)
    assert (out / ".work" / "paws" / "checkpoint-4").is_dir() and not (out / "card.json").exists()
    with pytest.raises(RbxError, match="add --resume"):
        train_victim(str(bert_checkpoint), "standard", out, seed=5, **RUN)
    with pytest.raises(RbxError, match="other settings \\(learning_rate\\)"):
        train_victim(str(bert_checkpoint), "standard", out, seed=5, resume=True, **{**RUN, "learning_rate": 1e-3})
    train_victim(str(bert_checkpoint), "standard", out, seed=5, resume=True, **{**RUN, "threads": 2})
    card = json.loads((out / "card.json").read_text())
    assert card["phases"]["paws"]["steps"] == 12 and card["phases"]["paws"]["resumed_from_step"] == 4
    assert not (out / ".work").exists()
    a, b = _delta(whole), _delta(out)
    assert a.keys() == b.keys()
    drift = max(float((a[k].float() - b[k].float()).abs().max()) for k in a)
    print("max |delta difference| after resume:", drift)
    assert drift < 1e-3, "resumed run drifted"


def test_stilts_resume_skips_a_finished_intermediate_phase(bert_checkpoint, tmp_path, monkeypatch):
    settings = {**RUN, "intermediate_sentences": 16}
    out = tmp_path / "stilts"
    # The UD phase has 2 steps; the PAWS phase stops after its 2nd step (before any PAWS checkpoint).
    with monkeypatch.context() as patch:
        _stop_after(patch, 4)
        with pytest.raises(Stopped):
            train_victim(str(bert_checkpoint), "stilts", out, seed=2, **settings)
    assert (out / ".work" / "intermediate-result.pt").is_file()
    calls = {"n": 0}
    from robustbench_xl.models import training

    original = training._intermediate_phase
    monkeypatch.setattr(training, "_intermediate_phase",
                        lambda *a, **k: calls.__setitem__("n", calls["n"] + 1) or original(*a, **k))
    train_victim(str(bert_checkpoint), "stilts", out, seed=2, resume=True, **settings)
    card = json.loads((out / "card.json").read_text())
    assert calls["n"] == 0 and card["phases"]["intermediate"]["steps"] == 2
    assert card["phases"]["paws"]["steps"] == 12 and "resumed_from_step" not in card["phases"]["paws"]


def test_resume_of_a_folder_without_a_run_is_refused_or_starts_fresh(bert_checkpoint, tmp_path):
    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("mine")
    with pytest.raises(RbxError, match="no stopped rbx train run"):
        train_victim(str(bert_checkpoint), "standard", stray, resume=True, **RUN)
    fresh = train_victim(str(bert_checkpoint), "standard", tmp_path / "fresh", resume=True, **RUN)
    assert (fresh / "card.json").is_file()
