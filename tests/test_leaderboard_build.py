"""Building the leaderboard from simulated results in the exact results schema, including bad input."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "leaderboard"))
import lb_simulate as sim  # noqa: E402

from robustbench_xl.cli.leaderboard import app  # noqa: E402
from robustbench_xl.errors import RbxError  # noqa: E402
from robustbench_xl.leaderboard import build_leaderboard, compute_leaderboard  # noqa: E402
from robustbench_xl.leaderboard.render_html import embed_json, render_html  # noqa: E402
from robustbench_xl.leaderboard.render_markdown import render_markdown  # noqa: E402

LANGS = ("en", "de", "ja")
FAST = {"n_resamples": 300}


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    sim.simulate_benchmark(root / "results", root / "models", langs=LANGS, recipes=("charswap", "wordorder"),
                           seeds=(1, 2), n=60)
    return root


@pytest.fixture
def work(bench, tmp_path):
    """A private copy of the simulated benchmark that a test may damage."""
    shutil.copytree(bench / "results", tmp_path / "results")
    shutil.copytree(bench / "models", tmp_path / "models")
    return tmp_path


def test_build_writes_all_outputs_with_metrics_that_match_the_summaries(bench, tmp_path):
    board = build_leaderboard(bench / "results", bench / "models", tmp_path / "out", **FAST)
    assert sorted(board.files) == ["README.md", "index.html", "leaderboard.json"]
    data = json.loads((tmp_path / "out" / "leaderboard.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 2
    assert len(data["cells"]) == 4 * len(LANGS) * 2  # 2 regimes x 2 seeds, 3 languages, 2 recipes
    assert data["warnings"] == [] and data["not_comparable"] == []
    for cell in data["cells"]:
        summary = json.loads((Path(cell["path"]) / "summary.json").read_text(encoding="utf-8"))
        metrics = cell["metrics"]
        for name in ("clean_accuracy", "accuracy_under_attack", "attack_success_rate", "mean_perturbed_share",
                     "mean_queries"):
            assert metrics[name]["value"] == pytest.approx(summary[name]), name
            assert metrics[name]["low"] <= metrics[name]["value"] <= metrics[name]["high"], name
        assert metrics["accuracy_under_attack"]["n"] == summary["n_examples"] == 59  # one "too long" skip
        assert metrics["attack_success_rate"]["n"] == summary["counts"]["succeeded"] + summary["counts"]["failed"]
        assert cell["low_resource"] == (cell["lang"] == "ja")
        assert len(cell["examples"]) == 3
        assert all(ex["perturbed"] and ex["original"] != ex["perturbed"] for ex in cell["examples"])


def test_comparisons_pair_regimes_on_the_same_ids_with_holm_adjustment(bench):
    board = compute_leaderboard(bench / "results", bench / "models", **FAST)
    rows = board.comparisons
    assert {(r["lang"], r["recipe"]) for r in rows} == {(lang, r) for lang in LANGS for r in ("charswap", "wordorder")}
    ps = sorted(r["p_value"] for r in rows)
    for row in rows:
        assert row["standard"]["seeds"] == [1, 2] and row["stilts"]["seeds"] == [1, 2]
        assert row["n_paired"] == 59
        assert row["n_seed_pairs"] == 2 and row["n_matched"] == 2 * 59  # seed 1 with 1, 2 with 2
        assert [(p["standard_seed"], p["stilts_seed"]) for p in row["seed_pairs"]] == [(1, 1), (2, 2)]
        assert row["stilts_only"] + row["standard_only"] <= row["n_matched"]
        assert row["stilts_only"] == sum(p["mcnemar"]["first_only"] for p in row["seed_pairs"])
        assert row["difference"] == pytest.approx(row["stilts"]["mean"] - row["standard"]["mean"])
        for name in ("clean_accuracy", "accuracy_under_attack", "attack_success_rate"):
            delta = row["deltas"][name]
            assert delta["low"] <= delta["value"] <= delta["high"] and delta["n"] == 59, name
        assert row["standard"]["std"] is not None  # two seeds -> a seed-level spread
        assert row["p_holm"] >= row["p_value"]
        assert row["p_holm"] <= min(1.0, len(rows) * row["p_value"]) + 1e-12
        assert row["low_resource"] == (row["lang"] == "ja")
        assert row["test"].startswith("CMH over matched pairs") or row["test"] == "no discordant pairs"
    smallest = min(rows, key=lambda r: r["p_value"])
    assert smallest["p_holm"] == pytest.approx(min(1.0, len(rows) * ps[0]))
    # Arms feed the chart: one per (lang, recipe, regime) here.
    assert len(board.arms) == len(LANGS) * 2 * 2


def test_comparison_with_a_single_seed_uses_the_runs_own_outcomes(work):
    for path in work.joinpath("models").glob("*-s2.yaml"):
        path.unlink()
    board = compute_leaderboard(work / "results", work / "models", **FAST)
    row = board.comparisons[0]
    assert row["standard"]["std"] is None and row["n_seed_pairs"] == 1
    std = next(c for c in board.cells if c["model"] == "xlmr-standard-s1" and c["lang"] == row["lang"]
               and c["recipe"] == row["recipe"])
    assert row["standard"]["mean"] == pytest.approx(std["metrics"]["accuracy_under_attack"]["value"])
    # The s2 models lost their registry entries: still shown, flagged, and kept out of the comparison.
    assert sum("has no registry entry" in w for w in board.warnings) == 2
    unregistered = [c for c in board.cells if c["model"].endswith("-s2")]
    assert len(unregistered) == 2 * len(LANGS) * 2
    assert {c["regime"] for c in unregistered} == {"unregistered"} and unregistered[0]["seed"] is None
    pooled = [arm for arm in board.arms if arm["regime"] != "unregistered"]
    assert all(arm["models"] in (["xlmr-standard-s1"], ["xlmr-stilts-s1"]) for arm in pooled)


def test_crashed_run_with_a_truncated_last_line_is_read_without_it(work):
    folder = work / "results" / "xlmr-standard-s1" / "en" / "charswap"
    lines = (folder / "examples.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "examples.jsonl").write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:40], encoding="utf-8")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    summary["complete"] = False
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    board = build_leaderboard(work / "results", work / "models", work / "out", **FAST)
    assert any("truncated" in w and str(folder) in w for w in board.warnings)
    assert any("incomplete run" in w for w in board.warnings)
    cell = next(c for c in board.cells if c["path"] == str(folder))
    assert cell["complete"] is False
    assert cell["n_examples"] == 58
    readme = (work / "out" / "README.md").read_text(encoding="utf-8")
    assert "truncated" in readme and "(incomplete)" in readme


def test_summary_without_examples_and_examples_without_summary_are_skipped(work):
    gone = work / "results" / "xlmr-stilts-s1" / "de" / "wordorder"
    (gone / "examples.jsonl").unlink()
    orphan = work / "results" / "xlmr-stilts-s2" / "de" / "wordorder"
    (orphan / "summary.json").unlink()
    board = compute_leaderboard(work / "results", work / "models", **FAST)
    assert any(str(gone) in w and "without examples.jsonl" in w for w in board.warnings)
    assert any(str(orphan) in w and "without summary.json" in w for w in board.warnings)
    assert not any(c["model"] in ("xlmr-stilts-s1", "xlmr-stilts-s2") and c["lang"] == "de"
                   and c["recipe"] == "wordorder" for c in board.cells)
    assert len(board.cells) == 4 * len(LANGS) * 2 - 2
    # The STILTs arm of de/wordorder has no run left, so that comparison is gone, the rest remain.
    assert ("de", "wordorder") not in {(r["lang"], r["recipe"]) for r in board.comparisons}
    assert len(board.comparisons) == len(LANGS) * 2 - 1


def test_duplicate_runs_and_other_examples_are_listed_as_not_comparable(work):
    # A rerun of one cell in an alternative folder with the same examples, and one on other examples.
    sim.simulate_run(work / "results", "xlmr-standard-s1", "en", "charswap", subfolder="rerun", n=60, stop_after=40)
    sim.simulate_run(work / "results", "xlmr-stilts-s1", "en", "charswap", subfolder="other-sample", n=60,
                     fingerprint_override="f" * 64)
    sim.simulate_run(work / "results", "xlmr-stilts-s2", "ja", "charswap", subfolder="v2", n=60, recipe_version=2)
    board = compute_leaderboard(work / "results", work / "models", **FAST)
    reasons = {x.run.path.relative_to(work / "results").parts[0]: x.reason for x in board.not_comparable}
    assert set(reasons) == {"rerun", "other-sample", "v2"}
    assert "duplicate run of xlmr-standard-s1/en/charswap" in reasons["rerun"]
    assert "examples_fingerprint ffffffffffff differs" in reasons["other-sample"]
    assert "version 2 differs from version 1" in reasons["v2"]
    kept = [c for c in board.cells if (c["model"], c["lang"], c["recipe"]) == ("xlmr-standard-s1", "en", "charswap")]
    assert len(kept) == 1 and "rerun" not in kept[0]["path"]
    assert len(board.cells) == 4 * len(LANGS) * 2


def test_group_reference_follows_the_majority_of_models(work):
    # If most models moved to recipe version 2, version 1 runs become the odd ones out.
    for model in ("xlmr-standard-s1", "xlmr-standard-s2", "xlmr-stilts-s1"):
        shutil.rmtree(work / "results" / model / "en" / "charswap")
        sim.simulate_run(work / "results", model, "en", "charswap", n=60, recipe_version=2)
    board = compute_leaderboard(work / "results", work / "models", **FAST)
    odd = [x for x in board.not_comparable if x.run.lang == "en" and x.run.recipe == "charswap"]
    assert [x.run.model for x in odd] == ["xlmr-stilts-s2"]
    assert "version 1 differs from version 2 used by 3 models" in odd[0].reason


def test_unreadable_summary_and_wrong_schema_version_are_warnings(work):
    (work / "results" / "xlmr-standard-s1" / "en" / "charswap" / "summary.json").write_text("{not json")
    path = work / "results" / "xlmr-standard-s2" / "en" / "charswap" / "summary.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    summary["schema_version"] = 99
    path.write_text(json.dumps(summary), encoding="utf-8")
    board = compute_leaderboard(work / "results", work / "models", **FAST)
    assert any("unreadable summary" in w for w in board.warnings)
    assert any("schema_version 99" in w for w in board.warnings)
    assert len(board.cells) == 4 * len(LANGS) * 2 - 2


def test_results_without_any_registry_are_shown_as_unregistered(bench, tmp_path):
    board = compute_leaderboard(bench / "results", tmp_path / "no-registry", **FAST)
    assert len(board.cells) == 4 * len(LANGS) * 2
    assert {c["regime"] for c in board.cells} == {"unregistered"}
    assert board.comparisons == []
    # Charted one arm per model, never pooled.
    assert len(board.arms) == len(board.cells) and all(len(a["models"]) == 1 for a in board.arms)
    assert {a["regime"] for a in board.arms} == {"unregistered"}
    assert "no model registry folder" in board.warnings[0]


def test_missing_results_folder_is_a_user_error(tmp_path):
    (tmp_path / "models").mkdir()
    with pytest.raises(RbxError, match="results folder not found"):
        compute_leaderboard(tmp_path / "nope", tmp_path / "models")


def test_empty_results_still_render(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "models").mkdir()
    board = build_leaderboard(tmp_path / "results", tmp_path / "models", tmp_path / "out", **FAST)
    assert board.cells == [] and any("no usable results" in w for w in board.warnings)
    assert "No language and recipe has both" in (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "index.html").stat().st_size > 1000


def test_readme_tables_escape_hostile_names(bench):
    data = compute_leaderboard(bench / "results", bench / "models", **FAST).to_json()
    data["cells"][0]["display_name"] = "evil | <img src=x onerror=alert(1)>"
    text = render_markdown(data)
    assert "## STILTs minus standard fine-tuning" in text
    assert "## Low-resource languages pooled against the rest" in text and "## Models" in text
    assert "ja †" in text
    assert "evil \\| &lt;img src=x onerror=alert(1)&gt;" in text
    assert "<img" not in text


def test_embedded_json_cannot_close_the_script_element():
    payload = {"text": "</script><script>alert(1)</script> & \u2028"}
    embedded = embed_json(payload)
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded) == payload
    page = render_html({"settings": {}, "cells": [], "payload": payload["text"]})
    assert page.count("</script>") == 2  # the data element's and the script's own
    assert "script-src 'sha256-" in page and "unsafe-inline" not in page


def test_cli_build_prints_tables_and_writes_files(bench, tmp_path):
    result = CliRunner().invoke(app, ["build", "--results", str(bench / "results"), "--models",
                                      str(bench / "models"), "--out", str(tmp_path / "lb"), "--resamples", "300"])
    assert result.exit_code == 0, result.output
    assert "STILTs minus standard" in result.output and "Accuracy under attack" in result.output
    assert (tmp_path / "lb" / "index.html").is_file()
    missing = CliRunner().invoke(app, ["build", "--results", str(tmp_path / "none"), "--models",
                                       str(bench / "models"), "--out", str(tmp_path / "lb2")])
    assert missing.exit_code == 2
    assert "error: results folder not found" in missing.output
