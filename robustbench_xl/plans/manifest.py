"""A results folder's record of the plans that wrote it, and the checks made before any cell runs.

What it does: ``<out>/_plans/<plan>/plan.json`` records a plan's identity (``settings_hash`` over
everything that shapes outputs: sample, seeds, budget, lengths, perturb; ``plan_hash`` adds the grid).
:func:`check_identity` refuses a results folder whose record for this plan name has other settings
(growing the grid, e.g. adding a recipe, is allowed). :func:`inspect_cells` then reads every cell
folder that already has examples and compares its ``run.json`` config, field by field, with what this
plan would write (another plan or ``rbx attack`` may have written it); any difference stops the run
before work starts, naming the folder and the field. It also finds cells that are already complete
(same config hash as the runner computes), which are skipped.
Limits: the comparison loads each model that already has results (for its fingerprint), once.
Example::

    check_identity(plan, out); states = inspect_cells(plan, cells); write_identity(plan, out, all_cells)
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from .. import __version__
from ..errors import RbxError
from .cells import Cell, needs_pinned_ids
from .schema import Plan

PLANS_DIR = "_plans"
IDENTITY_FILE = "plan.json"
FORMAT = "rbx-plan/1"


def plan_folder(out: str | Path, name: str) -> Path:
    return Path(out) / PLANS_DIR / name


def lock_path(out: str | Path, cell: Cell) -> Path:
    """Per-cell lock: two processes never append to the same examples.jsonl."""
    return Path(out) / PLANS_DIR / "_locks" / (cell.key.replace("/", "__") + ".lock")


def relative_to_out(path: str | Path, out: str | Path) -> str:
    """``path`` relative to the results root (POSIX separators), as the files under ``_plans`` record
    it: a results folder moved or cloned elsewhere keeps valid records, and no machine path is written."""
    import os

    return Path(os.path.relpath(Path(path).resolve(), Path(out).resolve())).as_posix()


def _flatten(value, prefix: str = "") -> dict:
    if isinstance(value, dict):
        flat = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def differences(recorded: dict, expected: dict) -> list[str]:
    """'field: recorded X, plan wants Y' for each leaf that differs."""
    a, b = _flatten(recorded), _flatten(expected)
    return [f"{key}: results have {_short(a.get(key))}, this plan needs {_short(b.get(key))}"
            for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]


def check_identity(plan: Plan, out: str | Path) -> dict | None:
    """Refuse ``out`` if this plan name recorded other settings there; returns the old record."""
    path = plan_folder(out, plan.name) / IDENTITY_FILE
    if not path.is_file():
        return None
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise RbxError(f"{path}: unreadable plan record; delete it to start this plan afresh") from None
    if previous.get("settings_hash") != plan.settings_hash:
        diffs = differences(previous.get("settings", {}), plan.settings())
        raise RbxError(f"{plan.path}: {out} was written by plan {previous.get('name')!r} "
                       f"({previous.get('plan_file')}) with different settings: {'; '.join(diffs[:3]) or '?'}; "
                       f"use another --out (or delete {path} if those results may be replaced)")
    return previous


def write_identity(plan: Plan, out: str | Path, cells: list[Cell], previous: dict | None) -> Path:
    from ..results import write_json_atomic

    folder = plan_folder(out, plan.name)
    folder.mkdir(parents=True, exist_ok=True)
    now = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    record = {"format": FORMAT, "name": plan.name, "plan_file": relative_to_out(plan.path, out),
              "description": plan.description, "settings_hash": plan.settings_hash, "plan_hash": plan.plan_hash,
              "settings": plan.settings(), "grid": plan.grid(), "n_cells": len(cells),
              "cells": [c.key for c in cells], "rbx_version": __version__,
              "created": (previous or {}).get("created", now), "updated": now}
    write_json_atomic(folder / IDENTITY_FILE, record)
    return folder / IDENTITY_FILE


@dataclass
class CellState:
    cell: Cell
    config: dict  # AttackConfig keyword arguments
    total: int  # examples in the cell's sample
    done: int  # example lines already written
    complete: bool


class _Expectations:
    """What the runner would record for a cell, computed without attacking (models loaded once each)."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.samples: dict[tuple, object] = {}
        self.models: dict[str, SimpleNamespace] = {}

    def sample(self, config: dict, field: str):
        from ..data import load_examples

        key = (config["dataset"], config["lang"], config["split"], config["n"], config["seed"],
               tuple(config["ids"]) if config["ids"] is not None else None, config["columns"])
        if key not in self.samples:
            try:
                self.samples[key] = load_examples(config["dataset"], config["lang"], config["split"],
                                                  n=config["n"], seed=config["seed"], ids=config["ids"],
                                                  columns=config["columns"])
            except RbxError as exc:
                raise RbxError(f"{self.plan.path}: {field} ({config['lang']}): {exc}") from None
        return self.samples[key]

    def victim(self, cell: Cell, config: dict) -> SimpleNamespace:
        if cell.model.id not in self.models:
            from ..models import load_victim

            v = load_victim(config["model"], label_map=config["label_map"],
                            trust_remote_code=config["trust_remote_code"], model_id=config["model_id"])
            self.models[cell.model.id] = SimpleNamespace(id=v.id, checkpoint=v.checkpoint,
                                                         fingerprint=v.fingerprint, label_order=v.label_order)
            del v  # only its identity is needed here
        return self.models[cell.model.id]

    def cell_config(self, cell: Cell, config: dict) -> dict:
        from ..recipes import load_cell_recipe
        from ..runner import cell_config, config_from_dict

        recipe = load_cell_recipe(config["recipe"], config.get("target_lang"))
        return cell_config(config_from_dict(config), self.victim(cell, config), recipe,
                           self.sample(config, "sample"), config["lang"], config["perturb"] or recipe.perturb)


def _count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as handle:
            return handle.read().count(b"\n")
    except OSError:
        return 0


def inspect_cells(plan: Plan, cells: list[Cell]) -> list[CellState]:
    """Configs, sizes and progress of ``cells``; RbxError if a folder holds other results."""
    from ..results import EXAMPLES_FILE, RUN_FILE, read_examples, read_json, read_summary
    from ..runner import config_hash, is_legacy_config

    expect = _Expectations(plan)
    states, conflicts, legacy = [], [], False
    for cell in cells:
        pinned = None
        if needs_pinned_ids(plan, cell.seed):
            base = cell.config(plan)
            base.update(seed=plan.sample.seed)
            pinned = expect.sample(base, "sample").ids
        config = cell.config(plan, pinned)
        total = len(expect.sample(config, "sample.ids" if config["ids"] is not None else "sample"))
        examples = cell.root / EXAMPLES_FILE
        state = CellState(cell, config, total, 0, False)
        states.append(state)
        if not examples.is_file() or examples.stat().st_size == 0:
            continue
        run_file = cell.root / RUN_FILE
        try:
            recorded = read_json(run_file)["config"]
        except (OSError, ValueError, KeyError, TypeError):
            conflicts.append(f"{cell.root}: {EXAMPLES_FILE} without a readable {RUN_FILE} (not written by rbx?)")
            continue
        expected = expect.cell_config(cell, config)
        legacy = legacy or is_legacy_config(recorded)
        diffs = differences(recorded, expected)
        if diffs:
            conflicts.append(f"{run_file}: {diffs[0]}" + (f" (+{len(diffs) - 1} more fields)" if len(diffs) > 1 else ""))
            continue
        records, _ = read_examples(examples)
        state.done = len(records)
        summary = read_summary(cell.root) or {}
        state.complete = (summary.get("complete") is True and summary.get("config_hash") == config_hash(expected)
                          and [r["id"] for r in records] == expect.sample(config, "sample").ids)
    if conflicts:
        more = f" (and {len(conflicts) - 1} more cells)" if len(conflicts) > 1 else ""
        hint = (f"; they were written before run identities were portable: rbx results migrate "
                f"{cells[0].out if cells else '<results folder>'} rewrites them" if legacy else "; use another --out")
        raise RbxError(f"{plan.path}: the results folder holds results of another plan or run with different "
                       f"settings: {conflicts[0]}{more}{hint}")
    return states
