"""``run_plan``: validate a plan, check the results folder, run the missing cells, write a report.

What it does: loads and validates the plan (exit 2 on any problem, before work starts), expands it
and keeps ``shard`` I/N, refuses a results folder holding other settings, skips complete cells and
hands the rest to an executor (this process, N local worker processes, or Ray). A failing cell is
recorded in ``<out>/_plans/<plan>/failures.jsonl`` and the others go on. Every run ends with
``<out>/_plans/<plan>/report.json`` (``report-shard-I-of-N.json`` for a shard): one entry per cell
(``done`` = run now, ``complete`` = already there, ``failed`` with its error). A rich display on
stderr shows cells done, examples done (counted from the cells' ``examples.jsonl``) and the ETA.
``device`` / ``precision`` override the plan's fields (``rbx run --device --precision``); a device
that is not here, or fp16 on a CPU, stops the run before work starts (local executors: Ray workers
resolve ``auto`` on their own machines). Limits: a cell is the unit of parallelism (one cell never
spans processes).
Example::

    report = run_plan("attacks/smoke.yaml", out="results", workers=2)
    report["ok"], report["counts"]      # True, {"done": 2, "complete": 0, "failed": 0}
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from ..attack_defaults import ATTACK_DEFAULTS as DEFAULTS
from ..errors import RbxError
from .cells import expand_plan, parse_shard, select_shard
from .manifest import (CellState, check_identity, inspect_cells, lock_path, plan_folder, relative_to_out,
                       write_identity)
from .schema import Plan, load_plan

EXECUTORS = ("local", "ray")


class _Display:
    """Overall progress: cells and examples (polled from each open cell's examples.jsonl), with ETA."""

    def __init__(self, states: list[CellState], title: str, enabled: bool):
        self.states = {s.cell.key: s for s in states}
        self.open = {k for k, s in self.states.items() if not s.complete}
        self.lines = {k: s.done for k, s in self.states.items()}
        self.title, self.enabled = title, enabled
        self.progress = None
        self._stop = threading.Event()
        self.finished = {"done": 0, "complete": len(self.states) - len(self.open), "failed": 0}

    def __enter__(self):
        if not self.enabled:
            return self
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        self.progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[note]}"), TimeElapsedColumn(), TimeRemainingColumn(),
                                 console=Console(stderr=True))
        self.progress.start()
        self.cells_task = self.progress.add_task(f"{self.title} cells", total=len(self.states),
                                                 completed=self.finished["complete"], note=self._note())
        self.examples_task = self.progress.add_task("examples", total=sum(s.total for s in self.states.values()),
                                                    completed=sum(self.lines.values()), note="")
        self._thread = threading.Thread(target=self._poll, daemon=True, name="rbx-plan-progress")
        self._thread.start()
        return self

    def _note(self) -> str:
        f = self.finished
        failed = f" · [red]{f['failed']} failed[/]" if f["failed"] else ""
        return f"{f['done']} run · {f['complete']} already complete{failed}"

    def _poll(self) -> None:
        while not self._stop.wait(0.5):
            self._refresh()

    def _refresh(self) -> None:
        from ..results import EXAMPLES_FILE

        for key in list(self.open):
            state = self.states[key]
            try:
                with open(state.cell.root / EXAMPLES_FILE, "rb") as handle:
                    self.lines[key] = min(state.total, handle.read().count(b"\n"))
            except OSError:
                pass
        self.progress.update(self.examples_task, completed=sum(self.lines.values()))

    def cell_finished(self, result: dict) -> None:
        key = result["key"]
        self.open.discard(key)
        self.finished[result["status"]] += 1
        if result["status"] != "failed":
            self.lines[key] = self.states[key].total
        if self.progress is None:
            return
        self.progress.update(self.cells_task, advance=1, note=self._note())
        self.progress.update(self.examples_task, completed=sum(self.lines.values()))
        if result["status"] == "failed":
            self.progress.console.print(f"[red]failed[/] {key}: {result['error']}", markup=True, highlight=False)

    def __exit__(self, *exc):
        self._stop.set()
        if self.progress is not None:
            self._thread.join(timeout=2)
            self._refresh()
            self.progress.stop()
        return False


def _executor(executor: str, workers: int | None, ray_address, cpus_per_cell, gpus_per_cell, max_retries,
              device: str | None = None):
    from ..executors import LocalPool, run_inline
    from ..executors.gpus import worker_gpus

    if executor == "ray":
        from ..executors.ray_cluster import RayExecutor

        num_cpus = int(workers * cpus_per_cell) if workers else None
        return RayExecutor(ray_address, num_cpus, cpus_per_cell, gpus_per_cell, max_retries).execute
    gpus = worker_gpus(device)
    if (workers or 1) == 1 and len(gpus) <= 1:
        return run_inline
    return LocalPool(workers or len(gpus), gpus=gpus).execute


def ray_resources(plan: Plan, cpus_per_cell: float | None, gpus_per_cell: float | None) -> tuple[float, float]:
    """(CPUs, GPUs) each Ray task asks for: the command line's where given, else the plan's fields."""
    return (plan.cpus_per_cell if cpus_per_cell is None else float(cpus_per_cell),
            plan.gpus_per_cell if gpus_per_cell is None else float(gpus_per_cell))


def _append_failure(path: Path, entry: dict) -> None:
    # One short line per write in append mode: concurrent shards do not interleave lines.
    line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)


def with_runtime(plan: Plan, device: str | None = None, precision: str | None = None) -> Plan:
    """``plan`` with its device / precision replaced by the command line's (validated like the file's)."""
    import dataclasses

    from ..models.victim import run_option_problems

    device = plan.device if device is None else str(device).strip().lower()
    precision = plan.precision if precision is None else str(precision).strip().lower()
    problems = run_option_problems(device, precision)
    if problems:
        raise RbxError(f"--{problems[0]}")
    return dataclasses.replace(plan, device=device, precision=precision)


def prepare_plan(plan: Plan | str | Path, out: str | Path | None = None, shard=None, device: str | None = None,
                 precision: str | None = None):
    """Everything checked before work starts: (plan, out, all cells, this shard's cell states, record)."""
    plan = with_runtime(plan if isinstance(plan, Plan) else load_plan(plan), device, precision)
    out = Path(out or plan.out or DEFAULTS.out).expanduser()
    cells = expand_plan(plan, out)
    mine = select_shard(cells, shard)
    previous = check_identity(plan, out)
    states = inspect_cells(plan, mine)
    return plan, out, cells, states, previous


def run_plan(plan: Plan | str | Path, out: str | Path | None = None, workers: int | None = None,
             shard: str | tuple[int, int] | None = None, executor: str = "local", ray_address: str | None = None,
             cpus_per_cell: float | None = None, gpus_per_cell: float | None = None, max_retries: int = 2,
             progress: bool = True, device: str | None = None, precision: str | None = None) -> dict:
    """Run every cell of a plan (or of one shard) that is not complete yet; returns the report.
    ``device`` / ``precision``: instead of the plan's (None: the plan's, default auto / fp32);
    ``cpus_per_cell`` / ``gpus_per_cell`` (Ray): instead of the plan's (None: the plan's, default 1 / 0)."""
    from ..executors.task import reproducible_numerics

    reproducible_numerics()  # before this process's first matrix product (cells may run here)
    if executor not in EXECUTORS:
        raise RbxError(f"--executor must be one of {', '.join(EXECUTORS)}, got {executor!r}")
    if workers is not None and workers < 1:
        raise RbxError("--workers must be at least 1")
    if executor == "ray":
        from ..executors.ray_cluster import import_ray

        import_ray()  # fail in one line before any work when the extra is missing
    shard_t = parse_shard(shard) if isinstance(shard, str) else shard
    plan = with_runtime(plan if isinstance(plan, Plan) else load_plan(plan), device, precision)
    # Cells run on this machine: check its device now, before any work. The default (auto or cpu, fp32)
    # cannot fail, and is not checked: that would import torch here, in a process that may only
    # hand cells to workers.
    if executor == "local" and not (plan.device in ("auto", "cpu") and plan.precision == "fp32"):
        from ..models.victim import resolve_device_precision

        resolve_device_precision(plan.device, plan.precision)
    plan, out, cells, states, previous = prepare_plan(plan, out, shard_t)
    folder = plan_folder(out, plan.name)
    write_identity(plan, out, cells, previous)
    suffix = f"-shard-{shard_t[0]}-of-{shard_t[1]}" if shard_t else ""
    report_path, failures_path = folder / f"report{suffix}.json", folder / "failures.jsonl"
    if executor == "local":  # on a GPU machine: one worker per visible GPU unless --workers says otherwise
        from ..executors.gpus import default_workers

        workers = default_workers(plan.device, workers)
    cpus_per_cell, gpus_per_cell = ray_resources(plan, cpus_per_cell, gpus_per_cell)
    execute = _executor(executor, workers, ray_address, cpus_per_cell, gpus_per_cell, max_retries,
                        plan.device)
    tasks = [{"key": s.cell.key, "root": str(s.cell.root), "lock": str(lock_path(out, s.cell)), "config": s.config}
             for s in states if not s.complete]
    results = {s.cell.key: {"key": s.cell.key, "status": "complete", "error": None, "examples": s.total,
                            "wall_s": 0.0} for s in states if s.complete}
    started = time.perf_counter()
    with _Display(states, plan.name, progress) as display:
        for result in execute(tasks):
            results[result["key"]] = result
            display.cell_finished(result)
            if result["status"] == "failed":
                cell = next(s.cell for s in states if s.cell.key == result["key"])
                _append_failure(failures_path, {
                    "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "plan": plan.name, **cell.as_dict(),
                    "error": result["error"], "executor": executor, "shard": list(shard_t) if shard_t else None,
                    "host": result.get("host"), "pid": result.get("pid"), "traceback": result.get("traceback")})
    wall = round(time.perf_counter() - started, 3)
    entries = []
    for s in states:
        r = results.get(s.cell.key, {"status": "failed", "error": "no result came back", "examples": 0, "wall_s": 0.0})
        entries.append({**s.cell.as_dict(), "status": r["status"], "error": r.get("error"), "examples": s.total,
                        "wall_s": r.get("wall_s", 0.0), "counts": r.get("counts"),
                        **({"gpu": r["gpu"]} if r.get("gpu") is not None else {})})  # a pinned GPU worker's
    counts = {k: sum(e["status"] == k for e in entries) for k in ("done", "complete", "failed")}
    report = {"plan": plan.name, "plan_file": str(Path(plan.path).resolve()), "plan_hash": plan.plan_hash,
              "settings_hash": plan.settings_hash, "out": str(out), "executor": executor,
              "device": plan.device, "precision": plan.precision,
              "workers": workers, "shard": list(shard_t) if shard_t else None, "n_cells": len(entries),
              "counts": counts, "ok": counts["failed"] == 0, "wall_s": wall, "cells": entries,
              "failures_file": str(failures_path) if counts["failed"] else None}
    from ..results import write_json_atomic

    # On disk, paths are relative to the results root (the folder stays valid when moved or cloned).
    on_disk = {**report, "plan_file": relative_to_out(plan.path, out), "out": ".",
               "cells": [{**e, "root": relative_to_out(e["root"], out)} for e in entries],
               "failures_file": relative_to_out(failures_path, out) if counts["failed"] else None}
    write_json_atomic(report_path, on_disk)
    report["report_file"] = str(report_path)
    return report
