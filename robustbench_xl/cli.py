"""The ``rbx`` command line: a thin typer face over the Python API.

Heavy libraries load inside commands, so ``rbx --help`` answers at once. Errors the user can fix are
printed as one line (``error: ...``) with a non-zero exit; Ctrl-C says how to resume.
"""

from __future__ import annotations

from typing import Optional

import typer

from . import cli_audit, cli_eval, cli_leaderboard, cli_models, cli_parsing, cli_perturb, cli_plans, cli_results
from .cli_errors import reports_errors, run_app
from .lang.languages import language_codes

DEVICE_HELP = "Where the model runs: auto (a GPU when one is visible) | cpu | cuda | cuda:N | mps."
PRECISION_HELP = ("fp32 | bf16 | fp16 (autocast; fp16 needs a GPU). Not fp32: part of the results' identity, "
                  "so they never mix with fp32 results.")

app = typer.Typer(
    name="rbx",
    help="robustbench_xl: multilingual adversarial-robustness benchmarks for paraphrase classifiers "
         "(PAWS-X; STILTs vs standard fine-tuning).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
recipes_app = typer.Typer(help="List and inspect perturbation recipes.", no_args_is_help=True)
app.add_typer(recipes_app, name="recipes")


@app.command("attack")
@reports_errors
def attack_command(
    lang: str = typer.Option(..., "--lang", "-l", help="Language: " + " ".join(language_codes()) + "."),
    recipe: str = typer.Option(..., "--recipe", "-r", help="Recipe name (rbx recipes list) or YAML path."),
    model: Optional[str] = typer.Option(None, "--model", "-m",
                                        help="Checkpoint folder, hub id or shipped victim id [default: the embedded default victim]."),
    dataset: str = typer.Option("pawsx", help="pawsx, pawsx-hub, or a TSV/CSV/JSONL file or x-final folder."),
    split: str = typer.Option("dev", help="Data split (dev is bundled; others need the hub or a file)."),
    n: Optional[int] = typer.Option(200, "--n", help="Examples to attack (a fixed sample drawn with --seed)."),
    seed: int = typer.Option(0, help="Seed for the sample and the attack."),
    query_budget: int = typer.Option(500, help="Model queries allowed per example."),
    batch_size: int = typer.Option(32, help="Pairs per forward pass."),
    max_length: int = typer.Option(128, help="Truncate pairs to this many tokens."),
    perturb: Optional[str] = typer.Option(None, help="sentence1, sentence2 or both [default: the recipe's]."),
    out: str = typer.Option("results", help="Results root: <out>/<model>/<lang>/<recipe>/."),
    columns: Optional[str] = typer.Option(None, help="Column names 'sentence1,sentence2,label' of a local file."),
    label_map: Optional[str] = typer.Option(None, help="e.g. 'paraphrase=LABEL_1,not_paraphrase=LABEL_0'."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Discard earlier results of this cell."),
    trust_remote_code: bool = typer.Option(False, help="Allow a hub checkpoint's own code to run."),
    target_lang: Optional[str] = typer.Option(
        None, "--target-lang", help="code-switch / all: switch words into this language [default: English; "
        "English text into Spanish]. Results go to <recipe>-to-<lang>/."),
    device: str = typer.Option("auto", "--device", help=DEVICE_HELP),
    precision: str = typer.Option("fp32", "--precision", help=PRECISION_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
):
    """Attack a model on one language with one recipe; write examples.jsonl and summary.json.

    Examples:

      rbx attack --lang ko --recipe char-noise --n 50

      rbx attack --model ./my-xlmr-pawsx --lang de --recipe char-noise --query-budget 300

      rbx attack --lang ja --recipe char-noise --resume

      rbx attack --lang ko --recipe code-switch --target-lang ja

      rbx attack --model ./my-xlmr-pawsx --lang ja --recipe char-noise --device cuda:0 --precision bf16
    """
    from .runner import AttackConfig, attack

    config = AttackConfig(lang=lang, recipe=recipe, model=model, dataset=dataset, split=split, n=n, seed=seed,
                          query_budget=query_budget, batch_size=batch_size, max_length=max_length,
                          perturb=perturb, out=out, columns=columns, label_map=label_map,
                          trust_remote_code=trust_remote_code, target_lang=target_lang, device=device,
                          precision=precision)
    summary = attack(config, resume=resume, overwrite=overwrite, progress=not quiet)
    _print_summary(summary)


def _fmt(value, ci=None, pct=True) -> str:
    if value is None:
        return "-"
    if not pct:
        return f"{value:.1f}"
    text = f"{100 * value:.1f}%"
    if ci:
        text += f" [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"
    return text


def _print_summary(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    ci = summary["ci95"]
    table = Table(title=f"{summary['model']['id']} · {summary['lang']} · {summary['recipe']['name']} "
                        f"v{summary['recipe']['version']}  (n = {summary['n_examples']}, 95% Wilson CI)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("clean accuracy", _fmt(summary["clean_accuracy"], ci["clean_accuracy"]))
    table.add_row("accuracy under attack", _fmt(summary["accuracy_under_attack"], ci["accuracy_under_attack"]))
    table.add_row("attack success rate", _fmt(summary["attack_success_rate"], ci["attack_success_rate"]))
    table.add_row("mean perturbed words", _fmt(summary["mean_perturbed_share"]))
    table.add_row("mean queries", _fmt(summary["mean_queries"], pct=False))
    counts = summary["counts"]
    table.add_row("succeeded / failed / skipped", f"{counts['succeeded']} / {counts['failed']} / {counts['skipped']}")
    table.add_row("wall time", f"{summary['wall_time_s']:.1f} s")
    runtime = (summary.get("provenance") or {}).get("runtime")
    if runtime:
        table.add_row("device · precision", f"{runtime['device']} · {runtime['precision']}")
    Console().print(table)
    Console().print(f"results: {summary['results_dir']}")


@recipes_app.command("list")
def recipes_list():
    """Show every recipe: version, languages, what it edits.

    Example: rbx recipes list
    """
    from rich.console import Console
    from rich.table import Table

    from .recipes import list_recipes

    table = Table(title="rbx recipes")
    for column in ("name", "version", "languages", "edits", "description"):
        table.add_column(column, overflow="fold")
    for r in list_recipes():
        table.add_row(r.name, str(r.version), " ".join(r.languages), r.perturb, r.description)
    Console().print(table)


@recipes_app.command("show")
def recipes_show(name: str = typer.Argument(..., help="Recipe name or YAML path.")):
    """Print one recipe file and its label-preservation guarantee.

    Example: rbx recipes show char-noise
    """
    from pathlib import Path

    from rich.console import Console
    from rich.syntax import Syntax

    from .recipes import load_recipe

    recipe = load_recipe(name)
    Console().print(Syntax(Path(recipe.path).read_text(encoding="utf-8"), "yaml", word_wrap=True))


# Commands from the other layers' CLI modules (each is light to import; work is imported lazily).
app.add_typer(cli_leaderboard.app, name="leaderboard")
app.command("check")(cli_leaderboard.check_command)
app.command("audit")(cli_audit.audit_command)
app.command("perturb")(cli_perturb.perturb_command)
app.command("run")(cli_plans.run_command)
app.add_typer(cli_plans.plan_app, name="plan")
app.command("train")(cli_models.train_command)
app.command("eval")(cli_eval.eval_command)
app.add_typer(cli_models.app, name="models")
app.command("parse")(cli_parsing.parse_command)
app.add_typer(cli_parsing.app, name="parsers")
app.add_typer(cli_results.app, name="results")


def main() -> None:
    """Console-script entry point."""
    run_app(app)

if __name__ == "__main__":
    main()
