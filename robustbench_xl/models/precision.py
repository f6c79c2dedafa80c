"""Numeric precision of a model run: ``auto`` | ``fp32`` | ``bf16`` | ``fp16``, resolved per device.

What it does: :func:`resolve_precision` turns a requested precision into the one a run uses and
refuses what the hardware cannot do well. ``auto`` is bf16 autocast only where the hardware computes
bf16 natively (a CPU with AMX or AVX512-BF16, a CUDA GPU with bf16), fp32 otherwise. Why so strict:
on a CPU without those units torch emulates bf16 matrix products, and that is not a little slower but
about 80x slower on a bare matrix product and 20x on e5-small (measured on the AMD EPYC, AVX2-only,
development machine: a 512x384 @ 384x1536 product 200 times took 1.1 s in fp32 and 93 s in bf16;
``benchmarks/training_throughput.py``: training 7.5 vs 0.37 pairs/s, inference 32.8 vs 1.8 pairs/s). :func:`autocast` gives the matching context.
Languages: all (a property of the device). Limits: fp16 only on CUDA (CPU fp16 autocast is neither
fast nor safe); mps is fp32 or fp16.
Example::

    resolve_precision("auto", "cpu")      # 'fp32' on an AVX2 CPU, 'bf16' on one with AMX
    with autocast("bf16", "cpu"):
        logits = model(**batch).logits
"""

from __future__ import annotations

import contextlib

from robustbench_xl.errors import RbxError

PRECISIONS = ("auto", "fp32", "bf16", "fp16")


def cpu_has_native_bf16() -> bool:
    """True when this CPU multiplies bf16 in hardware (AMX tiles or AVX512-BF16)."""
    import torch

    probes = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in probes)


def resolve_device(requested: str = "auto") -> str:
    """``auto`` -> ``cuda`` when a GPU is visible, else ``cpu``; a named device is checked to exist."""
    import torch

    name = (requested or "auto").strip().lower()
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    kind, _, index = name.partition(":")
    if kind == "cpu" and not index:
        return "cpu"
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise RbxError(f"--device {requested}: no CUDA GPU is visible on this machine; use --device cpu")
        if index:
            if not index.isdigit() or int(index) >= torch.cuda.device_count():
                raise RbxError(f"--device {requested}: this machine has {torch.cuda.device_count()} GPU(s) "
                               f"(cuda:0..cuda:{torch.cuda.device_count() - 1})")
        return name
    if kind == "mps" and not index:
        if not torch.backends.mps.is_available():
            raise RbxError("--device mps: Apple's Metal backend is not available here; use --device cpu")
        return "mps"
    raise RbxError(f"--device must be auto, cpu, cuda, cuda:N or mps, got {requested!r}")


def device_kind(device: str) -> str:
    return str(device).split(":", 1)[0]


def resolve_precision(requested: str, device: str = "cpu") -> str:
    """The precision a run on ``device`` uses for ``requested``; a one-line error when it cannot."""
    if requested not in PRECISIONS:
        raise RbxError(f"--precision must be one of {', '.join(PRECISIONS)}, got {requested!r}")
    kind = device_kind(device)
    if kind == "cuda":
        import torch

        bf16_ok = torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        if requested == "auto":
            return "bf16" if bf16_ok else "fp32"
        if requested == "bf16" and not bf16_ok:
            raise RbxError(f"--precision bf16: the GPU on {device} has no bf16 support; use fp16 or fp32")
        return requested
    if requested == "fp16" and kind == "cpu":
        raise RbxError("--precision fp16 needs a GPU (cuda or mps); on the CPU use fp32 or bf16")
    if requested == "bf16" and kind == "mps":
        raise RbxError("--precision bf16 is not supported on mps; use fp16 or fp32")
    if requested == "auto":
        return "bf16" if kind == "cpu" and cpu_has_native_bf16() else "fp32"
    return requested


def autocast(precision: str, device: str = "cpu"):
    """``torch.autocast`` for bf16/fp16, a no-op context for fp32."""
    if precision == "fp32":
        return contextlib.nullcontext()
    import torch

    dtype = torch.bfloat16 if precision == "bf16" else torch.float16
    return torch.autocast(device_type=device_kind(device), dtype=dtype)


__all__ = ["PRECISIONS", "autocast", "cpu_has_native_bf16", "resolve_device", "resolve_precision"]
