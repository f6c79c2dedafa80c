"""``rbx audit``: sample successful adversarial pairs for a person to judge.

Mounted in :mod:`robustbench_xl.cli` as a command (``app.command("audit")(audit.audit_command)``);
``app`` also works on its own (``typer.testing.CliRunner().invoke(audit.app, [...])``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .errors import reports_errors

app = typer.Typer(help="Human audit sheets for adversarial pairs.", add_completion=False)


@app.command("audit")
@reports_errors
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
    from ..audit import audit

    report = audit(results_dir, n=n, seed=seed, out=out)
    typer.echo(f"{report['sampled']} of {report['found']} successful pairs from {report['cells']} cell(s), "
               f"seed {report['seed']}:")
    for path in report["files"].values():
        typer.echo(f"  {path}")
