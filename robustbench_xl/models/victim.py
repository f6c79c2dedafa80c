"""What rbx needs from a model it attacks: the :class:`Victim` protocol, and an adapter for any classifier.

What it does: the runner, the TextAttack wrapper (:mod:`.wrapper`) and ``rbx eval`` see a model only
through :class:`Victim`: an ``id`` (its results folder), a content ``fingerprint`` (part of a cell's
identity, so results of other weights never resume), a ``label_order`` (which output column means "not
paraphrase" and which "paraphrase") and ``predict_proba(pairs)``, the probabilities of one batch of
sentence pairs. A HuggingFace checkpoint is one implementation (:class:`.loading.HFVictim`);
:class:`FunctionVictim` turns a plain Python function, or a client of a served model, into another.
:func:`resolve_device_precision` checks ``--device`` / ``--precision`` once for every command.
Languages: all (a victim sees raw text). Limits: two classes (PAWS-X); a function's identity cannot be
hashed from its code reliably (closures, globals, the weights it loads, a server behind it), so its
fingerprint is what the user gives or is derived from a name and version the user bumps.
Example::

    def overlap(pairs):                        # list of (sentence1, sentence2) -> rows of probabilities
        return [[0.8, 0.2] if len(set(a.split()) & set(b.split())) < 3 else [0.2, 0.8] for a, b in pairs]

    victim = FunctionVictim(overlap, labels=("not_paraphrase", "paraphrase"), name="overlap", version="1")
    attack(AttackConfig(lang="de", recipe="char-noise", n=20), victim=victim)
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Callable, Protocol, Sequence, runtime_checkable

from ..errors import RbxError

Pair = tuple[str, str]
# Precisions an attack or an evaluation runs in. No "auto": the precision is part of a cell's identity
# (when not fp32), so it must be what the user chose, not what the machine happened to support.
RUN_PRECISIONS = ("fp32", "bf16", "fp16")
FUNCTION_FINGERPRINT_FORMAT = "rbx-function-victim/1"
TASK_LABELS = ("not_paraphrase", "paraphrase")


@runtime_checkable
class Victim(Protocol):
    """A pair classifier rbx can attack.

    ``predict_proba(pairs)`` returns one row per pair (array-like, shape ``(len(pairs), k)``) of
    probabilities over the victim's own outputs; ``label_order`` is ``(column of not_paraphrase,
    column of paraphrase)`` in those rows. Optional attributes, read with defaults: ``checkpoint``
    (where it was loaded from: provenance only), ``device`` (where it computes, for autocast; "cpu"),
    ``batch_order(pairs)`` (the order to batch pairs in, e.g. by length) and ``with_max_length(n)``
    (a copy that truncates its inputs at ``n`` tokens; ``max_length`` is in a cell's identity either way).
    """

    id: str
    fingerprint: str
    label_order: tuple[int, int]

    def predict_proba(self, pairs: Sequence[Pair]) -> Any: ...


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def check_victim(victim) -> None:
    """One line saying what a user-supplied victim lacks, before any work starts."""
    if not isinstance(victim, Victim):
        raise RbxError("a victim needs id, fingerprint, label_order and predict_proba(pairs) "
                       "(see robustbench_xl.models.victim; FunctionVictim adapts a plain function)")
    if not isinstance(victim.id, str) or not _ID.match(victim.id):
        raise RbxError(f"victim id {victim.id!r} must be a folder-safe name (letters, digits, . _ -)")
    if not isinstance(victim.fingerprint, str) or not victim.fingerprint.strip():
        raise RbxError(f"victim {victim.id}: fingerprint must be a non-empty string (it identifies its results)")
    order = tuple(victim.label_order)
    if len(order) != 2 or order[0] == order[1] or not all(isinstance(i, int) and i >= 0 for i in order):
        raise RbxError(f"victim {victim.id}: label_order must be two different column indices, got {order!r}")


def function_fingerprint(name: str, version: str) -> str:
    """The fingerprint of a function victim: its name and the version its author gives."""
    payload = {"format": FUNCTION_FINGERPRINT_FORMAT, "name": name, "version": version}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def as_probabilities(raw, n: int, who: str):
    """``raw`` (list, numpy array or torch tensor) as a float64 ``(n, k)`` array of probabilities."""
    import numpy as np

    if hasattr(raw, "detach"):  # a torch tensor, possibly bf16 or on a GPU
        raw = raw.detach().double().cpu().numpy()
    out = np.asarray(raw, dtype=np.float64)
    if out.ndim != 2 or out.shape[0] != n or out.shape[1] < 2:
        raise RbxError(f"victim {who}: predict_proba returned shape {out.shape} for {n} pairs; "
                       "it must return one row of class probabilities per pair")
    if not np.isfinite(out).all() or (out < 0).any() or not np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
        raise RbxError(f"victim {who}: predict_proba must return probabilities (rows >= 0 summing to 1; "
                       "apply a softmax to logits)")
    return out


class FunctionVictim:
    """A victim from a function ``fn(list[(sentence1, sentence2)]) -> rows of probabilities``.

    ``labels`` names ``fn``'s output columns in order (``not_paraphrase`` and ``paraphrase``).
    ``fingerprint`` is the identity of ``fn`` for results; without it one is derived from ``name``
    and ``version``: change the version whenever ``fn`` may answer differently (rbx cannot see that
    from the code). ``id`` is the results folder name (default: ``name``). ``device`` is where ``fn``
    computes when it uses torch (autocast follows ``--precision``); a served model computes elsewhere
    and keeps the default.
    """

    def __init__(self, fn: Callable[[list[Pair]], Any], labels: Sequence[str] = TASK_LABELS, *,
                 name: str, version: str | int | None = None, fingerprint: str | None = None,
                 id: str | None = None, device: str = "cpu"):
        if not callable(fn):
            raise RbxError("FunctionVictim needs a callable: fn(list of (sentence1, sentence2)) -> probabilities")
        if not isinstance(name, str) or not name.strip():
            raise RbxError("FunctionVictim needs a name (it names the victim and, with version, its fingerprint)")
        names = [str(label).strip().lower() for label in labels]
        if sorted(names) != sorted(TASK_LABELS):
            raise RbxError(f"labels names fn's two output columns in order, e.g. ('not_paraphrase', 'paraphrase'); "
                           f"got {tuple(labels)!r}")
        if fingerprint is None and version is None:
            raise RbxError(f"FunctionVictim {name!r}: give version= (bump it when the function changes) or "
                           "fingerprint=; a function's identity cannot be hashed from its code reliably")
        self.fn = fn
        self.name = name.strip()
        self.version = None if version is None else str(version)
        self.id = id or re.sub(r"[^A-Za-z0-9._-]+", "-", self.name).strip("-.") or "function"
        self.fingerprint = fingerprint or function_fingerprint(self.name, self.version)
        self.label_order = (names.index("not_paraphrase"), names.index("paraphrase"))
        self.device = device
        self.checkpoint = None

    def predict_proba(self, pairs: Sequence[Pair]):
        pairs = [tuple(p) for p in pairs]
        return as_probabilities(self.fn(pairs), len(pairs), self.id)

    def __repr__(self) -> str:
        return f"FunctionVictim(id={self.id!r}, version={self.version!r}, fingerprint={self.fingerprint[:12]}...)"


_DEVICE = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")


def run_option_problems(device, precision) -> list[str]:
    """'field: message' for a device or precision rbx does not know, without looking at the hardware
    (a plan written for a GPU cluster validates on a laptop; :func:`resolve_device_precision` checks
    the machine when the run starts)."""
    problems = []
    if not isinstance(device, str) or not _DEVICE.match(device.strip().lower()):
        problems.append(f"device: must be auto, cpu, cuda, cuda:N or mps, got {device!r}")
    if precision not in RUN_PRECISIONS:
        problems.append(f"precision: must be one of {', '.join(RUN_PRECISIONS)}, got {precision!r}")
    return problems


def resolve_device_precision(device: str | None = "auto", precision: str | None = "fp32") -> tuple[str, str]:
    """(device, precision) a run uses, or a one-line error: an unknown precision, a GPU that is not
    there, an index out of range, fp16 on a CPU (see :mod:`.precision`, which decides the rest)."""
    from .precision import resolve_device, resolve_precision

    precision = "fp32" if precision is None else str(precision).strip().lower()
    if precision not in RUN_PRECISIONS:
        raise RbxError(f"--precision must be one of {', '.join(RUN_PRECISIONS)}, got {precision!r}")
    resolved = resolve_device(device or "auto")
    return resolved, resolve_precision(precision, resolved)


def runtime_record(device: str, precision: str) -> dict:
    """Where a run computed (provenance: recorded, never compared): device, GPU name, precision,
    torch and CUDA versions."""
    import torch

    from .precision import device_kind

    name = None
    if device_kind(device) == "cuda" and torch.cuda.is_available():
        name = torch.cuda.get_device_name(torch.device(device))
    return {"device": str(device), "device_name": name, "precision": precision, "torch": torch.__version__,
            "cuda": torch.version.cuda}


__all__ = ["FunctionVictim", "RUN_PRECISIONS", "Victim", "as_probabilities", "check_victim", "function_fingerprint",
           "resolve_device_precision", "run_option_problems", "runtime_record"]
