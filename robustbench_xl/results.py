"""The results layer: the files of an attack cell, their schema, reading, repair and metrics.

Card
- What: the only module that knows a cell folder ``<model_id>/<lang>/<recipe>/`` and its files
  ``examples.jsonl`` (one record per example), ``summary.json`` (metrics and identity), ``run.json``
  (identity and wall time, written first) and ``judgements.jsonl`` (human verdicts on successful
  pairs, attached by ``rbx audit --import``; never part of the identity): their names, ``SCHEMA_VERSION`` and layout (``new_record``,
  ``make_summary``, ``run_record``), writing, reading (``read_examples``, ``load_examples``,
  ``read_summary``, ``read_run_record``, ``discover_runs``), repair and the metrics computed from
  examples (``metric_values``, ``summarize``, ``outcomes``). Runner, plans, check, audit and the
  leaderboard go through it. Schema: ``docs/results-schema.md``.
- Lines are appended and flushed one at a time, so a killed run leaves at most one truncated last
  line: ``read_examples`` (the runner's reader; a bad earlier line is an error) ignores it and
  ``repair_examples_file`` cuts it off before a resume. ``load_examples`` (the reports' reader) drops
  bad, id-less and repeated lines with a warning and reads numeric ids as strings.
- Metrics: ``n_examples`` counts attacked examples and those the model got wrong unedited
  (``is_counted``); clean accuracy and accuracy under attack are over them, attack success rate and
  mean queries over attacked ones, mean perturbed share over successful ones; 95% Wilson intervals.
  Coverage: the share of attacked examples for which the recipe produced at least one candidate that
  passed its constraints, i.e. the model was queried on an edit (``queries`` >= 2: the first query is
  the unedited pair). A recipe with low coverage cannot flip what it cannot edit.
- Example::

      runs, warnings = discover_runs("results")
      records, damaged = read_examples(Path("results/m/de/char-noise") / EXAMPLES_FILE)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from robustbench_xl.errors import RbxError

SCHEMA_VERSION = 1
EXAMPLES_FILE = "examples.jsonl"
SUMMARY_FILE = "summary.json"
RUN_FILE = "run.json"
JUDGEMENTS_FILE = "judgements.jsonl"  # a person's verdicts on successful pairs (rbx audit --import)
VERDICTS = ("yes", "no", "unsure")  # does the gold label still hold for the perturbed pair?
ATTACKED = ("succeeded", "failed")
METRICS = ("clean_accuracy", "accuracy_under_attack", "attack_success_rate", "mean_perturbed_share", "mean_queries",
           "coverage")
_ROUNDING = {name: 3 if name == "mean_queries" else 6 for name in METRICS}  # decimals in summary.json
_RATES = ("clean_accuracy", "accuracy_under_attack", "attack_success_rate", "coverage")  # shares with a Wilson CI


# -- layout and writing ------------------------------------------------------------------------------
@dataclass
class CellPaths:
    """The files of the cell folder ``root``."""

    root: Path
    examples: Path = field(init=False)
    summary: Path = field(init=False)
    run: Path = field(init=False)

    def __post_init__(self):
        self.examples = self.root / EXAMPLES_FILE
        self.summary = self.root / SUMMARY_FILE
        self.run = self.root / RUN_FILE


def new_record(example_id: str, lang: str, label: int, sentence1: str, sentence2: str) -> dict:
    """An ``examples.jsonl`` record before the attack (skipped, nothing measured), in schema key order."""
    return {"id": example_id, "lang": lang, "status": "skipped", "skip_reason": None, "label": label,
            "original": {"sentence1": sentence1, "sentence2": sentence2},
            "perturbed": None, "pred_before": None, "pred_after": None, "prob_before": None,
            "prob_after": None, "clean_correct": None, "robust_correct": None, "queries": 0,
            "budget_exhausted": False, "words_total": 0, "words_perturbed": 0,
            "perturbed_share": None, "edits": []}


def run_record(config: dict, config_hash: str, wall_time_s: float, provenance: dict) -> dict:
    """The content of ``run.json``."""
    return {"config": config, "config_hash": config_hash, "wall_time_s": wall_time_s, "provenance": provenance}


def make_summary(records: list[dict], *, model: dict, lang: str, recipe: dict, seed, wall_time_s: float,
                 config: dict, config_hash: str, examples_fingerprint: str, complete: bool, dataset: dict,
                 provenance: dict) -> dict:
    """The content of ``summary.json``: the cell, :func:`summarize` of ``records``, identity, provenance."""
    return {"schema_version": SCHEMA_VERSION, "model": model, "lang": lang, "recipe": recipe, "seed": seed,
            **summarize(records), "wall_time_s": wall_time_s, "config": config, "config_hash": config_hash,
            "examples_fingerprint": examples_fingerprint, "complete": complete, "dataset": dataset,
            "provenance": provenance}


def dumps_line(record: dict) -> str:
    """One canonical JSON line (fixed key order, UTF-8, no spaces): byte-identical across runs."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_json_atomic(path: Path, payload: dict) -> None:
    """Write JSON through a temporary file and a rename: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=2, sort_keys=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


# -- reading and repair ------------------------------------------------------------------------------
def _lines(data: bytes):
    """(line number, raw line, whether only blank lines follow) for each non-blank line."""
    lines = data.split(b"\n")
    last = max((i for i, raw in enumerate(lines) if raw.strip()), default=-1)
    for i, raw in enumerate(lines):
        if raw.strip():
            yield i + 1, raw, i == last


def read_examples(path: Path) -> tuple[list[dict], bool]:
    """(records, whether a truncated or unreadable last line was ignored); ``ValueError`` for a bad line
    before the last."""
    if not path.exists():
        return [], False
    records, damaged = [], False
    for number, raw, last in _lines(path.read_bytes()):
        try:
            records.append(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError):
            if last:
                damaged = True  # the last line of a killed run
                continue
            raise ValueError(f"{path}: line {number} is not valid JSON")
    return records, damaged


def load_examples(path: Path) -> tuple[list[dict], list[str]]:
    """The usable records of an ``examples.jsonl`` and warnings for the lines that were dropped."""
    warnings: list[str] = []
    examples: list[dict] = []
    seen: set[str] = set()
    for number, raw, last in _lines(path.read_bytes()):
        try:
            example = json.loads(raw.decode("utf-8", errors="replace"))
        except json.JSONDecodeError:
            warnings.append(f"{path}: last line {number} is truncated (crashed run?); dropped" if last
                            else f"{path}: line {number} is not valid JSON; dropped")
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


def repair_examples_file(path: Path) -> int:
    """Cut a partial last line off ``path``; returns the number of bytes removed."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1
    if keep < len(data):
        with open(path, "r+b") as handle:
            handle.truncate(keep)
            handle.flush()
            os.fsync(handle.fileno())
    return len(data) - keep


def read_json(path: Path):
    """A JSON file; ``OSError`` or ``ValueError`` (bad UTF-8 or JSON) as raised."""
    return json.loads(path.read_text(encoding="utf-8"))


def read_summary(folder: Path) -> dict | None:
    """The cell's ``summary.json``, or ``None`` when it is missing or unreadable."""
    try:
        summary = read_json(folder / SUMMARY_FILE)
    except (OSError, ValueError):
        return None
    return summary if isinstance(summary, dict) else None


def read_run_record(folder: Path) -> dict:
    """The cell's ``run.json`` (``{}`` when there is none); ``ValueError`` when it is not readable JSON."""
    path = folder / RUN_FILE
    return read_json(path) if path.exists() else {}


def find_cells(root: Path) -> list[Path]:
    """Folders under ``root`` (itself included) that hold an ``examples.jsonl``, sorted."""
    return sorted({p.parent for p in root.rglob(EXAMPLES_FILE) if p.is_file()})


def cell_label(folder: Path, records: list[dict]) -> tuple[str, str, str]:
    """(model, lang, ``recipe vN``) from ``summary.json``, else from ``run.json``'s config (a run killed
    before its summary), else from the folder names <model>/<lang>/<recipe>."""
    identities = [read_summary(folder)]
    try:
        identities.append(read_run_record(folder).get("config"))
    except ValueError:
        pass  # a damaged run.json: the folder names remain
    for identity in identities:
        try:
            return (str(identity["model"]["id"]), str(identity["lang"]),
                    f"{identity['recipe']['name']} v{identity['recipe']['version']}")
        except (KeyError, TypeError):
            pass  # missing or damaged: try the next source
    parts = folder.resolve().parts
    lang = records[0].get("lang") if records else None
    return (parts[-3] if len(parts) >= 3 else "?", str(lang or (parts[-2] if len(parts) >= 2 else "?")),
            parts[-1])


# -- one cell as reports read it ---------------------------------------------------------------------
@dataclass
class Run:
    """One attack cell read from disk: its summary and its usable example records."""

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
    judgements: list[dict] = field(default_factory=list)

    @property
    def cell(self) -> tuple[str, str, str]:
        return (self.model, self.lang, self.recipe)

    @property
    def group(self) -> tuple[str, str]:
        return (self.lang, self.recipe)

    @property
    def comparability_key(self) -> tuple[str, str]:
        return (str(self.recipe_version), self.fingerprint)

    @property
    def precision(self) -> str:
        """The precision the cell ran in: its identity's (present when not fp32), else the runtime record,
        else fp32 (cells written before precision was an option ran in fp32)."""
        config = self.summary.get("config") or {}
        runtime = (self.summary.get("provenance") or {}).get("runtime") or {}
        return str(config.get("precision") or runtime.get("precision") or "fp32").strip().lower()

    @property
    def skipped_by_reason(self) -> dict:
        return (self.summary.get("counts") or {}).get("skipped_by_reason") or {}

    @property
    def checkpoint(self) -> str:
        """The checkpoint the summary names (``model`` before 0.2, else ``provenance``), or ``""``."""
        return str((self.summary.get("model") or {}).get("checkpoint")
                   or (self.summary.get("provenance") or {}).get("checkpoint") or "")

    def valid_examples(self) -> list[dict]:
        """Examples counted in ``n_examples``: attacked ones and those the model got wrong unedited."""
        return [ex for ex in self.examples if is_counted(ex)]


def summary_problem(summary: object) -> str | None:
    """Why a ``summary.json`` cannot be used, or ``None``."""
    if not isinstance(summary, dict):
        return "summary is not a JSON object"
    if summary.get("schema_version") != SCHEMA_VERSION:
        return f"schema_version {summary.get('schema_version')!r} is not {SCHEMA_VERSION}"
    for part, key, name in ((summary.get("model"), "id", "model.id"), (summary, "lang", "lang"),
                            (summary.get("recipe"), "name", "recipe.name"),
                            (summary, "examples_fingerprint", "examples_fingerprint")):
        if not isinstance(part, dict) or not isinstance(part.get(key), str):
            return f"missing {name}"
    return None


def read_run(folder: Path) -> tuple[Run | None, list[str]]:
    """One run from a folder holding ``summary.json`` and ``examples.jsonl``; bad input is a warning."""
    paths = CellPaths(folder)
    try:
        summary = read_json(paths.summary)
    except (OSError, ValueError) as error:
        return None, [f"{paths.summary}: unreadable summary ({type(error).__name__}: {error}); run skipped"]
    problem = summary_problem(summary)
    if problem:
        return None, [f"{paths.summary}: {problem}; run skipped"]
    if not paths.examples.is_file():
        return None, [f"{folder}: {SUMMARY_FILE} without {EXAMPLES_FILE} (per-example outcomes are needed "
                      "for intervals and paired tests); run skipped"]
    examples, warnings = load_examples(paths.examples)
    judgements, problem = read_judgements(folder)
    if problem:
        warnings.append(problem)
    recipe = summary["recipe"]
    run = Run(path=folder, model=summary["model"]["id"], lang=summary["lang"], recipe=recipe["name"],
              recipe_version=recipe.get("version"), seed=summary.get("seed"),
              fingerprint=summary["examples_fingerprint"], config_hash=summary.get("config_hash"),
              complete=bool(summary.get("complete", False)), summary=summary, examples=examples,
              judgements=judgements)
    tail = folder.parts[-3:]
    if tuple(tail) != run.cell:
        warnings.append(f"{folder}: summary says {'/'.join(run.cell)} but the folder is {'/'.join(tail)}; "
                        "the summary is used")
    if not run.valid_examples():
        return None, [*warnings, f"{folder}: no usable examples in {EXAMPLES_FILE}; run skipped"]
    if not run.complete:
        warnings.append(f"{folder}: incomplete run ({len(run.examples)} examples so far); "
                        "compared on the examples it has")
    return run, warnings


def discover_runs(root: str | Path) -> tuple[list[Run], list[str]]:
    """Every readable run under ``root`` (any depth, e.g. ``rerun/<model>/<lang>/<recipe>/``), in path
    order, and warnings for the rest."""
    base = Path(root)
    if not base.is_dir():
        raise RbxError(f"results folder not found: {base}")
    runs: list[Run] = []
    warnings: list[str] = []
    summaries = {p.parent for p in base.rglob(SUMMARY_FILE)}
    for folder in sorted(summaries):
        run, run_warnings = read_run(folder)
        warnings.extend(run_warnings)
        if run is not None:
            runs.append(run)
    for examples in sorted(base.rglob(EXAMPLES_FILE)):
        if examples.parent not in summaries:
            warnings.append(f"{examples.parent}: {EXAMPLES_FILE} without {SUMMARY_FILE} (run unfinished?); skipped")
    if not runs:
        warnings.append(f"{base}: no usable results found")
    return runs, warnings


# -- metrics -----------------------------------------------------------------------------------------
def is_counted(record: dict) -> bool:
    """Counted in ``n_examples``: attacked, or skipped because the model was wrong before any edit."""
    status = record.get("status")
    if status in ATTACKED:
        return True
    return status == "skipped" and record.get("skip_reason") == "misclassified"


def is_adversarial(record: dict) -> bool:
    """A successful attack with its perturbed pair."""
    return record.get("status") == "succeeded" and isinstance(record.get("perturbed"), dict)


def had_candidate(record: dict) -> bool:
    """An attacked example on which the model saw at least one edited pair (see Coverage in the card)."""
    return record.get("status") == "succeeded" or int(record.get("queries") or 0) >= 2


def perturbed_share(record: dict) -> float | None:
    """Share of words changed (``words_perturbed / words_total`` when the share is not recorded)."""
    share = record.get("perturbed_share")
    if isinstance(share, (int, float)):
        return float(share)
    total, changed = record.get("words_total"), record.get("words_perturbed")
    if isinstance(total, int) and total > 0 and isinstance(changed, int):
        return changed / total
    return None


def metric_values(records: list[dict]) -> dict[str, list[float]]:
    """Per metric, one value per example it is averaged over (see the card): the metric is their mean."""
    valid = [r for r in records if is_counted(r)]
    attacked = [r for r in valid if r["status"] in ATTACKED]
    shares = [perturbed_share(r) for r in attacked if r["status"] == "succeeded"]
    return {
        "clean_accuracy": [float(bool(r.get("clean_correct"))) for r in valid],
        "accuracy_under_attack": [float(bool(r.get("robust_correct"))) for r in valid],
        "attack_success_rate": [float(r["status"] == "succeeded") for r in attacked],
        "mean_perturbed_share": [s for s in shares if s is not None],
        "mean_queries": [float(r.get("queries") or 0) for r in attacked],
        "coverage": [float(had_candidate(r)) for r in attacked],
    }


def metric_means(records: list[dict]) -> dict[str, float | None]:
    """Every metric of ``records``, unrounded (``None`` where nothing is averaged)."""
    return {name: sum(v) / len(v) if v else None for name, v in metric_values(records).items()}


def _wilson(successes: int, n: int) -> list[float] | None:
    if n == 0:
        return None
    from robustbench_xl.stats import wilson_interval  # the one Wilson interval in rbx

    low, high = wilson_interval(successes, n)
    return [round(low, 6), round(high, 6)]


def summarize(records: list[dict]) -> dict:
    """The metrics block of ``summary.json``: counts, rounded metrics and their Wilson intervals."""
    by_status = {status: sum(r["status"] == status for r in records) for status in (*ATTACKED, "skipped")}
    by_reason: dict[str, int] = {}
    for r in records:
        if r["status"] == "skipped":
            reason = (r.get("skip_reason") or "unknown").split(":")[0]
            by_reason[reason] = by_reason.get(reason, 0) + 1
    values = metric_values(records)
    means = {name: round(sum(v) / len(v), _ROUNDING[name]) if v else None for name, v in values.items()}
    return {
        "n_examples": len(values["clean_accuracy"]),
        "counts": {**by_status, "skipped_by_reason": dict(sorted(by_reason.items()))},
        **means,
        "ci95": {"method": "Wilson score interval over examples",
                 **{name: _wilson(int(sum(values[name])), len(values[name])) for name in _RATES}},
    }


def refresh_summary_metrics(folder: Path, dry_run: bool = False) -> str | None:
    """Add metrics that an older rbx did not write (``coverage``) to a cell's ``summary.json``, from its
    examples. Returns what was added, or None when nothing is missing. A summary whose existing metrics
    disagree with its examples is left as it is (RbxError): that is damage, not age."""
    if not (folder / SUMMARY_FILE).is_file() or not (folder / EXAMPLES_FILE).is_file():
        return None
    summary = read_json(folder / SUMMARY_FILE)
    computed = summarize(read_examples(folder / EXAMPLES_FILE)[0])
    stored_ci = summary.get("ci95") or {}
    missing = [k for k in computed if k not in summary] + [f"ci95.{k}" for k in computed["ci95"] if k not in stored_ci]
    if not missing:
        return None
    disagree = [k for k in computed if k in summary and k != "ci95" and summary[k] != computed[k]]
    disagree += [f"ci95.{k}" for k in stored_ci if stored_ci[k] != computed["ci95"].get(k)]
    if disagree:
        raise RbxError(f"{folder / SUMMARY_FILE}: {', '.join(disagree)} differ from what {EXAMPLES_FILE} gives; "
                       "not refreshed")
    keys, refreshed = list(computed), {}
    for key in summary:  # old keys stay in place; a new metric follows its neighbour in summarize's order
        refreshed[key] = {**stored_ci, **computed["ci95"]} if key == "ci95" else summary[key]
        if key in computed:
            for later in keys[keys.index(key) + 1:]:
                if later in summary:
                    break
                refreshed[later] = computed[later]
    if not dry_run:
        write_json_atomic(folder / SUMMARY_FILE, refreshed)
    return "added " + ", ".join(missing)


def read_judgements(folder: Path) -> tuple[list[dict], str | None]:
    """The verdicts attached to a cell (empty when none), and a warning when the file is damaged."""
    path = folder / JUDGEMENTS_FILE
    if not path.is_file():
        return [], None
    rows = []
    for number, line, _ in _lines(path.read_bytes()):
        try:
            row = json.loads(line)
        except ValueError:  # also bad UTF-8
            return [], f"{path}:{number}: not JSON; judgements ignored"
        if not isinstance(row, dict) or row.get("label_holds") not in VERDICTS or "id" not in row:
            return [], f"{path}:{number}: not a judgement (id, perturbed, label_holds); judgements ignored"
        rows.append(row)
    return rows, None


def write_judgements(folder: Path, rows: list[dict]) -> None:
    """Write a cell's verdicts (sorted by id, then pair), atomically."""
    ordered = sorted(rows, key=lambda r: (str(r["id"]), json.dumps(r.get("perturbed"), sort_keys=True)))
    tmp = folder / f".{JUDGEMENTS_FILE}.tmp-{os.getpid()}"
    tmp.write_text("".join(dumps_line(r) for r in ordered), encoding="utf-8")
    os.replace(tmp, folder / JUDGEMENTS_FILE)


def judged_outcomes(records: list[dict], judgements: list[dict]) -> dict[str, str]:
    """Per successful example id, the verdict on its perturbed pair; a verdict on another pair (the
    cell was re-run since) does not count."""
    pairs = {str(r["id"]): r.get("perturbed") for r in records if is_adversarial(r)}
    return {str(j["id"]): j["label_holds"] for j in judgements
            if str(j["id"]) in pairs and j.get("perturbed") == pairs[str(j["id"])]}


def validity(records: list[dict], judgements: list[dict]) -> dict:
    """Label validity of a cell's successful pairs, and accuracy under *valid* attack: a flip judged
    "no" (the gold label does not hold) counts as robust; unjudged flips still count as flips."""
    verdicts = judged_outcomes(records, judgements)
    holds, broken = sum(v == "yes" for v in verdicts.values()), sum(v == "no" for v in verdicts.values())
    counted = [r for r in records if is_counted(r)]
    robust = sum(bool(r.get("robust_correct")) or verdicts.get(str(r["id"])) == "no" for r in counted)
    return {"judged": holds + broken, "holds": holds, "unsure": len(verdicts) - holds - broken,
            "successes": sum(is_adversarial(r) for r in records), "judged_successes": len(verdicts),
            "rate": _wilson_metric(holds, holds + broken),
            "accuracy_under_valid_attack": {"value": robust / len(counted) if counted else None, "n": len(counted)}}


def _wilson_metric(successes: int, n: int) -> dict | None:
    if n == 0:
        return None
    low, high = _wilson(successes, n)
    return {"value": round(successes / n, 6), "low": low, "high": high, "n": n}


def summary_mismatches(run: Run, computed: dict[str, float | None]) -> list[str]:
    """Warnings where a complete run's summary states other accuracies than ``computed`` from its examples."""
    warnings = []
    if run.complete:
        for name in ("clean_accuracy", "accuracy_under_attack"):
            stated, value = run.summary.get(name), computed.get(name)
            if isinstance(stated, (int, float)) and value is not None and abs(stated - value) > 1e-6:
                warnings.append(f"{run.path}: {SUMMARY_FILE} says {name} = {stated:.4f} but {EXAMPLES_FILE} "
                                f"gives {value:.4f}; the examples are used")
    return warnings


def outcomes(records: list[dict]) -> dict[str, dict[str, bool]]:
    """Per counted example id: clean and robust correctness, attacked (= classified correctly), succeeded."""
    return {r["id"]: {"clean": bool(r.get("clean_correct")), "robust": bool(r.get("robust_correct")),
                      "attacked": r["status"] in ATTACKED, "succeeded": r["status"] == "succeeded"}
            for r in records if is_counted(r)}


def robust_outcomes(records: list[dict]) -> dict[str, bool]:
    """Per counted example id: still correct after the attack."""
    return {i: o["robust"] for i, o in outcomes(records).items()}


def adversarial_pairs(records: list[dict], limit: int) -> list[dict]:
    """The first ``limit`` successful adversarial pairs, as the leaderboard shows them."""
    pairs = []
    for r in records:
        if not is_adversarial(r):
            continue
        pairs.append({"id": r["id"], "label": r.get("label"), "original": r.get("original"),
                      "perturbed": r.get("perturbed"), "edits": r.get("edits") or [],
                      "pred_before": r.get("pred_before"), "pred_after": r.get("pred_after"),
                      "perturbed_share": perturbed_share(r)})
        if len(pairs) == limit:
            break
    return pairs
