"""A cell's identity is what determines its bytes, not where it ran: the same plan, run from another
checkout folder under another RBX_HOME, skips the complete cells of a copied results folder and
resumes its partial ones to the same bytes; a changed recipe file or changed weights is still
refused; ``rbx results migrate`` turns results of the old, path-bound identity into the new one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.plans import run_plan
from robustbench_xl.plans.run import prepare_plan
from robustbench_xl.runner import config_hash

CELLS = ("tiny/de/char-noise", "tiny/fr/char-noise")


def _delta(folder: Path, base: Path, seed: int = 0) -> Path:
    """A victim delta over the tiny BERT (a new classifier head): rebuilt under RBX_HOME/victims,
    as the shipped victims are."""
    import torch

    from robustbench_xl.models.victims import write_delta

    g = torch.Generator().manual_seed(seed)
    tensors = {"replace::classifier.weight": torch.randn(2, 32, generator=g),
               "replace::classifier.bias": torch.randn(2, generator=g)}
    write_delta(folder, {"base": str(base), "id2label": {"0": "not_paraphrase", "1": "paraphrase"}}, tensors)
    return folder


def _checkout(root: Path, base: Path) -> Path:
    """A 'checkout': the plan, a victim delta and a recipe file, all named relative to the plan."""
    from robustbench_xl.paths import recipes_dir

    (root / "attacks").mkdir(parents=True)
    (root / "recipes").mkdir()
    shutil.copy(recipes_dir() / "char-noise.yaml", root / "recipes" / "char-noise.yaml")
    _delta(root / "victims" / "tiny", base)
    plan = root / "attacks" / "portable.yaml"
    plan.write_text("name: portable\nmodels:\n  - {path: ../victims/tiny, id: tiny}\nlanguages: [de, fr]\n"
                    "recipes: [../recipes/char-noise.yaml]\nsample: {n: 3, seed: 1}\nquery_budget: 15\n"
                    "out: ../results\n", encoding="utf-8")
    return plan


@pytest.fixture
def machine_a(tmp_path, bert_checkpoint, monkeypatch):
    """Results written by one checkout under one RBX_HOME."""
    monkeypatch.setenv("RBX_HOME", str(tmp_path / "home-a"))
    plan = _checkout(tmp_path / "checkout-a", bert_checkpoint)
    report = run_plan(plan, progress=False)
    assert report["ok"] and report["counts"]["done"] == 2
    return plan, tmp_path / "checkout-a" / "results"


def _machine_b(tmp_path, bert_checkpoint, monkeypatch, results: Path) -> tuple[Path, Path]:
    """Another checkout folder, another RBX_HOME, with a copy of machine A's results folder."""
    monkeypatch.setenv("RBX_HOME", str(tmp_path / "home-b"))
    plan = _checkout(tmp_path / "checkout-b", bert_checkpoint)
    shutil.copytree(results, tmp_path / "checkout-b" / "results")
    return plan, tmp_path / "checkout-b" / "results"


def _bytes(out: Path) -> dict:
    return {c: (out / c / "examples.jsonl").read_bytes() for c in CELLS}


def test_another_checkout_and_rbx_home_skip_complete_cells_and_resume_partial_ones(
        machine_a, tmp_path, bert_checkpoint, monkeypatch):
    _, results_a = machine_a
    plan_b, results_b = _machine_b(tmp_path, bert_checkpoint, monkeypatch, results_a)
    partial = results_b / CELLS[1]
    lines = (partial / "examples.jsonl").read_bytes().splitlines(keepends=True)
    (partial / "examples.jsonl").write_bytes(lines[0] + lines[1][:10])  # killed mid-line
    (partial / "summary.json").unlink()
    *_, states, _ = prepare_plan(plan_b)
    assert [(s.cell.key, s.complete, s.done) for s in states] == [(CELLS[0], True, 3), (CELLS[1], False, 1)]
    report = run_plan(plan_b, progress=False)
    assert report["ok"] and report["counts"] == {"done": 1, "complete": 1, "failed": 0}
    assert _bytes(results_b) == _bytes(results_a)
    a = json.loads((results_a / CELLS[1] / "summary.json").read_text())
    b = json.loads((results_b / CELLS[1] / "summary.json").read_text())
    assert a["config"] == b["config"] and a["config_hash"] == b["config_hash"] == config_hash(b["config"])
    # Where each ran is recorded as provenance, not compared.
    assert a["provenance"]["rbx_home"].endswith("home-a") and b["provenance"]["rbx_home"].endswith("home-b")
    assert a["provenance"]["checkpoint"].startswith("$RBX_HOME/victims/")
    identity = json.dumps(b["config"])
    assert str(tmp_path) not in identity and "home-" not in identity and "checkout-" not in identity
    record = (results_b / "_plans" / "portable" / "plan.json").read_text()
    assert str(tmp_path) not in record


@pytest.mark.parametrize("change", ["recipe", "weights"])
def test_a_changed_recipe_file_or_changed_weights_is_still_refused(
        machine_a, tmp_path, bert_checkpoint, monkeypatch, change):
    _, results_a = machine_a
    plan_b, results_b = _machine_b(tmp_path, bert_checkpoint, monkeypatch, results_a)
    checkout = plan_b.parents[1]
    if change == "recipe":
        recipe = checkout / "recipes" / "char-noise.yaml"
        recipe.write_text(recipe.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        field = "recipe.file_hash"
    else:
        _delta(checkout / "victims" / "tiny", bert_checkpoint, seed=1)
        field = "model.fingerprint"
    with pytest.raises(RbxError, match=field.replace(".", r"\.")):
        prepare_plan(plan_b)
    with pytest.raises(RbxError, match="different"):
        run_plan(plan_b, progress=False)
    assert _bytes(results_b) == _bytes(results_a)  # nothing was touched


def test_the_fingerprint_is_the_content_not_the_folder_or_the_library_version(tmp_path, bert_checkpoint):
    from safetensors.torch import load_file, save_file

    from robustbench_xl.models.loading import folder_fingerprint

    a, b = tmp_path / "a" / "ckpt", tmp_path / "b" / "elsewhere"
    shutil.copytree(bert_checkpoint, a)
    shutil.copytree(bert_checkpoint, b)
    config = json.loads((b / "config.json").read_text())
    config.update(_name_or_path="/some/machine/path", transformers_version="9.9.9")
    (b / "config.json").write_text(json.dumps(config))
    assert folder_fingerprint(a) == folder_fingerprint(b)
    tensors = load_file(str(b / "model.safetensors"))
    name = sorted(tensors)[0]
    tensors[name] = tensors[name] + 1e-3
    save_file(tensors, str(b / "model.safetensors"), metadata={"format": "pt"})
    assert folder_fingerprint(a) != folder_fingerprint(b)


def _make_legacy(cell: Path, rbx_home: Path) -> None:
    """Rewrite a cell's run.json / summary.json the way rbx wrote them before identities were
    portable: the checkpoint folder in the identity, a fingerprint of config.to_dict() + weights."""
    from transformers import AutoConfig

    from robustbench_xl.models.loading import legacy_fingerprint

    run = json.loads((cell / "run.json").read_text())
    summary = json.loads((cell / "summary.json").read_text())
    checkpoint = rbx_home / "victims" / summary["provenance"]["checkpoint"].split("/victims/", 1)[1]
    old = legacy_fingerprint(AutoConfig.from_pretrained(checkpoint).to_dict(), weights=checkpoint)
    config = dict(run["config"])
    config["model"] = {"id": "tiny", "checkpoint": str(checkpoint), "fingerprint": old,
                       "label_order": config["model"]["label_order"]}
    versions = summary["provenance"]["versions"]
    for payload in (run, summary):
        payload.pop("provenance")
        payload.update(config=config, config_hash=config_hash(config))
    summary["model"], summary["versions"] = config["model"], versions
    (cell / "run.json").write_text(json.dumps(run, indent=2))
    (cell / "summary.json").write_text(json.dumps(summary, indent=2))


def test_migrate_gives_old_results_the_portable_identity_and_is_idempotent(
        machine_a, tmp_path, bert_checkpoint, monkeypatch):
    from typer.testing import CliRunner

    from robustbench_xl.cli import app

    plan_a, results_a = machine_a
    migrated = {c: (results_a / c / "summary.json").read_text() for c in CELLS}
    for c in CELLS:
        _make_legacy(results_a / c, tmp_path / "home-a")
    with pytest.raises(RbxError, match="rbx results migrate"):
        prepare_plan(plan_a)
    plan_b, results_b = _machine_b(tmp_path, bert_checkpoint, monkeypatch, results_a)
    delta = plan_b.parents[1] / "victims" / "tiny"
    result = CliRunner().invoke(app, ["results", "migrate", str(results_b), "--model", f"tiny={delta}"])
    assert result.exit_code == 0, result.output
    assert "migrated 2 cells" in result.output and "weights: the recorded fingerprint was reproduced" in result.output
    for c in CELLS:
        new, before = json.loads((results_b / c / "summary.json").read_text()), json.loads(migrated[c])
        assert new["config"] == before["config"] and new["config_hash"] == before["config_hash"]
        assert new["provenance"]["migrated"]["legacy_fingerprint"] and "versions" not in new
        assert json.loads((results_b / c / "run.json").read_text())["config_hash"] == before["config_hash"]
    *_, states, _ = prepare_plan(plan_b)
    assert all(s.complete for s in states)
    snapshot = {p: p.read_bytes() for p in results_b.rglob("*.json")}
    again = CliRunner().invoke(app, ["results", "migrate", str(results_b)])
    assert again.exit_code == 0 and "migrated 0 cells, 2 already portable" in again.output
    assert {p: p.read_bytes() for p in results_b.rglob("*.json")} == snapshot


def test_migrate_refuses_results_made_with_other_weights(machine_a, tmp_path, bert_checkpoint):
    from robustbench_xl.migrate import migrate_results

    plan_a, results_a = machine_a
    for c in CELLS:
        _make_legacy(results_a / c, tmp_path / "home-a")
    _delta(plan_a.parents[1] / "victims" / "tiny", bert_checkpoint, seed=2)  # the delta was retrained since
    before = {p: p.read_bytes() for p in results_a.rglob("*.json")}
    with pytest.raises(RbxError, match="other weights"):
        migrate_results(results_a, models={"tiny": str(plan_a.parents[1] / "victims" / "tiny")})
    assert {p: p.read_bytes() for p in results_a.rglob("*.json")} == before
