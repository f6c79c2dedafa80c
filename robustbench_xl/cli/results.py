"""``rbx results migrate FOLDER``: rewrite results folders to portable run identities.

Mounted in :mod:`robustbench_xl.cli` as ``app.add_typer(results.app, name="results")``. Errors are one line
(``error: ...``) with exit code 2, as for every rbx command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import RbxError
from .errors import reports_errors

app = typer.Typer(help="Maintain results folders (migrate them to the current format).", no_args_is_help=True,
                  add_completion=False)


@app.callback()
def results() -> None:
    """Maintain results folders.

    Example: rbx results migrate leaderboard/pawsx-full/results
    """


def _model_specs(values: list[str] | None) -> dict[str, str]:
    specs = {}
    for value in values or []:
        model_id, sep, spec = value.partition("=")
        if not sep or not model_id or not spec:
            raise RbxError(f"--model must look like ID=FOLDER (or ID=hub-id), got {value!r}")
        specs[model_id] = spec
    return specs


@app.command("migrate")
@reports_errors
def migrate_command(
    folders: Annotated[list[Path], typer.Argument(help="Results folders (each holds <model>/<lang>/<recipe>/).")],
    model: Annotated[Optional[list[str]], typer.Option(
        "--model", "-m", help="ID=FOLDER: where a model that is not a shipped victim is now (repeatable).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing.")] = False,
) -> None:
    """Give results written before run identities were portable the identity rbx computes today.

    run.json and summary.json get the model's content fingerprint instead of its folder, and a new config_hash.

    The checkpoint folder and library versions move under "provenance"; examples.jsonl is not touched.

    Summaries written before a metric existed (coverage) get it, computed from examples.jsonl.

    Attacks are not re-run: the weights are checked against the recorded fingerprint. A second run changes nothing.

    Examples:

      rbx results migrate leaderboard/pawsx-full/results

      rbx results migrate results/ --model my-xlmr=/data/ckpt/my-xlmr --dry-run
    """
    from ..migrate import migrate_results

    specs = _model_specs(model)
    for folder in folders:
        report = migrate_results(folder, models=specs, dry_run=dry_run)
        verb = "would migrate" if dry_run else "migrated"
        typer.echo(f"{folder}: {verb} {len(report.migrated)} cells, {len(report.unchanged)} already portable, "
                   f"{len(report.plan_files)} plan records, {len(report.metrics_added)} summaries given newer "
                   f"metrics (coverage)")
        for m in report.models.values():
            typer.echo(f"  model {m.id} ({m.spec}): fingerprint {m.fingerprint[:12]}; checked by {m.verified}")
        for warning in report.warnings:
            typer.echo(f"warning: {warning}", err=True)
