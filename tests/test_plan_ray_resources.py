"""The Ray resources a cell asks for (`cpus_per_cell`, `gpus_per_cell`) are plan fields: validated like the
others, overridden by the command line, and never part of the plan's settings (they do not shape results)."""

from __future__ import annotations

from pathlib import Path

import pytest

from robustbench_xl.plans.run import ray_resources
from robustbench_xl.plans.schema import parse_plan

BASE = "models: [e5s-ft500-standard-s0]\nlanguages: [de]\nrecipes: [char-noise]\n"


def _plan(tmp_path: Path, extra: str = ""):
    path = tmp_path / "grid.yaml"
    path.write_text(BASE + extra, encoding="utf-8")
    return parse_plan(path)


def test_a_plan_without_the_fields_asks_for_one_cpu_and_no_gpu(tmp_path):
    plan, problems = _plan(tmp_path)
    assert not problems
    assert ray_resources(plan, None, None) == (1.0, 0.0)


def test_the_plan_fields_reach_the_executor_and_the_command_line_wins(tmp_path):
    plan, problems = _plan(tmp_path, "cpus_per_cell: 4\ngpus_per_cell: 0.5\n")
    assert not problems
    assert ray_resources(plan, None, None) == (4.0, 0.5)
    assert ray_resources(plan, 2, None) == (2.0, 0.5)
    assert ray_resources(plan, None, 1) == (4.0, 1.0)


def test_resources_do_not_change_the_plan_identity(tmp_path):
    plain, _ = _plan(tmp_path)
    gpu, _ = _plan(tmp_path, "gpus_per_cell: 1\ncpus_per_cell: 8\n")
    assert gpu.settings_hash == plain.settings_hash and gpu.plan_hash == plain.plan_hash


@pytest.mark.parametrize("extra, field", [("gpus_per_cell: -1\n", "gpus_per_cell"),
                                          ("cpus_per_cell: 0\n", "cpus_per_cell"),
                                          ("gpus_per_cell: one\n", "gpus_per_cell"),
                                          ("cpus_per_cell: true\n", "cpus_per_cell")])
def test_bad_resources_are_named(tmp_path, extra, field):
    _, problems = _plan(tmp_path, extra)
    assert len(problems) == 1 and problems[0].startswith(f"{field}: must be a number")


def test_rbx_run_dry_run_accepts_a_plan_with_gpus(tmp_path):
    from typer.testing import CliRunner

    from robustbench_xl.cli import app

    (tmp_path / "grid.yaml").write_text(BASE + "gpus_per_cell: 1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "grid.yaml"), "--dry-run", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
