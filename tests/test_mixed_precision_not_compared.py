"""Precision is compared like a recipe version: the leaderboard and `rbx check` refuse, in one line naming
both, runs that differ in precision, unless `--allow-mixed-precision`. Real tiny attacks in fp32 and bf16
(bf16 autocast on the CPU) on the tiny test checkpoint, under two model ids."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from robustbench_xl.check import check, write_baseline
from robustbench_xl.cli import app
from robustbench_xl.errors import RbxError
from robustbench_xl.leaderboard.build import compute_leaderboard
from robustbench_xl.results import discover_runs
from robustbench_xl.runner import AttackConfig, attack


def _attack(checkpoint, out, model_id: str, precision: str) -> None:
    attack(AttackConfig(lang="de", recipe="char-noise", model=str(checkpoint), model_id=model_id, n=3, seed=0,
                        query_budget=10, out=str(out), precision=precision), progress=False)


@pytest.fixture(scope="module")
def results(tmp_path_factory, xlmr_checkpoint):
    mixed = tmp_path_factory.mktemp("mixed")
    _attack(xlmr_checkpoint, mixed, "model-a", "fp32")
    _attack(xlmr_checkpoint, mixed, "model-b", "bf16")
    fp32_only = tmp_path_factory.mktemp("fp32")
    _attack(xlmr_checkpoint, fp32_only, "model-b", "fp32")
    return mixed, fp32_only


def test_runs_know_their_precision(results):
    mixed, _ = results
    runs, _ = discover_runs(mixed)
    assert {run.model: run.precision for run in runs} == {"model-a": "fp32", "model-b": "bf16"}


def test_the_leaderboard_refuses_mixed_precisions_in_one_line(results, tmp_path):
    mixed, _ = results
    result = CliRunner().invoke(app, ["leaderboard", "build", "--results", str(mixed), "--models",
                                      str(tmp_path / "no-registry"), "--out", str(tmp_path / "board"), "-q"])
    assert result.exit_code == 2
    message = result.output.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert "de/char-noise: model-b ran in bf16 and model-a in fp32" in message
    assert "--allow-mixed-precision" in message
    assert not (tmp_path / "board").exists()


def test_allow_mixed_precision_builds_and_records_each_cells_precision(results, tmp_path):
    mixed, _ = results
    result = CliRunner().invoke(app, ["leaderboard", "build", "--results", str(mixed), "--models",
                                      str(tmp_path / "no-registry"), "--out", str(tmp_path / "board"), "-q",
                                      "--allow-mixed-precision"])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "board" / "leaderboard.json").read_text(encoding="utf-8"))
    assert {c["model"]: c["precision"] for c in data["cells"]} == {"model-a": "fp32", "model-b": "bf16"}
    assert data["settings"]["allow_mixed_precision"] is True
    assert any("model-b ran in bf16 and model-a in fp32" in w and "--allow-mixed-precision compares them" in w
               for w in data["warnings"]), data["warnings"]


def test_one_precision_builds_without_the_flag(results, tmp_path):
    _, fp32_only = results
    board = compute_leaderboard(fp32_only, tmp_path / "no-registry", n_resamples=200)
    assert [c["precision"] for c in board.cells] == ["fp32"]
    assert not any("differ in precision" in w for w in board.warnings), board.warnings


def test_the_gate_refuses_a_run_in_another_precision_than_the_baseline(results, tmp_path):
    mixed, fp32_only = results
    baseline = tmp_path / "baseline.json"
    data, _ = write_baseline(fp32_only, baseline)
    assert [c["precision"] for c in data["cells"]] == ["fp32"]
    result = CliRunner().invoke(app, ["check", "--baseline", str(baseline), "--results", str(mixed)])
    assert result.exit_code == 2
    lines = [line for line in result.output.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "model-b/de/char-noise" in lines[0]
    assert "baseline ran in fp32" in lines[0] and "in bf16" in lines[0] and "--allow-mixed-precision" in lines[0]
    report = check(baseline, mixed, allow_mixed_precision=True)
    (cell,) = report.cells
    assert cell.verdict in ("pass", "fail") and "compared under --allow-mixed-precision" in cell.message


def test_a_baseline_cell_without_precision_reads_as_fp32(results, tmp_path):
    mixed, fp32_only = results
    baseline = tmp_path / "old.json"
    data, _ = write_baseline(fp32_only, baseline)
    for cell in data["cells"]:
        del cell["precision"]
    baseline.write_text(json.dumps(data), encoding="utf-8")
    (cell,) = check(baseline, fp32_only).cells
    assert cell.verdict == "pass"
    with pytest.raises(RbxError, match="baseline ran in fp32"):
        check(baseline, mixed)
