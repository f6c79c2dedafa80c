"""The CI gate: did accuracy under attack drop, for real, since the baseline?

Card
- What: ``check(baseline, results)`` compares every (model, language, recipe) cell of a baseline
  file with the same cell in a results folder. A cell FAILS when accuracy under attack dropped by
  more than ``max_drop`` points AND McNemar's test on the same example ids says the change is real
  (p < ``alpha``); otherwise it passes. Cells whose results are gone are ``missing``; cells whose
  examples fingerprint or recipe version changed are ``not comparable``; both are listed, neither
  fails. A run in another precision than the baseline's is a one-line error unless
  ``allow_mixed_precision``. ``write_baseline(results, path)`` makes a baseline from results.
- Exit code (``CheckReport.exit_code``): 1 if any cell failed; 2 if no baseline cell could be
  checked (and, via ``RbxError``, for an unreadable baseline or results folder); 0 otherwise.
- Baseline format (``docs/leaderboard.md``): JSON ``{"kind": "rbx-check-baseline",
  "schema_version": 1, "cells": [{model, lang, recipe, recipe_version, precision (absent: fp32), examples_fingerprint,
  n_examples, accuracy_under_attack, robust_correct: {id: bool}}]}``.
- Example::

      report = check("leaderboard/baseline.json", "results", max_drop=2.0, alpha=0.05, junit="check.xml")
      raise SystemExit(report.exit_code)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from robustbench_xl.errors import RbxError
from robustbench_xl.leaderboard.format import count, p_brief, pct, setting, signed
from robustbench_xl.leaderboard.results import MIXED_PRECISION_HINT, preference, select_runs
from robustbench_xl.results import Run, discover_runs, metric_means, robust_outcomes
from robustbench_xl.stats import mcnemar

BASELINE_KIND = "rbx-check-baseline"
BASELINE_SCHEMA_VERSION = 1
CELL_FIELDS = ("model", "lang", "recipe", "recipe_version", "examples_fingerprint", "robust_correct")


@dataclass
class CellVerdict:
    """The gate's answer for one baseline cell."""

    model: str
    lang: str
    recipe: str
    verdict: str  # "pass" | "fail" | "missing" | "not comparable"
    message: str
    baseline_accuracy: float | None = None
    current_accuracy: float | None = None
    drop_points: float | None = None
    p_value: float | None = None
    test: str | None = None
    n_paired: int = 0
    path: str | None = None

    @property
    def name(self) -> str:
        return f"{self.model}/{self.lang}/{self.recipe}"


@dataclass
class CheckReport:
    """Every cell's verdict, the settings used and the warnings met on the way."""

    cells: list[CellVerdict]
    max_drop: float
    alpha: float
    warnings: list[str] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(cell.verdict == verdict for cell in self.cells)

    @property
    def exit_code(self) -> int:
        if self.count("fail"):
            return 1
        return 0 if self.count("pass") else 2

    def to_junit(self) -> str:
        """JUnit XML: one test case per baseline cell; missing and not comparable cells are skipped."""
        from xml.etree import ElementTree as ET

        skipped = self.count("missing") + self.count("not comparable")
        counts = {"tests": str(len(self.cells)), "failures": str(self.count("fail")), "errors": "0",
                  "skipped": str(skipped)}
        suites = ET.Element("testsuites", {"name": "rbx check", **counts})
        suite = ET.SubElement(suites, "testsuite", {"name": "rbx check", "time": "0", **counts})
        properties = ET.SubElement(suite, "properties")
        for name, value in (("max_drop_points", self.max_drop), ("alpha", self.alpha)):
            ET.SubElement(properties, "property", {"name": name, "value": str(value)})
        for cell in self.cells:
            case = ET.SubElement(suite, "testcase", {"classname": f"rbx.check.{cell.model}",
                                                     "name": f"{cell.lang}/{cell.recipe}", "time": "0"})
            if cell.verdict == "fail":
                failure = ET.SubElement(case, "failure", {"message": cell.message, "type": "RobustnessRegression"})
                failure.text = cell.message
            elif cell.verdict != "pass":
                ET.SubElement(case, "skipped", {"message": f"{cell.verdict}: {cell.message}"})
            ET.SubElement(case, "system-out").text = cell.message
        if self.warnings:
            ET.SubElement(suite, "system-err").text = "\n".join(self.warnings)
        ET.indent(suites)
        return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def load_baseline(path: str | Path) -> dict:
    """A validated baseline; ``RbxError`` (exit 2) naming the problem otherwise."""
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RbxError(f"baseline not found: {source} (make one with --update-baseline)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RbxError(f"baseline {source} is not readable JSON: {error}") from None
    if not isinstance(data, dict) or data.get("kind") != BASELINE_KIND:
        raise RbxError(f"baseline {source}: not an rbx check baseline (expected kind {BASELINE_KIND!r})")
    if data.get("schema_version") != BASELINE_SCHEMA_VERSION:
        raise RbxError(f"baseline {source}: schema_version {data.get('schema_version')!r} "
                       f"is not {BASELINE_SCHEMA_VERSION}")
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise RbxError(f"baseline {source}: 'cells' must be a list")
    for index, cell in enumerate(cells):
        missing = [name for name in CELL_FIELDS if not isinstance(cell, dict) or name not in cell]
        if missing:
            raise RbxError(f"baseline {source}: cell {index} lacks {', '.join(missing)}")
        outcomes = cell["robust_correct"]
        if not isinstance(outcomes, dict) or not all(isinstance(v, bool) for v in outcomes.values()):
            raise RbxError(f"baseline {source}: cell {index} ({cell['model']}/{cell['lang']}/{cell['recipe']}) "
                           "'robust_correct' must map example ids to true/false")
    return data


def baseline_from_results(results: str | Path) -> tuple[dict, list[str]]:
    """A baseline holding one comparable run per cell of ``results``, and the warnings met."""
    from robustbench_xl import __version__

    runs, warnings = discover_runs(results)
    chosen, excluded = select_runs(runs)
    warnings += [f"{item.run.path}: left out of the baseline: {item.reason}" for item in excluded]
    if not chosen:
        raise RbxError(f"no usable results under {results} to make a baseline from")
    cells = []
    for run in sorted(chosen, key=lambda r: r.cell):
        if not run.complete:
            warnings.append(f"{run.path}: incomplete run stored in the baseline")
        outcomes = robust_outcomes(run.examples)
        cells.append({
            "model": run.model, "lang": run.lang, "recipe": run.recipe, "recipe_version": run.recipe_version,
            "precision": run.precision, "examples_fingerprint": run.fingerprint, "config_hash": run.config_hash, "complete": run.complete,
            "n_examples": len(outcomes),
            "accuracy_under_attack": metric_means(run.examples)["accuracy_under_attack"],
            "robust_correct": outcomes,
        })
    return {"kind": BASELINE_KIND, "schema_version": BASELINE_SCHEMA_VERSION,
            "generated_by": f"robustbench_xl {__version__}", "cells": cells}, warnings


def write_baseline(results: str | Path, path: str | Path) -> tuple[dict, list[str]]:
    """Write a baseline made from ``results`` to ``path``; return it and the warnings."""
    data, warnings = baseline_from_results(results)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return data, warnings


def judge_cell(cell: dict, candidates: list[Run], max_drop: float, alpha: float,
               model_has_results: bool, allow_mixed_precision: bool = False) -> CellVerdict:
    """The verdict for one baseline cell given the runs of the same (model, lang, recipe). A run in
    another precision than the baseline cell's (absent: fp32) is refused, like another recipe version
    would be, unless ``allow_mixed_precision``."""
    verdict = CellVerdict(cell["model"], cell["lang"], cell["recipe"], "missing", "",
                          baseline_accuracy=cell.get("accuracy_under_attack"))
    if not candidates:
        verdict.message = ("no results for this cell" if model_has_results
                           else f"model {cell['model']!r} has no results at all (removed or renamed?)")
        return verdict
    key = (str(cell["recipe_version"]), cell["examples_fingerprint"])
    matching = sorted((r for r in candidates if r.comparability_key == key), key=preference)
    if not matching:
        other = sorted(candidates, key=preference)[0]
        verdict.verdict, verdict.path = "not comparable", str(other.path)
        if str(other.recipe_version) != key[0]:
            verdict.message = (f"recipe version {other.recipe_version} differs from the baseline's "
                               f"{cell['recipe_version']}")
        else:
            verdict.message = (f"examples_fingerprint {other.fingerprint[:12]} differs from the baseline's "
                               f"{cell['examples_fingerprint'][:12]} (different examples)")
        return verdict
    run = matching[0]
    verdict.path = str(run.path)
    was = str(cell.get("precision") or "fp32").lower()
    mixed = run.precision != was
    if mixed and not allow_mixed_precision:
        raise RbxError(f"{verdict.name}: the baseline ran in {was}, {run.path} in {run.precision}; cells that "
                       f"differ in precision are not compared: {MIXED_PRECISION_HINT}")
    current = robust_outcomes(run.examples)
    ids = [i for i in cell["robust_correct"] if i in current]
    if not ids:
        verdict.verdict, verdict.message = "not comparable", "no example id in common with the baseline"
        return verdict
    before = [cell["robust_correct"][i] for i in ids]
    after = [current[i] for i in ids]
    test = mcnemar(before, after)
    verdict.baseline_accuracy = sum(before) / len(ids)
    verdict.current_accuracy = sum(after) / len(ids)
    verdict.drop_points = 100 * (verdict.baseline_accuracy - verdict.current_accuracy)
    verdict.p_value, verdict.test, verdict.n_paired = test.p_value, test.method, len(ids)
    change = (f"accuracy under attack {pct(verdict.baseline_accuracy)}% -> {pct(verdict.current_accuracy)}% "
              f"({signed(-verdict.drop_points / 100)} points) on {len(ids)} paired examples; "
              f"{test.b} regressed, {test.c} fixed; McNemar ({test.method}) p = {p_brief(test.p_value)}")
    if verdict.drop_points > max_drop and test.p_value < alpha:
        verdict.verdict = "fail"
        verdict.message = f"{change}: a drop of more than {setting(max_drop)} points with p < {setting(alpha)}"
    else:
        verdict.verdict = "pass"
        why = (f"drop within {setting(max_drop)} points" if verdict.drop_points <= max_drop
               else f"p >= {setting(alpha)}, not a significant drop")
        verdict.message = f"{change}: {why}"
    if mixed:
        verdict.message += f" (baseline {was}, now {run.precision}: compared under --allow-mixed-precision)"
    return verdict


def check(baseline: str | Path, results: str | Path, *, max_drop: float = 2.0, alpha: float = 0.05,
          junit: str | Path | None = None, allow_mixed_precision: bool = False) -> CheckReport:
    """Compare ``results`` with ``baseline`` cell by cell; write JUnit XML to ``junit`` if given."""
    if max_drop < 0 or not 0 < alpha < 1:
        raise RbxError("--max-drop must be >= 0 and --alpha between 0 and 1")
    data = load_baseline(baseline)
    runs, warnings = discover_runs(results)
    by_cell: dict[tuple[str, str, str], list[Run]] = {}
    for run in runs:
        by_cell.setdefault(run.cell, []).append(run)
    models_with_results = {run.model for run in runs}
    report = CheckReport([], max_drop, alpha, list(warnings))
    for cell in data["cells"]:
        key = (cell["model"], cell["lang"], cell["recipe"])
        verdict = judge_cell(cell, by_cell.get(key, []), max_drop, alpha, cell["model"] in models_with_results,
                             allow_mixed_precision)
        if verdict.verdict in ("missing", "not comparable"):
            report.warnings.append(f"{verdict.name}: {verdict.verdict}: {verdict.message}")
        report.cells.append(verdict)
    baseline_cells = {(c["model"], c["lang"], c["recipe"]) for c in data["cells"]}
    new = sorted(set(by_cell) - baseline_cells)
    if new:
        report.warnings.append(f"{len(new)} result cell(s) are not in the baseline and were not checked "
                               f"(e.g. {'/'.join(new[0])}); --update-baseline adds them")
    if junit is not None:
        target = Path(junit)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(report.to_junit(), encoding="utf-8")
    return report


def print_report(report: CheckReport, console=None) -> None:
    """A rich table of every cell with its verdict, then the warnings and the outcome."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console or Console()
    styles = {"pass": "green", "fail": "bold red", "missing": "yellow", "not comparable": "yellow"}
    table = Table(title=(f"rbx check: fail = drop > {setting(report.max_drop)} points and McNemar "
                         f"p < {setting(report.alpha)}"),
                  title_justify="left")
    for name in ("Model", "Lang", "Recipe", "Baseline", "Now", "Drop", "n", "p", "Verdict"):
        table.add_column(name, justify="right" if name in ("Baseline", "Now", "Drop", "n", "p") else "left",
                         overflow="fold")
    for cell in report.cells:
        table.add_row(Text(cell.model), Text(cell.lang), Text(cell.recipe), Text(pct(cell.baseline_accuracy)),
                      Text(pct(cell.current_accuracy)),
                      Text(signed(None if cell.drop_points is None else cell.drop_points / 100)),
                      Text(count(cell.n_paired)), Text(p_brief(cell.p_value)),
                      Text(cell.verdict, style=styles[cell.verdict]))
    console.print(table)
    for warning in report.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"), soft_wrap=True)
    for cell in report.cells:
        if cell.verdict == "fail":
            console.print(Text(f"FAIL {cell.name}: {cell.message}", style="bold red"), soft_wrap=True)
    summary = (f"verdicts: pass {report.count('pass')}, fail {report.count('fail')}, "
               f"missing {report.count('missing')}, not comparable {report.count('not comparable')}")
    console.print(Text(summary, style="bold"))
