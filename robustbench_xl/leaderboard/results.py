"""Choosing comparable runs for the leaderboard and the gate: one per (model, language, recipe).

Card
- What: ``select_runs(runs)`` keeps one run per (model, language, recipe) among the runs of
  ``robustbench_xl.results.discover_runs`` that share the examples fingerprint and recipe version,
  and explains every run it leaves out (``Exclusion``); ``preference`` orders duplicate runs of a cell.
- Reading, validation and metrics are the results layer's (``robustbench_xl/results.py``); ``Run``
  and ``discover_runs`` are re-exported here for the leaderboard's callers.
- Example::

      runs, warnings = discover_runs("results")
      chosen, not_comparable = select_runs(runs)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from robustbench_xl.errors import RbxError
from robustbench_xl.results import Run, discover_runs

__all__ = ["Exclusion", "Run", "check_precisions", "discover_runs", "preference", "select_runs"]

MIXED_PRECISION_HINT = "rerun them in one precision, or pass --allow-mixed-precision to compare them anyway"


@dataclass(frozen=True)
class Exclusion:
    """A run left out of the comparable tables, and why."""

    run: Run
    reason: str

    def to_json(self) -> dict:
        return {
            "model": self.run.model,
            "lang": self.run.lang,
            "recipe": self.run.recipe,
            "recipe_version": self.run.recipe_version,
            "examples_fingerprint": self.run.fingerprint,
            "path": str(self.run.path),
            "reason": self.reason,
        }


def preference(run: Run) -> tuple:
    """Sort key for duplicate runs of one cell: complete first, then more examples, then path."""
    return (not run.complete, -len(run.valid_examples()), len(run.path.parts), str(run.path))


def select_runs(runs: list[Run]) -> tuple[list[Run], list[Exclusion]]:
    """One run per (model, lang, recipe) among runs comparable within their (lang, recipe) group.

    The group's reference is the (recipe version, examples fingerprint) used by the most models (ties:
    the later recipe version, then the fingerprint in text order); runs with another key are
    excluded with the reason, and so are all but the preferred run of a duplicated cell.
    """
    by_group: dict[tuple[str, str], list[Run]] = defaultdict(list)
    for run in runs:
        by_group[run.group].append(run)
    chosen: list[Run] = []
    excluded: list[Exclusion] = []
    for (lang, recipe), group_runs in sorted(by_group.items()):
        models_per_key = Counter()
        for key in {(r.comparability_key, r.model) for r in group_runs}:
            models_per_key[key[0]] += 1
        reference = max(models_per_key, key=lambda k: (models_per_key[k], _version_order(k[0]), k[1]))
        cells: dict[str, list[Run]] = defaultdict(list)
        for run in group_runs:
            if run.comparability_key == reference:
                cells[run.model].append(run)
            else:
                excluded.append(Exclusion(run, _mismatch_reason(run, reference, models_per_key[reference])))
        for model, candidates in sorted(cells.items()):
            candidates.sort(key=preference)
            chosen.append(candidates[0])
            for other in candidates[1:]:
                excluded.append(Exclusion(other, f"duplicate run of {model}/{lang}/{recipe}; "
                                          f"kept {candidates[0].path} (complete first, then most examples)"))
    return chosen, excluded


def _version_order(version: str) -> tuple:
    try:
        return (1, float(version), version)
    except ValueError:
        return (0, 0.0, version)


def _mismatch_reason(run: Run, reference: tuple[str, str], n_models: int) -> str:
    version, fingerprint = reference
    users = f"{n_models} model{'s' if n_models != 1 else ''}"
    if str(run.recipe_version) != version:
        return (f"recipe {run.recipe} version {run.recipe_version} differs from version {version} "
                f"used by {users} in {run.lang}/{run.recipe}")
    return (f"examples_fingerprint {run.fingerprint[:12]} differs from {fingerprint[:12]} "
            f"used by {users} in {run.lang}/{run.recipe} (different examples)")


def check_precisions(runs: list[Run], allow_mixed: bool = False) -> list[str]:
    """Precision is compared like a recipe version: runs of one (language, recipe) that ran in different
    precisions are refused in one line naming two of them, unless ``allow_mixed`` (then: a warning)."""
    warnings = []
    by_group: dict[tuple[str, str], dict[str, Run]] = defaultdict(dict)
    for run in sorted(runs, key=lambda r: (r.model, str(r.path))):
        by_group[run.group].setdefault(run.precision, run)
    for (lang, recipe), found in sorted(by_group.items()):
        if len(found) < 2:
            continue
        (first, a), (second, b) = sorted(found.items())[:2]
        what = (f"{lang}/{recipe}: {a.model} ran in {first} and {b.model} in {second}; "
                "cells that differ in precision are not compared")
        if not allow_mixed:
            raise RbxError(f"{what}: {MIXED_PRECISION_HINT}")
        warnings.append(f"{what}, but --allow-mixed-precision compares them")
    return warnings
