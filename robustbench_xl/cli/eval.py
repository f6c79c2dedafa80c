"""``rbx eval``: clean accuracy per language from the command line (a table, and JSON).

Mounted in :mod:`robustbench_xl.cli` as ``app.command("eval")(eval_command)``. The option defaults
come from :data:`robustbench_xl.attack_defaults.ATTACK_DEFAULTS` (``--n`` excepted: all pairs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import reports_errors
from .options import DEFAULTS


@reports_errors
def eval_command(
    model: Annotated[Optional[str], typer.Option("--model", "-m", help="Checkpoint folder, hub id or shipped victim id [default: the default victim].")] = None,
    langs: Annotated[str, typer.Option("--langs", help="'all' or codes such as ko,ja,zh.")] = "all",
    dataset: Annotated[str, typer.Option("--dataset", help="pawsx, pawsx-hub, or a TSV/CSV/JSONL file.")] = DEFAULTS.dataset,
    split: Annotated[str, typer.Option("--split", help="Data split (dev is bundled).")] = DEFAULTS.split,
    n: Annotated[Optional[int], typer.Option("--n", help="Pairs per language (the seeded sample attacks use); default all.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample.")] = DEFAULTS.seed,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Pairs per forward pass.")] = DEFAULTS.batch_size,
    max_length: Annotated[int, typer.Option("--max-length", help="Truncate pairs to this many tokens.")] = DEFAULTS.max_length,
    label_map: Annotated[Optional[str], typer.Option("--label-map", help="e.g. 'paraphrase=LABEL_1,not_paraphrase=LABEL_0'.")] = None,
    device: Annotated[str, typer.Option("--device", help="auto (a GPU when one is visible) | cpu | cuda | cuda:N | mps.")] = DEFAULTS.device,
    precision: Annotated[str, typer.Option("--precision", help="fp32 | bf16 | fp16 (autocast; fp16 needs a GPU).")] = DEFAULTS.precision,
    columns: Annotated[Optional[str], typer.Option("--columns", help="Column names 'sentence1,sentence2,label' of a local file.")] = None,
    trust_remote_code: Annotated[bool, typer.Option("--trust-remote-code", help="Allow a hub checkpoint's own code to run.")] = False,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the report as JSON to this file ('-' = stdout only JSON).")] = None,
) -> None:
    """Clean PAWS-X accuracy per language: Wilson 95% CI, majority rate, confusion counts, share predicted paraphrase.

    Examples:

      rbx eval --model e5s-full-standard-s0 --langs all --n 500

      rbx eval --model ./my-xlmr-pawsx --langs ko,ja,zh --device cuda --precision bf16 --json eval.json
    """
    from ..errors import RbxError
    from ..evaluate import evaluate_model, parse_langs

    parse_langs(langs)  # a bad code fails before the model loads (so do --device and --precision)
    report = evaluate_model(model, langs=langs, dataset=dataset, split=split, n=n, seed=seed,
                            batch_size=batch_size, max_length=max_length, label_map=label_map,
                            trust_remote_code=trust_remote_code, device=device, columns=columns,
                            precision=precision)
    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if json_out is not None and str(json_out) == "-":
        typer.echo(text, nl=False)
        return
    if json_out is not None:
        try:
            json_out.parent.mkdir(parents=True, exist_ok=True)
            json_out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise RbxError(f"cannot write {json_out}: {exc.strerror or exc}") from None
    _print_table(report)


def _print_table(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"clean accuracy of {report['model']['id']} on {report['dataset']}/{report['split']}")
    for header in ("lang", "n", "accuracy", "95% CI", "majority", "pred. paraphrase", "tp", "fp", "tn", "fn"):
        table.add_column(header, justify="left" if header == "lang" else "right")
    for code, row in report["languages"].items():
        c = row["confusion"]
        table.add_row(code, str(row["n"]), f"{row['accuracy']:.3f}", f"{row['ci95'][0]:.3f}-{row['ci95'][1]:.3f}",
                      f"{row['majority']:.3f}", f"{row['predicted_paraphrase']:.3f}",
                      str(c["tp"]), str(c["fp"]), str(c["tn"]), str(c["fn"]))
    console = Console()
    console.print(table)
    console.print(f"{report['pairs']} pairs in {report['wall_s']} s on {report['device']} ({report['precision']})")
