"""Plan workers keep loaded victims between cells: one load per model and process, a reload when
the checkpoint folder was rewritten, the same bytes as cells that load their own model, and a pool
that hands a worker the cells of the model it already holds."""

from __future__ import annotations

import json
import os
import shutil
from collections import deque
from pathlib import Path

os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")

from robustbench_xl.executors import task as task_module
from robustbench_xl.executors.local import LocalPool
from robustbench_xl.plans import run_plan


def _plan(path: Path, models: list, languages=("de", "fr")) -> Path:
    lines = ["name: reuse", "models:"] + [f"  - {{path: {m}}}" for m in models]
    lines += [f"languages: [{', '.join(languages)}]", "recipes: [char-noise]", "sample: {n: 2, seed: 3}",
              "query_budget: 20"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _examples(out: Path) -> dict:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("examples.jsonl"))}


def test_cells_of_one_model_load_it_once_and_write_the_same_bytes(tmp_path, bert_checkpoint):
    task_module._VICTIMS.clear()
    before = dict(task_module.VICTIM_LOADS)
    plan = _plan(tmp_path / "reuse.yaml", [bert_checkpoint])
    report = run_plan(plan, out=tmp_path / "shared", progress=False)
    assert report["ok"] and report["counts"]["done"] == 2
    assert task_module.VICTIM_LOADS["loaded"] - before["loaded"] == 1
    assert task_module.VICTIM_LOADS["reused"] - before["reused"] == 1
    # Each cell with a freshly loaded model (the cache emptied before every cell) gives the same bytes.
    fresh_out = tmp_path / "fresh"
    for lang in ("de", "fr"):
        task_module._VICTIMS.clear()
        run_plan(_plan(tmp_path / f"{lang}.yaml", [bert_checkpoint], (lang,)), out=fresh_out, progress=False)
    assert _examples(fresh_out) == _examples(tmp_path / "shared") and len(_examples(fresh_out)) == 2


def test_a_rewritten_checkpoint_folder_is_loaded_again(tmp_path, bert_checkpoint):
    from robustbench_xl.runner import AttackConfig

    folder = tmp_path / "tiny-bert"
    shutil.copytree(bert_checkpoint, folder)
    task_module._VICTIMS.clear()
    config = AttackConfig(model=str(folder), lang="de", recipe="char-noise")
    first = task_module.victim_for(config)
    assert task_module.victim_for(config) is first
    config_file = folder / "config.json"
    data = json.loads(config_file.read_text())
    data["id2label"] = {"0": "paraphrase", "1": "not_paraphrase"}  # retrained with the labels reversed
    data["label2id"] = {"paraphrase": 0, "not_paraphrase": 1}
    config_file.write_text(json.dumps(data))
    again = task_module.victim_for(config)
    assert again is not first and list(again.label_order) != list(first.label_order)


def test_the_pool_gives_a_worker_cells_of_the_model_it_holds():
    pending = deque({"key": k, "config": {"model": m}} for k, m in
                    [("a/de", "a"), ("b/de", "b"), ("a/fr", "a"), ("b/fr", "b")])
    assert LocalPool._next_for(pending, "b")["key"] == "b/de"
    assert LocalPool._next_for(pending, "b")["key"] == "b/fr"
    assert LocalPool._next_for(pending, "b")["key"] == "a/de"  # none left of b: the first pending cell
    assert LocalPool._next_for(pending, None)["key"] == "a/fr" and not pending
