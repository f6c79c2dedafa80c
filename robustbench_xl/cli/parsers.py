"""CLI for dependency parsing: ``rbx parsers train|eval|list`` and ``rbx parse``.

Mounted in :mod:`robustbench_xl.cli` as ``app.add_typer(parsers.app, name="parsers")`` and
``app.command("parse")(parsers.parse_command)``.

Each command calls the Python API of :mod:`robustbench_xl.parsing` (same names and options) and turns
``RbxError`` into ``error: <one line>`` on stderr with its exit code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..errors import RbxError
from ..lang import language_codes
from .errors import reports_errors
from .options import language_help

app = typer.Typer(help="Train, score and list the offline dependency parsers.", no_args_is_help=True,
                  add_completion=False)


def _console():
    from rich.console import Console

    return Console(stderr=True)


@app.command("train")
@reports_errors
def train_command(
    lang: str = typer.Option(..., "--lang", "-l", help="Language code, e.g. ko."),
    treebank: list[Path] = typer.Option(..., "--treebank", "-t",
                                        help="UD .conllu file(s) to train on (repeat for several)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o",
                                       help="Output folder [default: $RBX_HOME/parsers/<lang>, used automatically]."),
    profile: str = typer.Option("small", help="small (minutes, the shipped size) or tiny (seconds, smoke test)."),
    max_steps: Optional[int] = typer.Option(None, help="Cap the training steps of every stage."),
    threads: int = typer.Option(1, help="CPU threads for torch."),
    seed: int = typer.Option(0, help="Seed for the tune split and stanza's training."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show stanza's training log."),
):
    """Train a small stanza parser (tokenize, mwt, pos, depparse) on CPU, offline.

    Examples:

      rbx parsers train --lang ko --treebank UD_Korean-Kaist/ko_kaist-ud-dev.conllu

      rbx parsers train --lang de -t de_gsd-ud-train.conllu --out parsers/de --threads 2
    """
    from ..parsing import train_parser

    console = _console()
    with console.status(f"training the {lang} parser") as status:
        report = train_parser(lang, list(treebank), out_dir=out, profile=profile, max_steps=max_steps,
                              threads=threads, seed=seed, verbose=verbose,
                              on_stage=lambda stage: status.update(f"training the {lang} parser: {stage}"))
    times = ", ".join(f"{k} {v:.0f}s" for k, v in report.seconds.items())
    console.print(f"[green]wrote[/] {report.out_dir} ({report.total_bytes / 1e6:.1f} MB, "
                  f"{report.train_sentences} sentences, {report.total_seconds:.0f}s: {times})")
    typer.echo(report.out_dir)


@app.command("eval")
@reports_errors
def eval_command(
    lang: str = typer.Option(..., "--lang", "-l", help="Language code, e.g. ko."),
    treebank: Path = typer.Option(..., "--treebank", "-t", help="Gold UD .conllu file (held-out test data)."),
    parser_dir: Optional[str] = typer.Option(None, "--parser-dir",
                                             help="Parser folder, or 'stanza' for stanza's official models [default: search]."),
    tokenization: str = typer.Option("gold", help="gold (score tagging+parsing) or raw (whole pipeline, F1)."),
    limit: Optional[int] = typer.Option(None, help="Score only the first N sentences."),
    download: bool = typer.Option(False, "--download", help="Allow stanza.download if nothing local."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
):
    """Print UPOS accuracy, UAS and LAS of a parser on a gold treebank.

    Examples:

      rbx parsers eval --lang ko --treebank UD_Korean-Kaist/ko_kaist-ud-test.conllu

      rbx parsers eval --lang de -t de_gsd-ud-test.conllu --tokenization raw --json
    """
    from ..parsing import evaluate_parser

    with _console().status(f"parsing {treebank.name}"):
        report = evaluate_parser(lang, treebank, parser_dir=parser_dir, download=download, limit=limit,
                                 tokenization=tokenization)
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=1))
        return
    kind = "accuracy" if tokenization == "gold" else "F1"
    typer.echo(f"{report.lang} {Path(report.treebank).name}: {report.sentences} sentences, {report.words} "
               f"words, {tokenization} tokenization ({kind})")
    typer.echo(f"UPOS {report.upos:.4f}  UAS {report.uas:.4f}  LAS {report.las:.4f}")
    for key, value in report.extra.items():
        typer.echo(f"{key} {value:.4f}")
    typer.echo(f"parser {report.parser}")


@app.command("list")
@reports_errors
def list_command(
    # Resolved when the command runs, so a language registered later is listed too.
    lang: Optional[list[str]] = typer.Option(None, "--lang", "-l", show_default=False,
                                             help=f"Languages to show. \\[default: {', '.join(language_codes())}]"),
):
    """Show which parser each language would use, in search order.

    Example:

      rbx parsers list --lang ko --lang ja
    """
    from ..parsing import locate_parser

    for code in lang or language_codes():
        try:
            source = locate_parser(code)
            typer.echo(f"{code}\t{source.origin}\t{source.path}\t{source.identity}")
        except RbxError as error:
            typer.echo(f"{code}\tnone\t{error.message}")


@reports_errors
def parse_command(
    lang: str = typer.Option(..., "--lang", "-l", help=language_help()),
    dataset: str = typer.Option("pawsx", help="pawsx (bundled dev split) or a TSV/CSV/JSONL file or folder."),
    split: str = typer.Option("dev", help="Data split."),
    n: Optional[int] = typer.Option(None, "--n", help="Parse only N pairs (a fixed sample drawn with --seed)."),
    seed: int = typer.Option(0, help="Seed for the sample."),
    parser_dir: Optional[str] = typer.Option(None, "--parser-dir",
                                             help="Parser folder, or 'stanza' for official models [default: search]."),
    batch_size: int = typer.Option(64, help="Texts per stanza call."),
    download: bool = typer.Option(False, "--download", help="Allow stanza.download if nothing local."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
):
    """Parse every sentence of a dataset into the parse cache, ahead of an attack.

    Examples:

      rbx parse --lang ko --dataset pawsx --n 200

      rbx parse --lang de --dataset ../shared/data/pawsx/dev/de.tsv
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..parsing import parse_dataset

    progress = Progress(TextColumn("[bold]parsing {task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=_console(), disable=quiet)
    with progress:
        task = progress.add_task(lang, total=None)
        report = parse_dataset(lang, dataset, split, n=n, seed=seed, parser_dir=parser_dir,
                               download=download, batch_size=batch_size,
                               on_batch=lambda done, total: progress.update(task, completed=done, total=total))
    typer.echo(f"{report.lang}: {report.texts} texts, {report.cached_before} already cached, "
               f"{report.parsed} parsed, {report.skipped} skipped, {report.merged} merged "
               f"multi-sentence, {report.seconds:.1f}s")
    typer.echo(f"parser {report.parser} ({report.source}); cache {report.cache_path}")
