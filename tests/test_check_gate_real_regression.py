"""The CI gate on real results: the committed baseline (`leaderboard/baseline-ci.json`, the default
victim attacked in ko with char-noise) fails for a damaged copy of that victim under the same id.

The damage is a bug that happens in practice: the classification head's two rows swapped, as a wrong
``id2label`` mapping would do. The model is real, the attack is real (the same command as `.ci/run`),
and the gate must exit 1 with the cell named. `.ci/run` itself checks the undamaged victim passes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "leaderboard" / "baseline-ci.json"


def _rbx(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "robustbench_xl", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=900)


@pytest.mark.slow
def test_committed_ci_baseline_fails_when_the_default_victims_head_is_swapped(tmp_path, rbx_home):
    import torch
    from safetensors.torch import load_file, save_file

    from robustbench_xl.models.victims import DEFAULT_VICTIM, resolve_victim

    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    (cell,) = baseline["cells"]
    assert cell["model"] == DEFAULT_VICTIM  # the gate in .ci/run guards the default victim
    damaged = tmp_path / DEFAULT_VICTIM  # the folder name is the model id the results record
    shutil.copytree(resolve_victim(DEFAULT_VICTIM), damaged)
    weights = load_file(str(damaged / "model.safetensors"))
    for name in ("classifier.weight", "classifier.bias"):
        weights[name] = torch.flip(weights[name], dims=[0]).contiguous()
    save_file(weights, str(damaged / "model.safetensors"), metadata={"format": "pt"})

    results = tmp_path / "results"
    attack = _rbx("attack", "--model", str(damaged), "--lang", cell["lang"], "--recipe", cell["recipe"],
                  "--n", str(cell["n_examples"]), "--query-budget", "100", "--out", str(results), "--quiet")
    assert attack.returncode == 0, attack.stderr[-2000:]
    gate = _rbx("check", "--baseline", str(BASELINE), "--results", str(results))
    assert gate.returncode == 1, gate.stdout + gate.stderr
    assert f"{DEFAULT_VICTIM}/{cell['lang']}/{cell['recipe']}" in gate.stdout
    assert "FAIL" in gate.stdout.upper()
