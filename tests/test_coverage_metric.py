"""Coverage: the share of attacked pairs on which the recipe produced a candidate, in every summary,
every leaderboard cell and the renderers; older summaries gain it from `rbx results migrate`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.migrate import migrate_results
from robustbench_xl.results import (EXAMPLES_FILE, SUMMARY_FILE, had_candidate, read_examples,
                                    refresh_summary_metrics, summarize)

ROOT = Path(__file__).resolve().parents[1]
FULL = ROOT / "leaderboard" / "pawsx-full" / "results" / "e5s-full-standard-s0"
SYNTAX_KO = FULL / "ko" / "syntax-swap"  # committed: most attacked ko pairs got no syntax move


def test_coverage_counts_attacked_pairs_whose_model_saw_an_edit():
    records, _ = read_examples(SYNTAX_KO / EXAMPLES_FILE)
    attacked = [r for r in records if r["status"] in ("succeeded", "failed")]
    untouched = [r for r in attacked if r["queries"] == 1]
    assert untouched and all(r["status"] == "failed" for r in untouched)  # one query: the unedited pair
    summary = summarize(records)
    assert summary["coverage"] == round((len(attacked) - len(untouched)) / len(attacked), 6)
    low, high = summary["ci95"]["coverage"]
    assert low < summary["coverage"] < high
    assert not had_candidate({"status": "failed", "queries": 1})
    assert had_candidate({"status": "failed", "queries": 2}) and had_candidate({"status": "succeeded", "queries": 1})
    assert not had_candidate({"status": "skipped", "queries": 0})


def test_committed_syntax_and_word_order_cells_record_coverage_below_char_noise():
    for lang in ("ja", "ko", "zh"):
        syntax = json.loads((FULL / lang / "syntax-swap" / SUMMARY_FILE).read_text(encoding="utf-8"))
        noise = json.loads((FULL / lang / "char-noise" / SUMMARY_FILE).read_text(encoding="utf-8"))
        assert noise["coverage"] == 1.0 and syntax["coverage"] < 0.5, lang


def _old_summary(tmp_path: Path) -> Path:
    """The committed cell with its summary as an rbx before coverage wrote it."""
    cell = tmp_path / "results" / "e5s-full-standard-s0" / "ko" / "syntax-swap"
    shutil.copytree(SYNTAX_KO, cell)
    summary = json.loads((cell / SUMMARY_FILE).read_text(encoding="utf-8"))
    del summary["coverage"], summary["ci95"]["coverage"]
    (cell / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return cell


def test_migrate_adds_coverage_to_an_old_summary_in_place_and_only_once(tmp_path):
    cell = _old_summary(tmp_path)
    report = migrate_results(tmp_path / "results", dry_run=True)
    assert report.metrics_added == ["e5s-full-standard-s0/ko/syntax-swap"]
    assert "coverage" not in json.loads((cell / SUMMARY_FILE).read_text(encoding="utf-8"))  # dry run wrote nothing
    report = migrate_results(tmp_path / "results")
    assert report.metrics_added == ["e5s-full-standard-s0/ko/syntax-swap"] and report.warnings == []
    assert (cell / SUMMARY_FILE).read_bytes() == (SYNTAX_KO / SUMMARY_FILE).read_bytes()  # same bytes as committed
    assert migrate_results(tmp_path / "results").metrics_added == []


def test_a_summary_that_disagrees_with_its_examples_is_not_refreshed(tmp_path):
    cell = _old_summary(tmp_path)
    summary = json.loads((cell / SUMMARY_FILE).read_text(encoding="utf-8"))
    summary["accuracy_under_attack"] = 0.99
    (cell / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    before = (cell / SUMMARY_FILE).read_bytes()
    with pytest.raises(RbxError, match="accuracy_under_attack differ"):
        refresh_summary_metrics(cell)
    report = migrate_results(tmp_path / "results")
    assert report.metrics_added == [] and "accuracy_under_attack" in report.warnings[0]
    assert (cell / SUMMARY_FILE).read_bytes() == before


def test_the_leaderboard_shows_coverage_in_json_markdown_html_and_terminal(tmp_path):
    from rich.console import Console

    from robustbench_xl.leaderboard import build_leaderboard
    from robustbench_xl.leaderboard.render_terminal import print_leaderboard

    shutil.copytree(FULL / "ko", tmp_path / "results" / "e5s-full-standard-s0" / "ko")
    board = build_leaderboard(tmp_path / "results", ROOT / "leaderboard" / "models", tmp_path / "out")
    syntax = next(c for c in board.cells if c["recipe"] == "syntax-swap")
    stored = json.loads((SYNTAX_KO / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert round(syntax["metrics"]["coverage"]["value"], 6) == stored["coverage"]
    assert syntax["metrics"]["coverage"]["n"] == stored["counts"]["succeeded"] + stored["counts"]["failed"]
    markdown = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "| Queries | Coverage |" in markdown and "20.6 [" in markdown
    assert 'data-sort="coverage"' in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    console = Console(record=True, width=200)
    print_leaderboard(board.to_json(), console=console)
    assert "coverage (attacked pairs with at least one candidate): ko 21%" in console.export_text()
