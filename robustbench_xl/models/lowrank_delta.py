"""Low-rank victim deltas: ship a fully fine-tuned victim in a few MB instead of 40+.

What it does: full fine-tuning (``rbx train --lora-r 0``) changes every weight matrix of the
encoder, and a delta of all of them in fp16 is 42 MB for e5-small. :func:`lowrank_tensors` stores the
change of each encoder weight matrix, ``W_trained - W_base``, as its best rank-R approximation
(truncated SVD, Eckart-Young), in the delta's existing LoRA form (``lora_B @ lora_A``, scaling 1),
and keeps everything else that was trained (biases, LayerNorms, pooler, classifier) exactly
(``replace::``). The victim a user rebuilds is then base + that approximation, so the card must be
measured on it: :func:`compress_run` rewrites a finished run's ``victim/`` delta at rank R and
re-evaluates it with the same PAWS-X sample, keeping the training facts of the original card.
Languages: any (it only touches weights).
Limits: rank R keeps what the top R singular directions of each change carry; the card records the
relative Frobenius error of the approximation and the clean accuracy of the compressed model, so a
rank too small shows there. LoRA runs need none of this (their delta is already low-rank).
Example::

    compress_run("runs/e5s-full-standard-s0", rank=64)   # victim/ is now ~10 MB; card re-measured
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..errors import RbxError


def _is_encoder_matrix(name: str, value) -> bool:
    return "encoder.layer." in name and name.endswith(".weight") and value.dim() == 2


def lowrank_tensors(trained: dict, base: dict, rank: int) -> tuple[dict, dict]:
    """``(delta tensors, facts)``: rank-``rank`` factors of each changed encoder matrix, exact copies
    of every other trained tensor; facts = rank, matrices, relative Frobenius error of the changes."""
    import torch

    if rank < 1:
        raise RbxError("--delta-rank must be at least 1")
    tensors, kept, lost, matrices = {}, 0.0, 0.0, 0
    for name, value in sorted(trained.items()):
        value = value.detach().float().cpu()
        if not _is_encoder_matrix(name, value):
            tensors[f"replace::{name}"] = value.half()
            continue
        if name not in base:
            raise RbxError(f"the base model has no {name}: not the base this run was trained from")
        change = value - base[name].detach().float().cpu()
        u, s, vh = torch.linalg.svd(change, full_matrices=False)
        r = min(rank, s.numel())
        # B @ A = U_r diag(S_r) Vh_r, the best rank-r approximation of the change.
        tensors[f"lora_A::{name}"] = (s[:r, None] * vh[:r]).half()
        tensors[f"lora_B::{name}"] = u[:, :r].contiguous().half()
        kept += float((s[:r] ** 2).sum())
        lost += float((s[r:] ** 2).sum())
        matrices += 1
    error = (lost / (kept + lost)) ** 0.5 if kept + lost else 0.0
    return tensors, {"rank": rank, "matrices": matrices, "relative_error": round(error, 4)}


def lowrank_delta_of(model, names, base_path: str, rank: int) -> tuple[dict, dict]:
    """:func:`lowrank_tensors` of the trained parameters ``names`` of ``model`` (a sequence classifier)
    against the same architecture loaded from ``base_path``."""
    from transformers import AutoModelForSequenceClassification

    base = AutoModelForSequenceClassification.from_pretrained(base_path, num_labels=model.config.num_labels,
                                                              ignore_mismatched_sizes=True)
    params = dict(model.named_parameters())
    return lowrank_tensors({name: params[name] for name in names}, dict(base.named_parameters()), rank)


def compress_run(run_dir: Path | str, rank: int, eval_n: int | None = None) -> dict:
    """Rewrite ``run_dir/victim/`` (from ``rbx train --lora-r 0``) as a rank-``rank`` delta, re-evaluate
    the rebuilt victim on PAWS-X dev and rewrite both cards; returns the new card's facts."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from .victim_card import evaluate_pawsx, write_card
    from .victims import DELTA_FILE, build_victim_model, read_delta, resolve_base, write_delta

    run_dir = Path(run_dir)
    victim = run_dir / "victim"
    try:
        facts = json.loads((victim / "card.json").read_text(encoding="utf-8"))
        meta, old = read_delta(victim)
    except (OSError, json.JSONDecodeError) as exc:
        raise RbxError(f"{run_dir} is not a finished rbx train run ({exc})") from None
    if any(key.startswith("lora_") for key in old):
        raise RbxError(f"{run_dir} already has a low-rank (LoRA) delta: nothing to compress")
    started = time.time()
    trained = AutoModelForSequenceClassification.from_pretrained(run_dir)
    tensors, delta_facts = lowrank_delta_of(trained, [k.split("::", 1)[1] for k in old], resolve_base(meta["base"]),
                                            rank)
    del trained
    meta = {**meta, "lora_scaling": 1.0}
    model, base_path = build_victim_model(meta, tensors)
    write_delta(victim, meta, tensors)
    delta_facts["compress_wall_s"] = round(time.time() - started, 1)
    delta_facts["uncompressed_accuracy"] = {lang: row["accuracy"] for lang, row in facts["accuracy"].items()}
    eval_start = time.time()
    n = eval_n if eval_n is not None else facts["settings"].get("eval_n")
    with torch.no_grad():
        accuracy = evaluate_pawsx(model, AutoTokenizer.from_pretrained(base_path), n=n,
                                  max_length=facts["settings"]["max_length"])
    facts.update(accuracy=accuracy, eval_wall_s=round(time.time() - eval_start, 1), delta=delta_facts,
                 delta_bytes=(victim / DELTA_FILE).stat().st_size)
    write_card(victim, facts)
    write_card(run_dir, facts)
    return facts
