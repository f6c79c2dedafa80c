"""Results files of one attack cell: ``examples.jsonl`` and ``summary.json``.

The schema is documented in ``docs/results-schema.md``. Lines are appended and flushed one example at
a time; :func:`read_examples` tolerates a truncated last line (a run killed mid-write) and
:func:`repair_examples_file` cuts it off before a resume, so no example is lost or written twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SCHEMA_VERSION = 1
EXAMPLES_FILE = "examples.jsonl"
SUMMARY_FILE = "summary.json"
RUN_FILE = "run.json"


def dumps_line(record: dict) -> str:
    """One canonical JSON line (fixed key order, UTF-8, no spaces): byte-identical across runs."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def read_examples(path: Path) -> tuple[list[dict], bool]:
    """(records, whether a truncated or unreadable last line was ignored)."""
    if not path.exists():
        return [], False
    records, damaged = [], False
    with open(path, "rb") as handle:
        data = handle.read()
    lines = data.split(b"\n")
    for i, raw in enumerate(lines):
        if not raw.strip():
            continue
        try:
            records.append(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, json.JSONDecodeError):
            if i == len(lines) - 1 or all(not rest.strip() for rest in lines[i + 1:]):
                damaged = True  # the last line of a killed run
                continue
            raise ValueError(f"{path}: line {i + 1} is not valid JSON")
    return records, damaged


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


def write_json_atomic(path: Path, payload: dict) -> None:
    """Write JSON through a temporary file and a rename: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=2, sort_keys=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _wilson(successes: int, n: int) -> list[float] | None:
    if n == 0:
        return None
    from robustbench_xl.stats import wilson_interval  # the one Wilson interval in rbx

    low, high = wilson_interval(successes, n)
    return [round(low, 6), round(high, 6)]


def summarize(records: list[dict]) -> dict:
    """Metrics of a cell from its example records (see the schema for definitions)."""
    succeeded = sum(r["status"] == "succeeded" for r in records)
    failed = sum(r["status"] == "failed" for r in records)
    skipped = [r for r in records if r["status"] == "skipped"]
    by_reason: dict[str, int] = {}
    for r in skipped:
        reason = (r.get("skip_reason") or "unknown").split(":")[0]
        by_reason[reason] = by_reason.get(reason, 0) + 1
    misclassified = by_reason.get("misclassified", 0)
    n = succeeded + failed + misclassified
    attacked = [r for r in records if r["status"] in ("succeeded", "failed")]
    shares = [r["perturbed_share"] for r in records if r["status"] == "succeeded" and r["perturbed_share"] is not None]
    clean_correct = succeeded + failed
    return {
        "n_examples": n,
        "counts": {"succeeded": succeeded, "failed": failed, "skipped": len(skipped),
                   "skipped_by_reason": dict(sorted(by_reason.items()))},
        "clean_accuracy": round(clean_correct / n, 6) if n else None,
        "accuracy_under_attack": round(failed / n, 6) if n else None,
        "attack_success_rate": round(succeeded / (succeeded + failed), 6) if attacked else None,
        "mean_perturbed_share": round(sum(shares) / len(shares), 6) if shares else None,
        "mean_queries": round(sum(r["queries"] for r in attacked) / len(attacked), 3) if attacked else None,
        "ci95": {
            "method": "Wilson score interval over examples",
            "clean_accuracy": _wilson(clean_correct, n),
            "accuracy_under_attack": _wilson(failed, n),
            "attack_success_rate": _wilson(succeeded, succeeded + failed),
        },
    }
