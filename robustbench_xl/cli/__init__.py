"""The ``rbx`` command line: a thin typer face over the Python API.

This module is the root app; each command group lives in its own module beside it (``attack``,
``audit``, ``eval``, ``leaderboard`` (with ``check``), ``models`` (with ``train``), ``parsers`` (with
``parse``), ``perturb``, ``plans`` (``run`` and ``plan``), ``recipes``, ``results``), with the shared
error handling in ``errors`` and the shared option help texts in ``options``. Attack option defaults
come from :mod:`robustbench_xl.attack_defaults`.

Heavy libraries load inside commands, so ``rbx --help`` answers at once. Errors the user can fix are
printed as one line (``error: ...``) with a non-zero exit; Ctrl-C says how to resume. Layering: this
package imports the rest of robustbench_xl, and nothing outside it imports this package.
"""

from __future__ import annotations

import typer

from . import audit, leaderboard, models, parsers, perturb, plans, recipes, results
from .attack import attack_command
from .errors import run_app
from .eval import eval_command

app = typer.Typer(
    name="rbx",
    help="robustbench_xl: multilingual adversarial-robustness benchmarks for paraphrase classifiers "
         "(PAWS-X; STILTs vs standard fine-tuning).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
# Registration order is the order of ``rbx --help``.
app.add_typer(recipes.app, name="recipes")
app.command("attack")(attack_command)
app.add_typer(leaderboard.app, name="leaderboard")
app.command("check")(leaderboard.check_command)
app.command("audit")(audit.audit_command)
app.command("perturb")(perturb.perturb_command)
app.command("run")(plans.run_command)
app.add_typer(plans.plan_app, name="plan")
app.command("train")(models.train_command)
app.command("eval")(eval_command)
app.add_typer(models.app, name="models")
app.command("parse")(parsers.parse_command)
app.add_typer(parsers.app, name="parsers")
app.add_typer(results.app, name="results")


def main() -> None:
    """Console-script entry point (``rbx``, ``python -m robustbench_xl``)."""
    run_app(app)


__all__ = ["app", "main"]
