"""Attach a person's audit verdicts to the results they judge: ``rbx audit RESULTS --import FILE.csv``.

Card
- What: :func:`import_judgements` reads ``judgements.csv`` sheets written by ``rbx audit`` and
  filled in by a person (``label_holds``: yes / no / unsure), finds each judged pair in the results
  (the row's ``cell`` folder under ``RESULTS``, its ``id``), and writes the verdicts into the cell's
  ``judgements.jsonl`` (``results.write_judgements``). The leaderboard then shows, per recipe and
  language, the share of judged pairs whose label holds (Wilson CI) and an accuracy under *valid*
  attack, in which a flip judged "no" counts as robust.
- A row attaches only to the very pair it judged: the record must be a successful attack whose
  perturbed sentence(s) are the row's ``perturbed`` text, and the cell's recipe version the row's
  (``char-noise v2``). Otherwise the row is refused with its reason, so verdicts never drift onto a
  re-run's different pairs. Blank ``label_holds`` rows are counted and skipped.
- Idempotent: importing a sheet again replaces each verdict on the same (id, pair) and leaves the
  file's bytes as they were; a later sheet's verdict on the same pair wins.
- Languages: any; the texts are compared as stored.
- Example::

      report = import_judgements("leaderboard/pawsx-full/results", ["leaderboard/pawsx-full/audit/judgements.csv"])
      report.attached, report.blank, report.refused[:2]
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .errors import RbxError
from .results import (EXAMPLES_FILE, VERDICTS, cell_label, is_adversarial, read_examples, read_judgements,
                      write_judgements)

REQUIRED_COLUMNS = ("cell", "id", "recipe", "perturbed", "label_holds")
PAIR_COLUMNS = ("sentence1", "sentence2")


@dataclass
class ImportReport:
    attached: int = 0
    blank: int = 0
    refused: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    by_verdict: dict[str, int] = field(default_factory=dict)


def edited_text(record: dict) -> str:
    """The perturbed sentence(s) as ``rbx audit`` writes them into the sheet's ``perturbed`` column."""
    before, after = record["original"], record["perturbed"]
    edited = [c for c in PAIR_COLUMNS if after.get(c, before[c]) != before[c]]
    return " | ".join(after[c] for c in edited)


def _read_sheet(path: Path) -> list[dict]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise RbxError(f"judgements file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise RbxError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except (OSError, csv.Error) as exc:
        raise RbxError(f"{path}: cannot read it as CSV ({exc})") from None
    missing = [c for c in REQUIRED_COLUMNS if not rows or c not in rows[0]]
    if missing:
        raise RbxError(f"{path}: no judgement rows with the columns {', '.join(REQUIRED_COLUMNS)} "
                       f"(missing: {', '.join(missing)}); write the sheet with rbx audit")
    return rows


class _Cells:
    """Cell folders under the results root, each read once."""

    def __init__(self, root: Path):
        self.root, self._cache = root, {}

    def get(self, relative: str):
        if relative not in self._cache:
            folder = (self.root / relative).resolve()
            if not (folder / EXAMPLES_FILE).is_file() or self.root.resolve() not in (folder, *folder.parents):
                self._cache[relative] = None
            else:
                records, _ = read_examples(folder / EXAMPLES_FILE)
                self._cache[relative] = (folder, {str(r["id"]): r for r in records},
                                         cell_label(folder, records)[2], read_judgements(folder)[0])
        return self._cache[relative]


def import_judgements(results_dir: str | Path, sheets: list[str | Path]) -> ImportReport:
    """Attach the verdicts of ``sheets`` to the results under ``results_dir`` (see the module card)."""
    root = Path(results_dir).expanduser()
    if not root.is_dir():
        raise RbxError(f"results folder not found: {root}")
    report, cells, changed = ImportReport(), _Cells(root), {}
    for sheet in map(Path, sheets):
        for number, row in enumerate(_read_sheet(sheet), start=2):  # line 1 is the header
            where = f"{sheet.name}:{number}"
            verdict = (row.get("label_holds") or "").strip().lower()
            if not verdict:
                report.blank += 1
                continue
            if verdict not in VERDICTS:
                report.refused.append(f"{where}: label_holds {verdict!r} is not one of {', '.join(VERDICTS)}")
                continue
            found = cells.get(row["cell"])
            if found is None:
                report.refused.append(f"{where}: no results cell {row['cell']!r} under {root}")
                continue
            folder, records, recipe, judgements = found
            record = records.get(str(row["id"]).strip())
            if record is None or not is_adversarial(record):
                report.refused.append(f"{where}: {row['cell']} has no successful attack on id {row['id']}")
            elif row["recipe"].strip() != recipe:
                report.refused.append(f"{where}: judged {row['recipe']!r}, the cell holds {recipe!r}")
            elif row["perturbed"] != edited_text(record):
                report.refused.append(f"{where}: {row['cell']} id {row['id']}: the results hold another perturbed "
                                      "pair (re-run since the audit?)")
            else:
                kept = [j for j in judgements if not (str(j["id"]) == str(record["id"])
                                                       and j.get("perturbed") == record["perturbed"])]
                judgements[:] = kept + [{"id": str(record["id"]), "perturbed": record["perturbed"],
                                         "label_holds": verdict, "note": (row.get("note") or "").strip(),
                                         "source": sheet.name}]
                changed[folder] = judgements
                report.attached += 1
                report.by_verdict[verdict] = report.by_verdict.get(verdict, 0) + 1
    for folder, judgements in changed.items():
        write_judgements(folder, judgements)
        report.cells.append(folder.relative_to(root.resolve()).as_posix())
    if report.attached == 0:
        first = f"; first refusal: {report.refused[0]}" if report.refused else ""
        raise RbxError(f"no judgement attached ({report.blank} blank rows, {len(report.refused)} refused){first}")
    return report


__all__ = ["ImportReport", "edited_text", "import_judgements"]
