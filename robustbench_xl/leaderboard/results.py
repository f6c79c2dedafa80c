"""Reading attack results folders (``docs/results-schema.md``) into runs, and choosing comparable ones.

Card
- What: ``discover_runs(root)`` finds every ``summary.json`` under ``root`` (the usual layout is
  ``<model_id>/<lang>/<recipe>/``; alternative folders such as ``rerun/<model_id>/<lang>/<recipe>/``
  are found too) and reads it with its ``examples.jsonl``. ``select_runs`` keeps one run per
  (model, language, recipe) among runs that share the examples fingerprint and recipe version, and
  explains every run it leaves out.
- Bad input is reported, never fatal: a truncated last line (a crashed run) is dropped as a resume
  would; a summary without examples, examples without a summary, an unreadable summary, or one from
  an unknown schema version is skipped with a warning.
- Example::

      runs, warnings = discover_runs("results")
      chosen, not_comparable = select_runs(runs)
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from robustbench_xl.errors import RbxError

SCHEMA_VERSION = 1


@dataclass
class Run:
    """One attack cell read from disk."""

    path: Path
    model: str
    lang: str
    recipe: str
    recipe_version: object
    seed: object
    fingerprint: str
    config_hash: str | None
    complete: bool
    summary: dict
    examples: list[dict] = field(default_factory=list)

    @property
    def cell(self) -> tuple[str, str, str]:
        return (self.model, self.lang, self.recipe)

    @property
    def group(self) -> tuple[str, str]:
        return (self.lang, self.recipe)

    @property
    def comparability_key(self) -> tuple[str, str]:
        return (str(self.recipe_version), self.fingerprint)

    def valid_examples(self) -> list[dict]:
        """Examples counted in ``n_examples``: attacked ones and those the model got wrong unedited."""
        return [ex for ex in self.examples if is_valid_example(ex)]


def is_valid_example(example: dict) -> bool:
    status = example.get("status")
    if status in ("succeeded", "failed"):
        return True
    return status == "skipped" and example.get("skip_reason") == "misclassified"


def read_examples(path: Path) -> tuple[list[dict], list[str]]:
    """The parsed lines of an ``examples.jsonl`` and warnings for lines that could not be used."""
    warnings: list[str] = []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    examples: list[dict] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            example = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                warnings.append(f"{path}: last line {number} is truncated (crashed run?); dropped")
            else:
                warnings.append(f"{path}: line {number} is not valid JSON; dropped")
            continue
        if isinstance(example, dict) and isinstance(example.get("id"), int) and not isinstance(example["id"], bool):
            example["id"] = str(example["id"])  # the schema says str; a numeric id means the same example
        if not isinstance(example, dict) or not isinstance(example.get("id"), str) or "status" not in example:
            warnings.append(f"{path}: line {number} lacks an 'id' or 'status'; dropped")
            continue
        if example["id"] in seen:
            warnings.append(f"{path}: line {number} repeats id {example['id']!r}; dropped")
            continue
        seen.add(example["id"])
        examples.append(example)
    return examples, warnings


def read_run(folder: Path) -> tuple[Run | None, list[str]]:
    """One run from a folder holding ``summary.json`` (and normally ``examples.jsonl``)."""
    summary_path = folder / "summary.json"
    examples_path = folder / "examples.jsonl"
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, [f"{summary_path}: unreadable summary ({type(error).__name__}: {error}); run skipped"]
    problem = _summary_problem(summary)
    if problem:
        return None, [f"{summary_path}: {problem}; run skipped"]
    if not examples_path.is_file():
        return None, [f"{folder}: summary.json without examples.jsonl (per-example outcomes are needed "
                      "for intervals and paired tests); run skipped"]
    examples, warnings = read_examples(examples_path)
    recipe = summary["recipe"]
    run = Run(
        path=folder,
        model=summary["model"]["id"],
        lang=summary["lang"],
        recipe=recipe["name"],
        recipe_version=recipe.get("version"),
        seed=summary.get("seed"),
        fingerprint=summary["examples_fingerprint"],
        config_hash=summary.get("config_hash"),
        complete=bool(summary.get("complete", False)),
        summary=summary,
        examples=examples,
    )
    tail = folder.parts[-3:]
    if tuple(tail) != run.cell:
        warnings.append(f"{folder}: summary says {'/'.join(run.cell)} but the folder is {'/'.join(tail)}; "
                        "the summary is used")
    if not run.valid_examples():
        return None, [*warnings, f"{folder}: no usable examples in examples.jsonl; run skipped"]
    if not run.complete:
        warnings.append(f"{folder}: incomplete run ({len(run.examples)} examples so far); "
                        "compared on the examples it has")
    return run, warnings


def _summary_problem(summary: object) -> str | None:
    if not isinstance(summary, dict):
        return "summary is not a JSON object"
    if summary.get("schema_version") != SCHEMA_VERSION:
        return f"schema_version {summary.get('schema_version')!r} is not {SCHEMA_VERSION}"
    model = summary.get("model")
    if not isinstance(model, dict) or not isinstance(model.get("id"), str):
        return "missing model.id"
    if not isinstance(summary.get("lang"), str):
        return "missing lang"
    recipe = summary.get("recipe")
    if not isinstance(recipe, dict) or not isinstance(recipe.get("name"), str):
        return "missing recipe.name"
    if not isinstance(summary.get("examples_fingerprint"), str):
        return "missing examples_fingerprint"
    return None


def discover_runs(root: str | Path) -> tuple[list[Run], list[str]]:
    """Every readable run under ``root``, in path order, and warnings for the rest."""
    base = Path(root)
    if not base.is_dir():
        raise RbxError(f"results folder not found: {base}")
    runs: list[Run] = []
    warnings: list[str] = []
    summaries = {p.parent for p in base.rglob("summary.json")}
    for folder in sorted(summaries):
        run, run_warnings = read_run(folder)
        warnings.extend(run_warnings)
        if run is not None:
            runs.append(run)
    for examples in sorted(base.rglob("examples.jsonl")):
        if examples.parent not in summaries:
            warnings.append(f"{examples.parent}: examples.jsonl without summary.json (run unfinished?); skipped")
    if not runs:
        warnings.append(f"{base}: no usable results found")
    return runs, warnings


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
