"""`rbx check`: exit codes 0/1/2, JUnit XML, baseline round trip, missing and changed cells."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "leaderboard"))
import lb_simulate as sim  # noqa: E402

from robustbench_xl.check import baseline_from_results, check, load_baseline, write_baseline  # noqa: E402
from robustbench_xl.cli.leaderboard import check_app  # noqa: E402
from robustbench_xl.errors import RbxError  # noqa: E402

CELL = ("xlmr-standard-s1", "en", "charswap")


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate")
    sim.simulate_benchmark(root / "results", root / "models", langs=("en", "ko"), recipes=("charswap",),
                           seeds=(1,), n=100)
    return root / "results"


@pytest.fixture
def results(source, tmp_path):
    shutil.copytree(source, tmp_path / "results")
    return tmp_path / "results"


def degrade(results: Path, cell=CELL, flips: int = 0, fixes: int = 0) -> None:
    """Turn ``flips`` robust examples of a cell into successful attacks (and ``fixes`` back)."""
    path = results.joinpath(*cell) / "examples.jsonl"
    examples = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for ex in examples:
        if flips and ex["status"] == "failed":
            ex.update(status="succeeded", robust_correct=False, pred_after=1 - ex["label"],
                      perturbed=ex["original"], edits=[["a", "b"]], perturbed_share=0.1)
            flips -= 1
        elif fixes and ex["status"] == "succeeded":
            ex.update(status="failed", robust_correct=True, pred_after=ex["label"], perturbed=None, edits=[],
                      perturbed_share=None)
            fixes -= 1
    assert flips == 0 and fixes == 0, "not enough examples to change"
    path.write_text("".join(json.dumps(ex, ensure_ascii=False) + "\n" for ex in examples), encoding="utf-8")


def run_cli(*args):
    return CliRunner().invoke(check_app, [str(a) for a in args])


def test_update_baseline_round_trip_passes_with_exit_0(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    created = run_cli("--baseline", baseline, "--results", results, "--update-baseline")
    assert created.exit_code == 0, created.output
    data = load_baseline(baseline)
    assert len(data["cells"]) == 4  # 2 models x 2 languages x 1 recipe
    cell = next(c for c in data["cells"] if (c["model"], c["lang"], c["recipe"]) == CELL)
    summary = json.loads((results.joinpath(*CELL) / "summary.json").read_text(encoding="utf-8"))
    assert cell["examples_fingerprint"] == summary["examples_fingerprint"]
    assert cell["accuracy_under_attack"] == pytest.approx(summary["accuracy_under_attack"])
    assert len(cell["robust_correct"]) == summary["n_examples"] == 99
    junit = tmp_path / "check.xml"
    result = run_cli("--baseline", baseline, "--results", results, "--junit", junit)
    assert result.exit_code == 0, result.output
    assert "verdicts: pass 4, fail 0" in result.output
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("tests") == "4" and suite.get("failures") == "0"
    assert {case.get("name") for case in suite.iter("testcase")} == {"en/charswap", "ko/charswap"}


def test_significant_drop_beyond_max_drop_fails_with_exit_1(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(results, baseline)
    degrade(results, flips=15)
    junit = tmp_path / "out" / "check.xml"
    result = run_cli("--baseline", baseline, "--results", results, "--junit", junit)
    assert result.exit_code == 1, result.output
    assert "FAIL xlmr-standard-s1/en/charswap" in result.output
    root = ET.parse(junit).getroot()
    failures = [case for case in root.iter("testcase") if case.find("failure") is not None]
    assert [(f.get("classname"), f.get("name")) for f in failures] == [("rbx.check.xlmr-standard-s1", "en/charswap")]
    message = failures[0].find("failure").get("message")
    assert "-15.2 points" in message and "15 regressed, 0 fixed" in message
    assert root.get("failures") == "1"


def test_drop_within_max_drop_or_not_significant_passes(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(results, baseline)
    # 2 of 99 flipped = 2.02 points, significant? No: exact p = 0.5 -> pass either way.
    degrade(results, flips=2)
    report = check(baseline, results, max_drop=2.0)
    verdict = next(c for c in report.cells if (c.model, c.lang, c.recipe) == CELL)
    assert verdict.verdict == "pass" and verdict.drop_points == pytest.approx(200 / 99)
    # 5 regressions, 0 fixes: a 5-point drop, but exact McNemar p = 2 / 2^5 = 0.0625 >= 0.05.
    degrade(results, flips=3)
    verdict = next(c for c in check(baseline, results).cells if (c.model, c.lang, c.recipe) == CELL)
    assert verdict.drop_points > 2.0 and verdict.p_value == pytest.approx(0.0625)
    assert verdict.verdict == "pass" and "not a significant drop" in verdict.message
    # The same change fails under a looser alpha, and a large max-drop lets even that pass.
    assert check(baseline, results, alpha=0.1).exit_code == 1
    assert check(baseline, results, alpha=0.1, max_drop=6.0).exit_code == 0


def test_improvement_never_fails(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(results, baseline)
    degrade(results, fixes=10)
    report = check(baseline, results)
    assert report.exit_code == 0
    verdict = next(c for c in report.cells if (c.model, c.lang, c.recipe) == CELL)
    assert verdict.drop_points < 0 and verdict.p_value < 0.05


def test_baseline_naming_a_removed_model_is_listed_as_missing(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(results, baseline)
    shutil.rmtree(results / "xlmr-stilts-s1")
    junit = tmp_path / "check.xml"
    result = run_cli("--baseline", baseline, "--results", results, "--junit", junit)
    assert result.exit_code == 0, result.output
    assert "has no results at all" in result.output
    root = ET.parse(junit).getroot()
    skipped = [case for case in root.iter("testcase") if case.find("skipped") is not None]
    assert len(skipped) == 2 and root.get("skipped") == "2"
    assert all(case.get("classname") == "rbx.check.xlmr-stilts-s1" for case in skipped)


def test_changed_examples_are_not_comparable_and_nothing_checked_is_exit_2(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    data, _ = baseline_from_results(results)
    for cell in data["cells"]:
        cell["examples_fingerprint"] = "0" * 64
    baseline.write_text(json.dumps(data), encoding="utf-8")
    report = check(baseline, results)
    assert {c.verdict for c in report.cells} == {"not comparable"}
    assert all("different examples" in c.message for c in report.cells)
    result = run_cli("--baseline", baseline, "--results", results)
    assert result.exit_code == 2
    assert "no baseline cell could be checked" in result.output


def test_recipe_version_change_is_not_comparable(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(results, baseline)
    shutil.rmtree(results.joinpath(*CELL))
    sim.simulate_run(results, *CELL, n=100, recipe_version=2)
    verdict = next(c for c in check(baseline, results).cells if (c.model, c.lang, c.recipe) == CELL)
    assert verdict.verdict == "not comparable" and "recipe version 2" in verdict.message


def test_a_rerun_in_another_folder_is_matched_on_the_baseline_fingerprint(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(results, baseline)
    sim.simulate_run(results, *CELL, subfolder="later", n=100, fingerprint_override="e" * 64)
    verdict = next(c for c in check(baseline, results).cells if (c.model, c.lang, c.recipe) == CELL)
    assert verdict.verdict == "pass" and "later" not in verdict.path


@pytest.mark.parametrize(
    "content, fragment",
    [
        (None, "baseline not found"),
        ("{broken", "not readable JSON"),
        (json.dumps({"kind": "something else"}), "not an rbx check baseline"),
        (json.dumps({"kind": "rbx-check-baseline", "schema_version": 1, "cells": [{"model": "m"}]}), "cell 0 lacks"),
        (json.dumps({"kind": "rbx-check-baseline", "schema_version": 1, "cells": [
            {"model": "m", "lang": "en", "recipe": "r", "recipe_version": 1, "examples_fingerprint": "x",
             "robust_correct": {"a": "yes"}}]}), "must map example ids to true/false"),
    ],
)
def test_unusable_baseline_exits_2_with_one_line(results, tmp_path, content, fragment):
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    result = run_cli("--baseline", baseline, "--results", results)
    assert result.exit_code == 2
    assert fragment in result.output and "Traceback" not in result.output
    with pytest.raises(RbxError, match=fragment):
        check(baseline, results)


def test_missing_results_folder_exits_2(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(results, baseline)
    result = run_cli("--baseline", baseline, "--results", tmp_path / "nowhere")
    assert result.exit_code == 2 and "results folder not found" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("--baseline", baseline, "--results", empty, "--update-baseline").exit_code == 2


def test_truncated_results_are_compared_on_the_examples_they_have(results, tmp_path):
    baseline = tmp_path / "baseline.json"
    write_baseline(results, baseline)
    path = results.joinpath(*CELL) / "examples.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:50]) + "\n" + lines[50][:30], encoding="utf-8")
    report = check(baseline, results)
    verdict = next(c for c in report.cells if (c.model, c.lang, c.recipe) == CELL)
    assert verdict.verdict == "pass" and verdict.n_paired == 49  # 50 lines minus the "too long" skip
    assert any("truncated" in w for w in report.warnings)
