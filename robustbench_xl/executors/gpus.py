"""Which GPUs the local executor's workers get: one worker per visible GPU, each pinned to its own.

What it does: :func:`worker_gpus` turns a plan's ``device`` into the list of GPU ids that the local
pool hands out, one per worker (worker *i* runs with ``CUDA_VISIBLE_DEVICES`` set to its id, so inside
it ``cuda`` and ``auto`` mean that one GPU). The ids come from ``CUDA_VISIBLE_DEVICES`` when it is set
(the user's or a scheduler's choice, honoured as given, UUIDs included), else from the driver's count.
Devices: ``cpu`` and ``mps`` give no GPUs (the CPU path is unchanged), nor does ``cuda:N`` (the user
chose one GPU: every worker uses it, unpinned); ``auto`` and ``cuda`` give every visible GPU.
Limits: NVIDIA/ROCm through torch's CUDA API only; memory is not balanced, only cells are.
Example::

    worker_gpus("cuda")            # ['0', '1'] on a 2-GPU machine, [] on a CPU-only one
    worker_gpus("cpu")             # []
"""

from __future__ import annotations

import os


def visible_gpu_ids() -> list[str]:
    """The GPU ids this process may use, without initialising CUDA when the environment names them."""
    named = os.environ.get("CUDA_VISIBLE_DEVICES")
    if named is not None:
        ids = [part.strip() for part in named.split(",") if part.strip()]
        # CUDA stops at the first invalid id ("-1", "none"): what follows it is not visible either
        valid = []
        for gpu in ids:
            if gpu.startswith("-") or gpu.lower() in ("none", "nodevfiles"):
                break
            valid.append(gpu)
        return valid
    if not _gpu_driver_present():
        return []  # a CPU machine: answered without importing torch in a process that only hands out cells
    try:
        import torch
    except ImportError:
        return []
    return [str(i) for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []


def _gpu_driver_present() -> bool:
    import glob

    return bool(glob.glob("/dev/nvidia[0-9]*") or os.path.exists("/dev/kfd")
                or not os.path.isdir("/dev"))  # not Linux: let torch answer


def worker_gpus(device: str | None) -> list[str]:
    """The GPU id each local worker gets, in turn; empty when the cells run on the CPU."""
    name = (device or "auto").strip().lower()
    kind, _, index = name.partition(":")
    if kind not in ("auto", "cuda"):
        return []
    if index:  # cuda:N: the user chose the GPU; workers are not pinned
        return []
    return visible_gpu_ids()


def default_workers(device: str | None, workers: int | None) -> int | None:
    """``--workers`` when given; on a GPU machine one per visible GPU; else ``None`` (the CPU default)."""
    if workers:
        return workers
    gpus = worker_gpus(device)
    return len(gpus) if len(gpus) > 1 else None


__all__ = ["visible_gpu_ids", "worker_gpus", "default_workers"]
