"""``rbx run PLAN`` and ``rbx plan show|validate``: attack plans from the command line.

Mounted in :mod:`robustbench_xl.cli` as ``rbx run`` and ``rbx plan``; ``app`` holds both for use on its
own. Exit codes of ``run``: 0 when every cell finished, 1 when a cell failed (the others still ran), 2
for an invalid plan or results folder.
"""

from __future__ import annotations

from typing import Optional

import typer

from ..errors import RbxError
from .errors import reports_errors
from .options import DEFAULTS

app = typer.Typer(help="Run attack plans (grids of attack cells).", no_args_is_help=True,
                  pretty_exceptions_enable=False, rich_markup_mode="rich",
                  context_settings={"help_option_names": ["-h", "--help"]})
plan_app = typer.Typer(help="Inspect and validate attack plans (attacks/*.yaml).", no_args_is_help=True)
app.add_typer(plan_app, name="plan")


@app.command("run")
@reports_errors
def run_command(
    plan: str = typer.Argument(..., help="Plan file, e.g. attacks/pawsx-lowres.yaml."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w",
                                          help="Local worker processes (each gets cores // N torch threads); "
                                               "with --executor ray: CPUs of the local Ray [default: 1 / all cores]."),
    shard: Optional[str] = typer.Option(None, "--shard", help="Run only shard I of N, e.g. 2/4 (1-based; "
                                                               "SLURM: --shard $SLURM_ARRAY_TASK_ID/N)."),
    executor: str = typer.Option("local", "--executor", help="local or ray."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address",
                                              help="Existing Ray cluster (e.g. auto or ray://host:10001) "
                                                   "[default: start a local Ray]."),
    cpus_per_cell: Optional[float] = typer.Option(None, "--cpus-per-cell", help="Ray: CPUs per cell (= its torch "
                                                  "threads) [default: the plan's cpus_per_cell, or 1]."),
    gpus_per_cell: Optional[float] = typer.Option(None, "--gpus-per-cell", help="Ray: GPUs per cell "
                                                  "[default: the plan's gpus_per_cell, or 0]."),
    max_retries: int = typer.Option(2, "--max-retries", help="Ray: retries of a crashed cell (it resumes)."),
    out: Optional[str] = typer.Option(None, "--out", "-o", help="Results root [default: the plan's out, or results]."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the plan and the results folder and say which "
                                                          "cells are complete, partial or not started; run nothing."),
    device: Optional[str] = typer.Option(None, "--device", help="auto | cpu | cuda | cuda:N | mps "
                                                                 "(default: the plan's device, or auto)."),
    precision: Optional[str] = typer.Option(None, "--precision", help="fp32 | bf16 | fp16 (default: the plan's "
                                                                       "precision, or fp32); not fp32: part of "
                                                                       "each cell's identity."),
):
    """Run every cell of a plan that is not complete yet; resume partial ones.

    Examples:

      rbx run attacks/smoke.yaml

      rbx run attacks/pawsx-lowres.yaml --workers 2 --out results/

      rbx run attacks/pawsx-lowres.yaml --shard 3/8      # one SLURM array task of 8

      rbx run attacks/pawsx-lowres.yaml --executor ray --ray-address auto --cpus-per-cell 4

      rbx run attacks/pawsx-full.yaml --dry-run          # what would run; writes nothing

      rbx run attacks/pawsx-lowres.yaml --device cuda --precision bf16 --out results-bf16/
    """
    if dry_run:
        _print_dry_run(plan, out, shard, device, precision)
        return
    from ..plans import run_plan

    report = run_plan(plan, out=out, workers=workers, shard=shard, executor=executor, ray_address=ray_address,
                      cpus_per_cell=cpus_per_cell, gpus_per_cell=gpus_per_cell, max_retries=max_retries,
                      progress=not quiet, device=device, precision=precision)
    _print_report(report)
    if not report["ok"]:
        raise typer.Exit(1)


def _print_dry_run(plan: str, out: str | None, shard: str | None, device: str | None, precision: str | None) -> None:
    from ..plans.run import prepare_plan

    parsed, out_path, _, states, _ = prepare_plan(plan, out, shard, device=device, precision=precision)
    complete = [s for s in states if s.complete]
    partial = [s for s in states if not s.complete and s.done]
    fresh = [s for s in states if not s.complete and not s.done]
    typer.echo(f"plan {parsed.name} in {out_path}: {len(states)} cells · {len(complete)} complete · "
               f"{len(partial)} partial · {len(fresh)} not started")
    for state in partial:
        typer.echo(f"  would resume {state.cell.key} ({state.done} of {state.total} examples)")
    for state in fresh:
        typer.echo(f"  would run {state.cell.key}")


def _print_report(report: dict) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    c = report["counts"]
    shard = f" (shard {report['shard'][0]}/{report['shard'][1]})" if report["shard"] else ""
    console.print(f"plan {report['plan']}{shard}: {report['n_cells']} cells · {c['done']} run · "
                  f"{c['complete']} already complete · {c['failed']} failed · {report['wall_s']:.1f} s")
    for cell in report["cells"]:
        if cell["status"] == "failed":
            console.print(f"  failed {cell['key']}: {cell['error']}", markup=False)
    console.print(f"report: {report['report_file']}")
    if report["failures_file"]:
        console.print(f"failures: {report['failures_file']} (fix, then run the same command again)")


@plan_app.command("validate")
def validate_command(plan: str = typer.Argument(..., help="Plan file.")):
    """List every problem of a plan (schema, unknown models/languages/recipes, unsupported pairs).

    Example: rbx plan validate attacks/pawsx-lowres.yaml
    """
    from ..plans import expand_plan, parse_plan, registry_problems

    parsed, problems = parse_plan(plan)
    if parsed is not None:
        problems = problems + registry_problems(parsed)
    if problems:
        for problem in problems:
            typer.echo(f"{plan}: {problem}", err=True)
        raise RbxError(f"{plan}: {len(problems)} problem(s)")
    cells = expand_plan(parsed, parsed.out or DEFAULTS.out)
    typer.echo(f"ok: plan {parsed.name}: {len(cells)} cells ({len(parsed.models)} models x "
               f"{len(parsed.languages)} languages x {len(parsed.recipes)} recipes x {len(parsed.seeds)} seeds"
               f"{', minus exclusions' if parsed.exclude else ''})")


@plan_app.command("show")
def show_command(plan: str = typer.Argument(..., help="Plan file."),
                 out: Optional[str] = typer.Option(None, "--out", "-o", help="Results root to report progress from."),
                 shard: Optional[str] = typer.Option(None, "--shard", help="Only shard I of N.")):
    """Print a plan's cells, their results folders and how far each has got.

    Example: rbx plan show attacks/smoke.yaml --out results/
    """
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table

    from ..plans import expand_plan, load_plan, select_shard
    from ..results import EXAMPLES_FILE, read_summary

    parsed = load_plan(plan)
    cells = select_shard(expand_plan(parsed, Path(out or parsed.out or DEFAULTS.out)), shard)
    table = Table(title=f"plan {parsed.name}: {len(cells)} cells · settings {parsed.settings_hash[:12]}")
    for column in ("cell", "seed", "folder", "status"):
        table.add_column(column, overflow="fold")
    for cell in cells:
        summary = read_summary(cell.root) or {}
        try:
            lines = (cell.root / EXAMPLES_FILE).read_bytes().count(b"\n")
        except OSError:
            lines = 0
        status = "complete" if summary.get("complete") else f"partial ({lines} examples)" if lines else "not started"
        table.add_row(cell.key, str(cell.seed), str(cell.root), status)
    Console().print(table)
