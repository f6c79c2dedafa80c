"""Precision is resolved per device: auto never picks an emulated bf16, impossible requests are refused."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

from robustbench_xl.errors import RbxError
from robustbench_xl.models import precision
from robustbench_xl.models.precision import autocast, cpu_has_native_bf16, resolve_precision


def test_auto_on_cpu_follows_the_hardware(monkeypatch):
    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: True)
    assert resolve_precision("auto", "cpu") == "bf16"
    monkeypatch.setattr(precision, "cpu_has_native_bf16", lambda: False)
    assert resolve_precision("auto", "cpu") == "fp32"


def test_this_cpu_is_read_from_torch():
    expected = torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported()
    assert cpu_has_native_bf16() == expected
    assert resolve_precision("auto", "cpu") == ("bf16" if expected else "fp32")


@pytest.mark.parametrize("requested,device,message", [
    ("fp16", "cpu", "needs a GPU"),
    ("bf16", "mps", "not supported on mps"),
    ("half", "cpu", "must be one of"),
])
def test_impossible_requests_are_one_line_errors(requested, device, message):
    with pytest.raises(RbxError, match=message) as caught:
        resolve_precision(requested, device)
    assert "\n" not in str(caught.value)


def test_explicit_cpu_precisions_are_kept():
    assert resolve_precision("fp32", "cpu") == "fp32"
    assert resolve_precision("bf16", "cpu") == "bf16"  # asked for: allowed, even where it is slow


def test_autocast_bf16_changes_the_matmul_dtype_and_fp32_does_not():
    a, b = torch.randn(4, 8), torch.randn(8, 3)
    with autocast("bf16", "cpu"):
        assert (a @ b).dtype == torch.bfloat16
    with autocast("fp32", "cpu"):
        assert (a @ b).dtype == torch.float32


def test_train_refuses_fp16_on_cpu_before_any_work(tmp_path):
    if torch.cuda.is_available():
        pytest.skip("a GPU is visible: fp16 is allowed there")
    result = subprocess.run([sys.executable, "-m", "robustbench_xl", "train", "--out", str(tmp_path / "run"),
                             "--precision", "fp16"], capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "needs a GPU" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()


def test_train_records_precision_schedule_and_losses(bert_checkpoint, tmp_path):
    from robustbench_xl.models.training import train_victim

    out = train_victim(str(bert_checkpoint), "standard", tmp_path / "run", seed=1, max_pairs=40, batch_size=4,
                       max_steps=4, warmup_steps=1, group_by_length=False, lora_layers=1, eval_n=4, threads=1,
                       precision="fp32", save_steps=0)
    card = json.loads((out / "card.json").read_text())
    assert card["precision"] == "fp32"
    assert card["settings"]["max_steps"] == 4 and card["settings"]["group_by_length"] is False
    assert card["phases"]["paws"]["steps"] == 4  # max_steps overrides epochs
    assert card["phases"]["paws"]["loss_every_10_steps"] == []  # the Trainer logs every 10 steps: none in 4


def test_devices_are_resolved_or_refused_in_one_line():
    from robustbench_xl.models.precision import resolve_device

    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(RbxError, match="must be auto, cpu, cuda"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(RbxError, match="no CUDA GPU is visible"):
            resolve_device("cuda:0")
    else:
        with pytest.raises(RbxError, match="GPU\\(s\\)"):
            resolve_device(f"cuda:{torch.cuda.device_count()}")
