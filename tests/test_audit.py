"""`rbx audit` on results produced here: the composite `all` recipe attacked end to end in two
languages, plus a hand-written cell with markup and a truncated last line; sheets, escaping, sampling."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from robustbench_xl.audit import audit, collect, diff_segments, md_escape
from robustbench_xl.cli.audit import app
from robustbench_xl.errors import RbxError
from robustbench_xl.runner import AttackConfig, attack

SCRIPT = "<script>alert('x')</script>"


def _record(example_id: str, original: str, perturbed: str, label: int = 1) -> dict:
    return {"id": example_id, "lang": "en", "status": "succeeded", "skip_reason": None, "label": label,
            "original": {"sentence1": "He moved to Paris in 1983 .", "sentence2": original},
            "perturbed": {"sentence1": "He moved to Paris in 1983 .", "sentence2": perturbed},
            "pred_before": label, "pred_after": 1 - label, "prob_before": [0.4, 0.6], "prob_after": [0.6, 0.4],
            "clean_correct": True, "robust_correct": False, "queries": 7, "budget_exhausted": False,
            "words_total": 7, "words_perturbed": 1, "perturbed_share": 0.142857, "edits": []}


@pytest.fixture(scope="module")
def results(tmp_path_factory, xlmr_checkpoint):
    root = tmp_path_factory.mktemp("results")
    summaries = [attack(AttackConfig(lang=lang, recipe="all", model=str(xlmr_checkpoint), n=3, seed=0,
                                     query_budget=60, out=str(root)), progress=False) for lang in ("ko", "de")]
    hand = root / "hand-model" / "en" / "char-noise"
    hand.mkdir(parents=True)
    lines = [json.dumps(_record("1", "In 1983 he moved to Paris .", f"In 1983 he went to Paris {SCRIPT} .")),
             json.dumps(_record("2", "He lives in Lyon | today .", "He lives in Lyon | *today* .", label=0)),
             json.dumps({**_record("3", "a", "b"), "status": "failed", "perturbed": None})]
    (hand / "examples.jsonl").write_text("\n".join(lines) + '\n{"id": "4", "lang": "en", "sta', encoding="utf-8")
    return root, summaries


def test_all_recipe_attacks_end_to_end(results):
    root, summaries = results
    for summary, lang in zip(summaries, ("ko", "de")):
        assert summary["complete"] and summary["recipe"] == {"name": "all", "version": 7}
        counts = summary["counts"]
        assert counts["succeeded"] + counts["failed"] + counts["skipped"] == 3
        for line in (root / "tiny-xlmr" / lang / "all" / "examples.jsonl").read_text().splitlines():
            record = json.loads(line)
            assert record["queries"] <= 60
            if record["status"] == "succeeded":
                assert record["perturbed"]["sentence1"] == record["original"]["sentence1"]


def test_all_recipe_builds_every_part_for_each_language(xlmr_checkpoint):
    from robustbench_xl.models import load_victim
    from robustbench_xl.recipes import load_recipe

    wrapper = load_victim(str(xlmr_checkpoint)).wrapper(max_length=64, batch_size=8)
    recipe = load_recipe("all")
    for lang in ("en", "ja", "zh"):
        attack_ = recipe.build_attack(lang, wrapper, seed=0, query_budget=10)
        names = [type(t).__name__ for t in attack_.transformation.transformations]
        assert names == ["CharNoise", "WordOrder", "SyntaxSwap", "CodeSwitch", "PivotSynonym"]
        assert "USESimilarity" in [type(c).__name__ for c in attack_.constraints]


def test_audit_writes_escaped_sheets(results, tmp_path):
    root, _ = results
    out = tmp_path / "sheets"
    result = CliRunner().invoke(app, [str(root), "--n", "50", "--seed", "0", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("audit.md", "audit.html", "judgements.csv"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    items, cells = collect(root)
    assert cells == 3 and len(items) >= 2  # the hand cell's truncated last line and failed record are skipped
    page = (out / "audit.html").read_text(encoding="utf-8")
    markdown = (out / "audit.md").read_text(encoding="utf-8")
    assert "<script" not in page and "<script" not in markdown
    unmarked = page.replace("<mark>", "").replace("</mark>", "")
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in unmarked
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in markdown.replace("**", "")
    assert "Lyon \\| \\*today\\*" in markdown  # a pipe cannot break the table, stars cannot format
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert len(rows) == len(items) and all(line.count(" | ") >= 8 for line in rows)
    assert "<mark>went</mark>" in page and "<del>moved</del>" in page
    with open(out / "judgements.csv", encoding="utf-8", newline="") as handle:
        sheet = list(csv.DictReader(handle))
    assert len(sheet) == len(items) and all(row["label_holds"] == "" for row in sheet)
    assert {row["model"] for row in sheet} >= {"hand-model"} and "char-noise" in {row["recipe"] for row in sheet}


def test_sample_is_seeded_and_a_cell_folder_works(results, tmp_path):
    root, _ = results
    first = audit(root, n=1, seed=3, out=tmp_path / "a")
    again = audit(root, n=1, seed=3, out=tmp_path / "b")
    assert first["sampled"] == again["sampled"] == 1
    assert (tmp_path / "a" / "audit.md").read_text() == (tmp_path / "b" / "audit.md").read_text()
    cell = root / "hand-model" / "en" / "char-noise"
    report = audit(cell, n=50)
    assert report["cells"] == 1 and report["found"] == 2 and (cell / "audit" / "audit.html").is_file()


def test_errors_are_one_line(tmp_path):
    result = CliRunner().invoke(app, [str(tmp_path / "missing")])
    assert result.exit_code == 2 and "results folder not found" in result.output
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, [str(tmp_path / "empty")])
    assert result.exit_code == 2 and "no examples.jsonl" in result.output
    with pytest.raises(RbxError, match="at least 1"):
        audit(tmp_path, n=0)


def test_changed_words_are_aligned_per_language():
    before, after = diff_segments("ko", "그녀의 남편은 부자다", "그녀의 husband은 부자다")
    assert [t for t, changed in before if changed] == ["남편은"]
    assert [t for t, changed in after if changed] == ["husband은"]
    before, after = diff_segments("ja", "夫は映画を見た", "夫はmovieを見た")
    assert "".join(t for t, _ in after) == "夫はmovieを見た" and ("movie", True) in after
    assert md_escape("a|b*c_<d>") == "a\\|b\\*c\\_&lt;d&gt;"
