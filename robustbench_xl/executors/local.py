"""Local executors: cells one after another in this process, or in N worker processes.

What it does: :func:`run_inline` runs tasks here, in order. :class:`LocalPool` starts N long-lived
worker processes with the *spawn* context (no forked torch state); each sets its torch thread count to
``max(1, cores // N)`` before loading any model, then takes one cell at a time, preferring a cell
of the model it already holds (workers keep their loaded victims between cells). The pool knows which
worker runs which cell, so a worker that dies (killed, out of memory) fails only that cell; the cell is
retried once in a fresh worker (it resumes from its ``examples.jsonl``). Workers die with the parent
(``PR_SET_PDEATHSIG`` on Linux, a watchdog thread elsewhere), so a killed ``rbx run`` leaves no orphan
appending to a results file. Given ``gpus`` (:func:`.gpus.worker_gpus`), worker *i* runs with
``CUDA_VISIBLE_DEVICES`` set to one of them, round robin, and a worker that replaces a dead one takes
its GPU; without, nothing about the CPU path changes.
Limits: one machine; for many machines use shards or the Ray executor.
Example::

    for result in LocalPool(workers=2).execute(tasks):
        print(result["key"], result["status"])
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from typing import Iterator

from .task import run_cell


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def run_inline(tasks: list[dict], threads: int | None = None) -> Iterator[dict]:
    """Run each task in this process (torch keeps its thread setting unless ``threads`` is given)."""
    for task in tasks:
        yield run_cell(task, threads)


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except OSError:
            pass

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(1)

    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="rbx-parent-watch").start()


def _worker_main(index: int, threads: int, tasks, results, parent_pid: int, gpu: str | None = None) -> None:
    if gpu is not None:  # before anything imports torch: inside this worker, cuda is that one GPU
        os.environ["CUDA_VISIBLE_DEVICES"] = gpu
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from .task import set_threads

    set_threads(threads)
    while True:
        task = tasks.get()
        if task is None:
            return
        result = run_cell(task)
        results.put((index, result if gpu is None else {**result, "gpu": gpu}))


def _death_note(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"worker process killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return f"worker process exited with code {exitcode}"


class LocalPool:
    """N spawn-context worker processes, one cell each at a time."""

    def __init__(self, workers: int, threads: int | None = None, retries: int = 1, gpus: list[str] | None = None):
        self.workers = max(1, int(workers))
        self.threads = threads
        self.retries = retries
        self.gpus = list(gpus or [])

    def execute(self, tasks: list[dict]) -> Iterator[dict]:
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        results = ctx.Queue()
        # Each process gets an equal share of the cores (fewer cells than workers: fewer processes).
        threads = self.threads or max(1, available_cores() // max(1, min(self.workers, len(tasks))))
        pending = deque(tasks)
        attempts: dict[str, int] = {}
        procs: dict[int, tuple] = {}  # index -> (process, task queue)
        busy: dict[int, dict] = {}
        last_model: dict[int, str | None] = {}  # worker -> model of its last cell (it keeps it loaded)
        gpu_of: dict[int, str] = {}  # worker -> its GPU (only when the pool has GPUs)
        next_index = 0

        def start():
            nonlocal next_index
            inbox = ctx.SimpleQueue()
            gpu = self._free_gpu([gpu_of[i] for i in procs if i in gpu_of])
            proc = ctx.Process(target=_worker_main, name=f"rbx-worker-{next_index}", daemon=True,
                               args=(next_index, threads, inbox, results, os.getpid(), gpu))
            proc.start()
            procs[next_index] = (proc, inbox)
            if gpu is not None:
                gpu_of[next_index] = gpu
            next_index += 1

        try:
            for _ in range(min(self.workers, len(pending))):
                start()
            while pending or busy:
                for index, (proc, inbox) in procs.items():
                    if index not in busy and pending and proc.is_alive():
                        busy[index] = self._next_for(pending, last_model.get(index))
                        last_model[index] = busy[index].get("config", {}).get("model")
                        inbox.put(busy[index])
                try:
                    index, result = results.get(timeout=0.5)
                except queue.Empty:
                    yield from self._reap(procs, busy, pending, attempts, start)
                    continue
                busy.pop(index, None)
                yield result
        finally:
            self._stop(procs, busy)

    def _free_gpu(self, taken: list[str]) -> str | None:
        """The GPU that the fewest live workers hold (round robin from the first); None without GPUs."""
        if not self.gpus:
            return None
        return min(self.gpus, key=lambda gpu: (taken.count(gpu), self.gpus.index(gpu)))

    @staticmethod
    def _next_for(pending: deque, model: str | None) -> dict:
        """The first pending cell of the model this worker already holds, else the first pending cell."""
        if model is not None:
            for position, task in enumerate(pending):
                if task.get("config", {}).get("model") == model:
                    del pending[position]
                    return task
        return pending.popleft()

    def _reap(self, procs, busy, pending, attempts, start) -> Iterator[dict]:
        """Handle workers that died mid-cell: retry the cell once, then record it as failed."""
        for index in [i for i, (p, _) in procs.items() if not p.is_alive()]:
            proc, _ = procs.pop(index)
            task = busy.pop(index, None)
            if task is None:
                self._idle_deaths = getattr(self, "_idle_deaths", 0) + 1
                if self._idle_deaths > 2 * self.workers:
                    raise RuntimeError(f"rbx worker processes keep dying before taking a cell "
                                       f"({_death_note(proc.exitcode)}); try --workers 1")
            else:
                attempts[task["key"]] = attempts.get(task["key"], 0) + 1
                note = _death_note(proc.exitcode)
                if attempts[task["key"]] <= self.retries:
                    pending.appendleft(task)
                else:
                    yield {"key": task["key"], "status": "failed", "error": f"{note} (after {attempts[task['key']]} "
                           "attempts)", "retryable": False, "examples": 0, "counts": None, "wall_s": 0.0}
            if pending and len(procs) < self.workers:
                start()

    @staticmethod
    def _stop(procs, busy) -> None:
        for index, (proc, inbox) in procs.items():
            if index in busy:  # interrupted mid-cell: stop now; the cell resumes next time
                proc.terminate()
            elif proc.is_alive():
                try:
                    inbox.put(None)
                except (OSError, ValueError):
                    pass
        deadline = time.monotonic() + 5.0
        for proc, _ in procs.values():
            proc.join(timeout=max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5.0)
            if proc.is_alive():
                proc.kill()
                proc.join()
