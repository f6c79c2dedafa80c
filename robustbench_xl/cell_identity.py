"""A cell's identity (what determines its output bytes) and its provenance (where it ran).

What it does: :func:`cell_config` is the identity a cell records in run.json and summary.json and
:func:`config_hash` hashes it; a results folder resumes only under the same hash, on any machine. No
machine path, library version or device is in it: those are :func:`cell_provenance`, recorded and
never compared. Precision is in the identity only when it is not fp32, so cells run before precision
was an option keep their hash. Used by the runner, the plan manifest and ``rbx results migrate``.
Limits: a victim's fingerprint is whatever the victim says it is (see :mod:`.models.victim`).
Example::

    identity = cell_config(config, victim, recipe, sample, "ko", "sentence2")
    config_hash(identity)          # sha256 of its canonical JSON
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import __version__


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"robustbench_xl": __version__}
    for package in ("textattack", "transformers", "torch", "stanza"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = None
    return out


NAMED_DATASETS = ("pawsx", "pawsx-hub")


def _data_identity(dataset: str, source: str) -> tuple[str, str]:
    """(dataset, source) as a cell's identity names them: a named dataset as it is; a dataset given
    as a file or folder by its file name only (its content is in ``examples_fingerprint``; the full
    path is provenance)."""
    if dataset in NAMED_DATASETS:
        return dataset, source
    return Path(str(dataset)).name, Path(str(source)).name


# Precisions that are what a model computes in anyway: a cell run in one of them has the identity it
# had before precision was an option, so results written without the option stay valid.
_DEFAULT_PRECISIONS = (None, "fp32", "float32")


def cell_config(config, victim, recipe, sample, lang: str, perturb: str) -> dict:
    """A cell's identity: everything that determines its output bytes, and nothing that depends on
    the machine (checkpoint folder, ``RBX_HOME``, the repository's location, library versions: those
    are :func:`cell_provenance`). Batch size, the device and the output folder are not in it either.
    Recorded in run.json and summary.json, and hashed by :func:`config_hash` to decide whether a
    folder holds this cell's results (on any machine)."""
    c = config
    dataset, source = _data_identity(c.dataset, sample.source)
    identity = {
        "model": {"id": victim.id, "fingerprint": victim.fingerprint, "label_order": list(victim.label_order)},
        "lang": lang,
        "recipe": {"name": recipe.name, "version": recipe.version, "file_hash": recipe.file_hash},
        "data": {"dataset": dataset, "split": c.split, "n": c.n, "ids": c.ids, "columns": c.columns,
                 "source": source, "n_selected": len(sample)},
        "examples_fingerprint": sample.fingerprint,
        "seed": c.seed, "query_budget": c.query_budget, "max_length": c.max_length,
        "perturb": perturb, "max_chars": c.max_chars,
    }
    precision = getattr(c, "precision", None)
    precision = precision.strip().lower() if isinstance(precision, str) else precision
    if precision not in _DEFAULT_PRECISIONS:
        identity["precision"] = precision
    return identity


def config_hash(cell_config_: dict) -> str:
    """The one function that computes a cell's identity hash: sha256 of the canonical JSON of a
    :func:`cell_config` (runner, plan manifest and ``rbx results migrate`` all call it)."""
    return hashlib.sha256(json.dumps(cell_config_, sort_keys=True).encode()).hexdigest()


def portable_path(path: str | Path | None, cache: bool = True) -> str | None:
    """A path as provenance records it: ``$RBX_HOME/...`` under the rbx cache (``cache``), ``~/...``
    under the user's home, else absolute. A value that is not a path (a hub id, a victim id) is kept."""
    if path is None:
        return None
    text = str(path)
    candidate = Path(text).expanduser()
    if not candidate.is_absolute() and not candidate.exists():
        return text
    from .paths import rbx_home

    resolved = candidate.resolve()
    roots = ((rbx_home().resolve(), "$RBX_HOME"),) if cache else ()
    for root, name in roots + ((Path.home().resolve(), "~"),):
        try:
            rest = resolved.relative_to(root)
        except ValueError:
            continue
        return f"{name}/{rest.as_posix()}" if rest.parts else name
    return resolved.as_posix()


def cell_provenance(config, victim, sample, runtime: dict | None = None) -> dict:
    """Where and with what a cell was run: recorded in run.json and summary.json under
    ``provenance``, never compared (not part of :func:`cell_config`). ``runtime``: the device, the
    precision and the torch/CUDA versions (:func:`robustbench_xl.models.victim.runtime_record`)."""
    from .paths import PACKAGE_DIR, rbx_home

    named = config.dataset in NAMED_DATASETS
    record = {"checkpoint": portable_path(getattr(victim, "checkpoint", None)),
              "model_spec": portable_path(config.model),
              "rbx_home": portable_path(rbx_home(), cache=False), "repository": portable_path(PACKAGE_DIR.parent),
              "dataset": config.dataset if named else portable_path(config.dataset),
              "data_source": sample.source if named else portable_path(sample.source), "versions": _versions()}
    if runtime is not None:
        record["runtime"] = runtime
    return record


def is_legacy_config(recorded) -> bool:
    """A cell identity written before identities were portable (it names the checkpoint folder)."""
    return isinstance(recorded, dict) and "checkpoint" in (recorded.get("model") or {})


__all__ = ["NAMED_DATASETS", "cell_config", "cell_provenance", "config_hash", "is_legacy_config", "portable_path"]
