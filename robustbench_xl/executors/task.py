"""One plan cell run inside whatever process an executor chose: the unit every executor ships.

What it does: :func:`run_cell` takes a plain-dict task (cell key, results folder, ``AttackConfig``
keyword arguments, lock file), sets the torch thread count *before* any model loads, takes the cell's
lock (so two processes never append to one ``examples.jsonl``), skips the cell if it is already
complete with the same config hash, and otherwise runs it with ``resume=True``. It never raises for a
cell's own failure: it returns ``{"status": "failed", "error": ..., "retryable": ...}``, where
``retryable`` is False for :class:`RbxError` (bad input: retrying cannot help) and True for crashes.
A process keeps the last two victims it loaded (:func:`victim_for`), so a worker that runs
many cells of one model pays for loading it once.
Limits: the thread count is per process (torch's is global), so one process runs one cell at a time.
Example::

    run_cell({"key": "m/de/char-noise", "root": "results/m/de/char-noise", "lock": "results/_plans/_locks/x.lock",
              "config": {...}}, threads=1)
"""

from __future__ import annotations

import os
import time
import traceback
from collections import OrderedDict
from pathlib import Path

from ..errors import RbxError


def reproducible_numerics() -> None:
    """Make model outputs independent of the thread count (call before torch's first matrix product).

    MKL's GEMM may split work differently with 1 or 2 threads, which changes the last bits of a logit;
    an attack's search then sometimes takes another path. ``MKL_CBWR=AUTO,STRICT`` keeps the fastest
    kernels but makes them bitwise reproducible whatever the thread count. MKL reads it once, at its
    first call, so it must be set early; a user's own setting is kept.
    """
    os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")


def set_threads(threads: int | None) -> None:
    """Give this process ``threads`` compute threads (call before loading models).

    The fast tokenizers have their own (rayon) thread pool, sized by the machine's cores, not by
    torch: each worker's pool woke up for every batch and competed with the other workers' model
    threads (2 workers on 2 cores: two extra threads per worker taking 10% of a core each, and
    20% less CPU for the forward passes). So a process given one thread tokenizes serially, and
    one given more sizes the pool to match (read when the pool is first used).
    """
    reproducible_numerics()
    if not threads:
        return
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS"):
        os.environ[var] = str(threads)
    if int(threads) == 1:
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
    import torch

    torch.set_num_threads(int(threads))


# Victims this process has loaded, most recent last: a worker that runs several cells of one model
# (the usual order of a plan: model x language x recipe) loads it once, not once per cell. Two are
# kept so that two models alternating between the cells of one worker do not reload each other.
_VICTIMS: "OrderedDict[tuple, object]" = OrderedDict()
VICTIMS_KEPT = 2
VICTIM_LOADS = {"loaded": 0, "reused": 0}


def _files_stamp(model: str | None) -> tuple:
    """Names, sizes and mtimes of a local checkpoint's files: a folder rewritten since it was loaded
    (retrained, or damaged) is loaded again, as a fresh process would."""
    folder = Path(model).expanduser() if model else None
    if folder is None or not folder.is_dir():
        return ()
    return tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()))


def victim_for(config) -> object:
    """The victim ``config`` asks for, loaded once per process (the model is only read by attacks)."""
    key = (config.model, config.label_map, config.trust_remote_code, config.model_id, config.device,
           _files_stamp(config.model))
    if key in _VICTIMS:
        _VICTIMS.move_to_end(key)
        VICTIM_LOADS["reused"] += 1
        return _VICTIMS[key]
    from ..runner import load_cell_victim

    victim = load_cell_victim(config)
    VICTIM_LOADS["loaded"] += 1
    _VICTIMS[key] = victim
    while len(_VICTIMS) > VICTIMS_KEPT:
        _VICTIMS.popitem(last=False)
    return victim


def _already_complete(runner) -> bool:
    from ..results import read_examples, read_summary

    summary = read_summary(runner.paths.root)
    if summary is None:
        return False
    if summary.get("complete") is not True or summary.get("config_hash") != runner.config_hash:
        return False
    records, damaged = read_examples(runner.paths.examples)
    return not damaged and [r["id"] for r in records] == runner.sample.ids


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run_cell(task: dict, threads: int | None = None) -> dict:
    """Run (or skip, if complete) one cell in this process; returns a small result dict."""
    started = time.perf_counter()
    result = {"key": task["key"], "status": "failed", "error": None, "retryable": False, "examples": 0,
              "counts": None, "wall_s": 0.0, "pid": os.getpid(), "host": os.uname().nodename}
    try:
        reproducible_numerics()
        set_threads(threads)
        from filelock import FileLock, Timeout

        from ..runner import CellRunner, config_from_dict

        Path(task["lock"]).parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(task["lock"])
        try:
            lock.acquire(timeout=0)
        except Timeout:
            result["error"] = f"another rbx process is running this cell (lock {task['lock']})"
            return result
        try:
            config = config_from_dict(dict(task["config"]))
            runner = CellRunner(config, victim=victim_for(config))
            if runner.paths.root.resolve() != Path(task["root"]).resolve():
                raise RbxError(f"cell {task['key']} would write to {runner.paths.root}, not {task['root']}")
            if _already_complete(runner):
                result.update(status="complete", examples=len(runner.sample))
            else:
                summary = runner.run(resume=True, progress=False)
                if not summary.get("complete"):
                    raise RuntimeError(f"cell ended with {summary['n_examples']} of {len(runner.sample)} examples")
                result.update(status="done", examples=len(runner.sample), counts=summary["counts"])
        finally:
            lock.release()
    except RbxError as exc:
        result["error"] = exc.message
    except Exception as exc:  # a crash in one cell is recorded; the plan goes on
        result.update(error=_one_line(exc), retryable=True, traceback=traceback.format_exc()[-4000:])
    result["wall_s"] = round(time.perf_counter() - started, 3)
    return result
