"""CLI for ``rbx audit``: sample successful adversarial pairs for a person to judge.

Mount in ``cli.py`` (one command, so it is registered as a command, not a group)::

    from robustbench_xl import cli_audit
    app.command("audit")(cli_audit.audit_command)

``app`` also works on its own (``typer.testing.CliRunner().invoke(cli_audit.app, [...])``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .errors import RbxError

app = typer.Typer(help="Human audit sheets for adversarial pairs.", add_completion=False)


@app.command("audit")
def audit_command(
    results_dir: Annotated[Path, typer.Argument(help="A cell folder <out>/<model>/<lang>/<recipe> or a results "
                                                     "root (walked for examples.jsonl).")],
    n: Annotated[int, typer.Option("--n", help="Pairs to sample (all when fewer).")] = 50,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the sheets "
                                                               "(default: RESULTS_DIR/audit).")] = None,
) -> None:
    """Write audit.md, audit.html and judgements.csv: a sample of successful adversarial pairs, original and
    perturbed side by side with the changed words marked, and a column for whether the gold label still holds.

    Examples:

      rbx audit results --n 50

      rbx audit results/xlmr-pawsx/ko/code-switch --n 20 --seed 1 --out audit-ko
    """
    from .audit import audit

    try:
        report = audit(results_dir, n=n, seed=seed, out=out)
    except RbxError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(code=error.exit_code) from None
    typer.echo(f"{report['sampled']} of {report['found']} successful pairs from {report['cells']} cell(s), "
               f"seed {report['seed']}:")
    for path in report["files"].values():
        typer.echo(f"  {path}")
