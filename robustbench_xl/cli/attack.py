"""``rbx attack``: one attack cell (model x language x recipe) from the command line, and its summary table.

The option defaults come from :data:`robustbench_xl.attack_defaults.ATTACK_DEFAULTS`; the work is
:func:`robustbench_xl.runner.attack`, imported when the command runs.
"""

from __future__ import annotations

from typing import Optional

import typer

from .errors import reports_errors
from .options import DEFAULTS, DEVICE_HELP, PRECISION_HELP, language_help


@reports_errors
def attack_command(
    lang: str = typer.Option(..., "--lang", "-l", help=language_help()),
    recipe: str = typer.Option(..., "--recipe", "-r", help="Recipe name (rbx recipes list) or YAML path."),
    model: Optional[str] = typer.Option(None, "--model", "-m",
                                        help="Checkpoint folder, hub id or shipped victim id [default: the embedded default victim]."),
    dataset: str = typer.Option(DEFAULTS.dataset, help="pawsx, pawsx-hub, or a TSV/CSV/JSONL file or x-final folder."),
    split: str = typer.Option(DEFAULTS.split, help="Data split (dev is bundled; others need the hub or a file)."),
    n: Optional[int] = typer.Option(DEFAULTS.n, "--n", help="Examples to attack (a fixed sample drawn with --seed)."),
    seed: int = typer.Option(DEFAULTS.seed, help="Seed for the sample and the attack."),
    query_budget: int = typer.Option(DEFAULTS.query_budget, help="Model queries allowed per example."),
    batch_size: int = typer.Option(DEFAULTS.batch_size, help="Pairs per forward pass."),
    max_length: int = typer.Option(DEFAULTS.max_length, help="Truncate pairs to this many tokens."),
    perturb: Optional[str] = typer.Option(None, help="sentence1, sentence2 or both [default: the recipe's]."),
    out: str = typer.Option(DEFAULTS.out, help="Results root: <out>/<model>/<lang>/<recipe>/."),
    columns: Optional[str] = typer.Option(None, help="Column names 'sentence1,sentence2,label' of a local file."),
    label_map: Optional[str] = typer.Option(None, help="e.g. 'paraphrase=LABEL_1,not_paraphrase=LABEL_0'."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Discard earlier results of this cell."),
    trust_remote_code: bool = typer.Option(False, help="Allow a hub checkpoint's own code to run."),
    target_lang: Optional[str] = typer.Option(
        None, "--target-lang", help="code-switch / all: switch words into this language [default: English; "
        "English text into Spanish]. Results go to <recipe>-to-<lang>/."),
    device: str = typer.Option(DEFAULTS.device, "--device", help=DEVICE_HELP),
    precision: str = typer.Option(DEFAULTS.precision, "--precision", help=PRECISION_HELP),
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
    from ..runner import AttackConfig, attack

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
    if summary.get("coverage") is not None:
        table.add_row("coverage (pairs with a candidate)", _fmt(summary["coverage"], ci.get("coverage")))
    counts = summary["counts"]
    table.add_row("succeeded / failed / skipped", f"{counts['succeeded']} / {counts['failed']} / {counts['skipped']}")
    table.add_row("wall time", f"{summary['wall_time_s']:.1f} s")
    runtime = (summary.get("provenance") or {}).get("runtime")
    if runtime:
        table.add_row("device · precision", f"{runtime['device']} · {runtime['precision']}")
    Console().print(table)
    Console().print(f"results: {summary['results_dir']}")
