"""``rbx audit``: sample successful adversarial pairs for a person to judge.

Mounted in :mod:`robustbench_xl.cli` as a command (``app.command("audit")(audit.audit_command)``);
``app`` also works on its own (``typer.testing.CliRunner().invoke(audit.app, [...])``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

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
    import_sheets: Annotated[Optional[list[Path]], typer.Option(
        "--import", help="A filled-in judgements.csv to attach to RESULTS_DIR (repeatable); no sheets are written.")]
        = None,
) -> None:
    """Write audit.md, audit.html and judgements.csv: a sample of successful adversarial pairs, original and
    perturbed side by side with the changed words marked, and a column for whether the gold label still holds.

    Examples:

      rbx audit results --n 50

      rbx audit results/xlmr-pawsx/ko/code-switch --n 20 --seed 1 --out audit-ko

      rbx audit results --import results/audit/judgements.csv

    With --import, the verdicts (label_holds yes / no / unsure) are attached to the very pairs they judged
    (judgements.jsonl in each cell) and the leaderboard shows validity and accuracy under valid attack.
    """
    if import_sheets:
        from ..judgements import import_judgements

        report = import_judgements(results_dir, import_sheets)
        verdicts = ", ".join(f"{v} {n}" for v, n in sorted(report.by_verdict.items()))
        typer.echo(f"attached {report.attached} judgements ({verdicts}) to {len(report.cells)} cell(s); "
                   f"{report.blank} blank rows skipped, {len(report.refused)} refused")
        for reason in report.refused:
            typer.echo(f"refused: {reason}", err=True)
        return
    from ..audit import audit

    report = audit(results_dir, n=n, seed=seed, out=out)
    typer.echo(f"{report['sampled']} of {report['found']} successful pairs from {report['cells']} cell(s), "
               f"seed {report['seed']}:")
    for path in report["files"].values():
        typer.echo(f"  {path}")
