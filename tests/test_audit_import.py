"""rbx audit --import: a person's verdicts attach to the very pairs they judged, and the leaderboard
shows label validity and accuracy under valid attack (real committed results of pawsx-full)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from robustbench_xl.errors import RbxError
from robustbench_xl.judgements import edited_text, import_judgements
from robustbench_xl.results import JUDGEMENTS_FILE, read_examples, read_judgements

ROOT = Path(__file__).resolve().parents[1]
FULL = ROOT / "leaderboard" / "pawsx-full"
CELL = "e5s-full-standard-s0/ko/char-noise"


@pytest.fixture()
def results(tmp_path) -> Path:
    root = tmp_path / "results"
    shutil.copytree(FULL / "results" / CELL, root / CELL)
    (root / CELL / JUDGEMENTS_FILE).unlink(missing_ok=True)  # start from results nobody judged
    return root


def sheet(tmp_path: Path, rows: list[dict], name: str = "judgements.csv") -> Path:
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["number", "cell", "model", "lang", "recipe", "id", "gold_label",
                                                    "original", "perturbed", "label_holds", "note"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def successes(results: Path) -> list[dict]:
    records, _ = read_examples(results / CELL / "examples.jsonl")
    return [r for r in records if r["status"] == "succeeded"]


def row(record: dict, verdict: str, **changes) -> dict:
    return {"number": 1, "cell": CELL, "model": "e5s-full-standard-s0", "lang": "ko", "recipe": "char-noise v3",
            "id": record["id"], "gold_label": record["label"], "original": "", "perturbed": edited_text(record),
            "label_holds": verdict, "note": "", **changes}


def test_import_attaches_matching_rows_and_refuses_the_rest_with_reasons(results, tmp_path):
    first, second, third = successes(results)[:3]
    path = sheet(tmp_path, [row(first, "yes"), row(second, "No"), row(third, ""),
                            row(third, "yes", perturbed=edited_text(third) + "!"),
                            row(third, "yes", recipe="char-noise v2"), row(third, "maybe")])
    report = import_judgements(results, [path])
    assert (report.attached, report.blank, report.by_verdict) == (2, 1, {"yes": 1, "no": 1})
    assert len(report.refused) == 3
    assert "another perturbed pair" in report.refused[0] and "judged 'char-noise v2'" in report.refused[1]
    assert "'maybe' is not one of" in report.refused[2]
    stored, problem = read_judgements(results / CELL)
    assert problem is None and [(j["id"], j["label_holds"]) for j in stored] == sorted(
        [(first["id"], "yes"), (second["id"], "no")])
    assert stored[0]["source"] == "judgements.csv" and "/" not in stored[0]["source"]
    before = (results / CELL / JUDGEMENTS_FILE).read_bytes()
    import_judgements(results, [path])
    assert (results / CELL / JUDGEMENTS_FILE).read_bytes() == before  # idempotent


def test_nothing_to_attach_and_bad_sheets_are_one_line_errors(results, tmp_path):
    from robustbench_xl.cli import app

    record = successes(results)[0]
    with pytest.raises(RbxError, match="no judgement attached"):
        import_judgements(results, [sheet(tmp_path, [row(record, "")])])
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"cell,id\n\xff\xfe\n")
    with pytest.raises(RbxError, match="not UTF-8"):
        import_judgements(results, [bad])
    outcome = CliRunner().invoke(app, ["audit", str(results), "--import", str(tmp_path / "missing.csv")])
    assert outcome.exit_code == 2 and "judgements file not found" in outcome.output
    assert "Traceback" not in outcome.output and len(outcome.output.strip().splitlines()) == 1


def test_a_cell_killed_before_its_summary_is_matched_by_run_json(results, tmp_path):
    (results / CELL / "summary.json").unlink()  # run.json (written first) still names the recipe version
    first = successes(results)[0]
    report = import_judgements(results, [sheet(tmp_path, [row(first, "yes"), row(first, "yes", recipe="char-noise v1")])])
    assert report.attached == 1 and "judged 'char-noise v1', the cell holds 'char-noise v3'" in report.refused[0]


def test_leaderboard_counts_a_flip_judged_label_breaking_as_robust(results, tmp_path):
    from robustbench_xl.leaderboard import build_leaderboard

    first, second = successes(results)[:2]
    import_judgements(results, [sheet(tmp_path, [row(first, "yes"), row(second, "no")])])
    board = build_leaderboard(results, ROOT / "leaderboard" / "models", tmp_path / "out")
    (cell,) = board.cells
    n = cell["n_examples"]
    under_attack = cell["metrics"]["accuracy_under_attack"]["value"]
    validity = cell["validity"]
    assert (validity["judged"], validity["holds"], validity["successes"]) == (2, 1, len(successes(results)))
    assert validity["judged_successes"] == 2
    assert validity["accuracy_under_valid_attack"]["value"] == pytest.approx(under_attack + 1 / n)
    assert validity["rate"]["value"] == 0.5 and validity["rate"]["low"] < 0.5 < validity["rate"]["high"]
    (pooled,) = board.validity
    assert (pooled["recipe"], pooled["lang"], pooled["holds"], pooled["judged"]) == ("char-noise", "ko", 1, 2)
    markdown = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert "## Label validity (human audit)" in markdown and "| char-noise v3 | 1/2, 50.0 [" in markdown
    assert f"{100 * (under_attack + 1 / n):.1f} (2/{validity['successes']} judged)" in markdown
    assert "Valid-attack acc." in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_a_verdict_on_another_pair_does_not_count(results, tmp_path):
    from robustbench_xl.results import validity

    first = successes(results)[0]
    import_judgements(results, [sheet(tmp_path, [row(first, "no")])])
    records, _ = read_examples(results / CELL / "examples.jsonl")
    judgements, _ = read_judgements(results / CELL)
    assert validity(records, judgements)["judged"] == 1
    rerun = [{**r, "perturbed": {**r["perturbed"], "sentence2": r["perturbed"]["sentence2"] + "."}}
             if r["id"] == first["id"] else r for r in records]
    assert validity(rerun, judgements)["judged"] == 0


def test_the_shipped_audits_are_attached_to_the_committed_results():
    judged = {}
    for path in sorted((FULL / "results").rglob(JUDGEMENTS_FILE)):
        rows, problem = read_judgements(path.parent)
        assert problem is None
        judged[path.parent.relative_to(FULL / "results").as_posix()] = rows
    assert sum(len(rows) for rows in judged.values()) == 68  # audit-v3 but its 20 all v6 rows, + audit-v4
    board = json.loads((FULL / "leaderboard.json").read_text(encoding="utf-8"))
    rows = {(r["recipe"], r["lang"]): (r["holds"], r["judged"]) for r in board["validity"]}
    assert rows[("code-switch", "ko")] == (4, 5) and rows[("all", "de")] == (5, 5)  # all v7: audit-v4
    assert rows[("syntax-swap", "ja")] == (3, 3) and rows[("char-noise", "de")] == (4, 4)  # + 1 unsure


def test_the_first_audit_no_longer_attaches_to_re_versioned_cells(tmp_path):
    """Session 9 re-ran every cell with new recipe versions: the session-3 sheet judged older pairs."""
    root = tmp_path / "results"
    shutil.copytree(FULL / "results", root)
    with pytest.raises(RbxError, match="judged 'char-noise v2', the cell holds 'char-noise v3'"):
        import_judgements(root, [FULL / "audit" / "judgements.csv"])
