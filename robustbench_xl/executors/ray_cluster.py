"""Ray executor: each cell is a Ray task on an existing cluster, or on a local Ray started for the run.

What it does: connects with ``ray.init(address=...)`` (``--ray-address``), or starts a private local Ray
(``num_cpus``, no dashboard) and shuts it down afterwards. Each cell becomes one task asking for
``cpus_per_cell`` CPUs (also its torch thread count) and ``gpus_per_cell`` GPUs. Ray retries a task whose
worker died (``max_retries``) and one that crashed (``retry_exceptions=[CellCrashed]``; a retry resumes
the cell from its ``examples.jsonl``); bad input (:class:`RbxError`) is not retried. Every task writes to
the results folder it is given, so on a multi-node cluster that folder must be shared (NFS, Lustre...).
Limits: Ray is an optional extra (``pip install 'robustbench_xl[ray]'``); workers must be able to import
robustbench_xl and read the checkpoints at the same paths.
Example::

    for result in RayExecutor(address=None, num_cpus=2).execute(tasks):
        print(result["key"], result["status"])
"""

from __future__ import annotations

from typing import Iterator

from ..errors import RbxError
from .task import run_cell


class CellCrashed(Exception):
    """A cell raised something unexpected: worth a retry (it resumes where it stopped)."""


def import_ray():
    try:
        import ray
    except ImportError:
        raise RbxError("the Ray executor needs ray: pip install 'robustbench_xl[ray]'") from None
    return ray


def ray_cell(task: dict, threads: int) -> dict:
    """The Ray task body: a crash raises (Ray retries), anything else returns its result."""
    result = run_cell(task, threads)
    if result["status"] == "failed" and result.get("retryable"):
        raise CellCrashed(result["error"])
    return result


def _failure(task: dict, exc: BaseException) -> dict:
    cause = getattr(exc, "cause", None) or exc
    text = str(cause).strip().splitlines()[0][:300] if str(cause).strip() else ""
    name = type(cause).__name__
    return {"key": task["key"], "status": "failed", "error": f"{name}: {text}" if text else name,
            "retryable": False, "examples": 0, "counts": None, "wall_s": 0.0}


class RayExecutor:
    def __init__(self, address: str | None = None, num_cpus: int | None = None, cpus_per_cell: float = 1.0,
                 gpus_per_cell: float = 0.0, max_retries: int = 2):
        if cpus_per_cell <= 0 or gpus_per_cell < 0 or max_retries < 0:
            raise RbxError("--cpus-per-cell must be > 0, --gpus-per-cell and --max-retries >= 0")
        self.address, self.num_cpus = address, num_cpus
        self.cpus_per_cell, self.gpus_per_cell, self.max_retries = cpus_per_cell, gpus_per_cell, max_retries

    def _connect(self, ray) -> bool:
        """Initialise Ray if needed; True when this call started it (and so must shut it down)."""
        if ray.is_initialized():
            return False
        options = {"include_dashboard": False, "log_to_driver": False, "logging_level": "WARNING",
                   "configure_logging": True}
        try:
            if self.address:
                ray.init(address=self.address, **options)
            else:
                from .local import available_cores

                ray.init(num_cpus=self.num_cpus or available_cores(), **options)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray"
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            raise RbxError(f"cannot start {where}: {first}") from None
        return True

    def execute(self, tasks: list[dict]) -> Iterator[dict]:
        ray = import_ray()
        started_here = self._connect(ray)
        refs: dict = {}
        try:
            remote = ray.remote(ray_cell).options(
                num_cpus=self.cpus_per_cell, num_gpus=self.gpus_per_cell, max_retries=self.max_retries,
                retry_exceptions=[CellCrashed], name="rbx-cell")
            threads = max(1, int(self.cpus_per_cell))
            refs = {remote.remote(task, threads): task for task in tasks}
            while refs:
                done, _ = ray.wait(list(refs), num_returns=1, timeout=0.5)
                for ref in done:
                    task = refs.pop(ref)
                    try:
                        yield ray.get(ref)
                    except ray.exceptions.RayError as exc:
                        yield _failure(task, exc)
        finally:
            if started_here:
                ray.shutdown()
            else:  # interrupted: stop our tasks on the shared cluster (cells resume next time)
                for ref in refs:
                    ray.cancel(ref, force=True)


__all__ = ["RayExecutor", "CellCrashed", "import_ray", "ray_cell"]
