"""CLI for the leaderboard (``rbx leaderboard build``) and the CI gate (``rbx check``).

Mounted in :mod:`robustbench_xl.cli` as ``app.add_typer(leaderboard.app, name="leaderboard")`` and
``app.command("check")(leaderboard.check_command)``; ``check_app`` is the gate as an app of its own.

Both commands turn ``RbxError`` into ``error: <one line>`` on stderr and its exit code (2), so they
behave the same when run through ``rbx`` or on their own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import reports_errors

app = typer.Typer(help="Build the robustness leaderboard from attack results.", no_args_is_help=True,
                  add_completion=False)


@app.callback()
def leaderboard() -> None:
    """Build the robustness leaderboard from attack results.

    Example: rbx leaderboard build --results results/ --out leaderboard/
    """


def _console():
    """A rich console; CI logs are not terminals and would get 80 columns, too few for the tables."""
    from rich.console import Console

    console = Console()
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(width=160)
    return console


@app.command("build")
@reports_errors
def build_command(
    results: Annotated[Path, typer.Option(
        "--results", help="Results folder (results/<model>/<lang>/<recipe>/).")] = Path("results"),
    models: Annotated[Path, typer.Option(
        "--models", help="Registry folder of <model_id>.yaml entries.")] = Path("leaderboard/models"),
    out: Annotated[Path, typer.Option(
        "--out", help="Where README.md, leaderboard.json and index.html go.")] = Path("leaderboard"),
    resamples: Annotated[int, typer.Option(
        "--resamples", min=100, help="Bootstrap resamples per interval.")] = 2000,
    alpha: Annotated[float, typer.Option(
        "--alpha", min=0.0, max=1.0, help="Level for Holm-adjusted significance.")] = 0.05,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the tables.")] = False,
    allow_mixed_precision: Annotated[bool, typer.Option(
        "--allow-mixed-precision", help="Compare runs of one language and recipe that ran in different "
                                        "precisions (refused by default, like different recipe versions).")] = False,
) -> None:
    """Build the leaderboard (README.md, leaderboard.json, index.html) from attack results.

    Per-result metrics with 95% bootstrap intervals; STILTs minus standard per language and recipe
    with a Cochran-Mantel-Haenszel test over seed pairs (McNemar per seed pair) and Holm-adjusted p-values. See docs/leaderboard.md.

    Example: rbx leaderboard build --results results/ --models leaderboard/models/ --out leaderboard/
    """
    from ..leaderboard.build import build_leaderboard
    from ..leaderboard.render_terminal import print_leaderboard

    board = build_leaderboard(results, models, out, n_resamples=resamples, alpha=alpha,
                              allow_mixed_precision=allow_mixed_precision)
    console = _console()
    if not quiet:
        print_leaderboard(board.to_json(), console)
    elif board.warnings:
        console.print(f"{len(board.warnings)} warning(s); see {out / 'README.md'}", markup=False, soft_wrap=True)
    for path in board.files.values():
        console.print(f"wrote {path}", highlight=False, markup=False, soft_wrap=True)


@reports_errors
def check_command(
    baseline: Annotated[Path, typer.Option("--baseline", help="Baseline JSON (per-example outcomes per cell).")],
    results: Annotated[Path, typer.Option("--results", help="Results folder to check.")] = Path("results"),
    max_drop: Annotated[float, typer.Option(
        "--max-drop", help="Largest tolerated drop in accuracy under attack, in points.")] = 2.0,
    alpha: Annotated[float, typer.Option(
        "--alpha", help="A drop counts only when McNemar's p is below this.")] = 0.05,
    junit: Annotated[Optional[Path], typer.Option("--junit", help="Write JUnit XML here.")] = None,
    update_baseline: Annotated[bool, typer.Option(
        "--update-baseline", help="Write a new baseline from the results instead of checking.")] = False,
    allow_mixed_precision: Annotated[bool, typer.Option(
        "--allow-mixed-precision", help="Judge a cell whose run is in another precision than the baseline's "
                                        "(refused by default).")] = False,
) -> None:
    """CI gate: fail when accuracy under attack dropped, for real, since the baseline.

    A cell fails (exit 1) when accuracy under attack dropped by more than --max-drop points and the
    paired McNemar test on the same example ids gives p < --alpha; exit 2 on unusable input.

    Example: rbx check --baseline leaderboard/baseline.json --results results/ --junit rbx-check.xml
    """
    from ..check import check, print_report, write_baseline

    console = _console()
    if update_baseline:
        data, warnings = write_baseline(results, baseline)
        for warning in warnings:
            console.print(f"warning: {warning}", style="yellow", highlight=False, markup=False, soft_wrap=True)
        console.print(f"wrote {baseline} with {len(data['cells'])} cells",
                      highlight=False, markup=False, soft_wrap=True)
        return
    report = check(baseline, results, max_drop=max_drop, alpha=alpha, junit=junit,
                   allow_mixed_precision=allow_mixed_precision)
    print_report(report, console)
    if junit is not None:
        console.print(f"wrote {junit}", highlight=False, markup=False, soft_wrap=True)
    if report.exit_code == 2:
        typer.echo("error: no baseline cell could be checked (all missing or not comparable)", err=True)
    raise typer.Exit(code=report.exit_code)


# The gate as an app of its own: with one command, typer runs it without a sub-command name.
check_app = typer.Typer(help="The CI gate on accuracy under attack.", add_completion=False)
check_app.command("check")(check_command)
