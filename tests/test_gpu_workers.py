"""The local executor's GPU workers: one worker per visible GPU, each pinned to its own, CPU path unchanged."""

import json

import pytest

from robustbench_xl.executors.gpus import default_workers, visible_gpu_ids, worker_gpus
from robustbench_xl.executors.local import LocalPool
from robustbench_xl.plans import run_plan

from test_plans_run import cell_files, plan_text


@pytest.mark.parametrize("visible, device, expected", [
    ("0,1", "auto", ["0", "1"]),
    ("0,1", "cuda", ["0", "1"]),
    ("2", "auto", ["2"]),
    ("GPU-3f2a,GPU-77b1", "cuda", ["GPU-3f2a", "GPU-77b1"]),  # UUIDs, as schedulers hand them out
    ("0,-1,1", "auto", ["0"]),  # CUDA stops at the first invalid id
    ("", "auto", []),
    ("0,1", "cpu", []),
    ("0,1", "mps", []),
    ("0,1", "cuda:1", []),  # the user chose one GPU: every worker uses it, unpinned
])
def test_worker_gpus_follow_cuda_visible_devices(monkeypatch, visible, device, expected):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    assert worker_gpus(device) == expected


def test_default_workers_is_one_per_gpu_unless_given(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1,2")
    assert default_workers("auto", None) == 3 and default_workers("auto", 2) == 2
    assert default_workers("cpu", None) is None
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    assert default_workers("auto", None) is None  # one GPU: this process runs the cells itself


def test_this_cpu_machine_has_no_gpu_workers(monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    import torch

    assert (visible_gpu_ids() == []) == (not torch.cuda.is_available())


def test_replacement_workers_take_the_least_used_gpu():
    pool = LocalPool(4, gpus=["0", "1"])
    assert pool._free_gpu([]) == "0" and pool._free_gpu(["0"]) == "1"
    assert pool._free_gpu(["0", "1", "1"]) == "0"  # worker on GPU 0 died: its replacement takes GPU 0
    assert LocalPool(2)._free_gpu([]) is None


def test_gpu_pinned_workers_run_each_cell_once_with_the_same_bytes(monkeypatch, tmp_path, bert_checkpoint,
                                                                     xlmr_checkpoint):
    """Two "GPUs" named by CUDA_VISIBLE_DEVICES: two pinned workers, each cell on one of them, and results
    byte-identical to a run without GPUs (on this CPU-only build the cells still compute on the CPU)."""
    plan = tmp_path / "grid.yaml"
    plan.write_text(plan_text("grid", [bert_checkpoint, xlmr_checkpoint]), encoding="utf-8")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    plain = run_plan(plan, out=tmp_path / "plain", progress=False)
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "5,6")
    pinned = run_plan(plan, out=tmp_path / "pinned", progress=False)
    assert plain["ok"] and pinned["ok"] and pinned["workers"] == 2
    assert sorted(c["gpu"] for c in pinned["cells"]) == ["5", "6"]
    assert all("gpu" not in c for c in plain["cells"])
    assert cell_files(tmp_path / "pinned") == cell_files(tmp_path / "plain")
    on_disk = json.loads((tmp_path / "pinned" / "_plans" / "grid" / "report.json").read_text())
    assert sorted(c["gpu"] for c in on_disk["cells"]) == ["5", "6"]
