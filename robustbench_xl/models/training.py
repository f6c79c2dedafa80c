"""``rbx train``: fine-tune a base model into a PAWS paraphrase victim (standard or STILTs).

What it does: *standard* fine-tunes the base on English PAWS-Wiki pairs (shipped:
``data/paws_wiki_train.tsv.gz``); *stilts* first trains the same trainable parameters on an English
syntactic intermediate task (UD English-EWT, UPOS+deprel joint tags as token classification,
shipped: ``data/ud_en_ewt_tags.conllu.gz``), then fine-tunes on the same PAWS pairs with the same
budget. Training uses ``transformers.Trainer`` (CPU or GPU alike) with LoRA adapters (peft) on the
attention and FFN linears of the top ``lora_layers`` layers (or full fine-tuning of those layers with
``lora_r=0``); word embeddings stay frozen. The result is the merged HF checkpoint in ``out/``, a
compact delta in ``out/victim/`` (what rbx ships, see :mod:`robustbench_xl.models.victims`), and a
model card (``README.md`` + ``card.json``) with zero-shot PAWS-X dev accuracy for 7 languages.
A stopped run resumes (``resume=True``, ``--resume``) from the Trainer checkpoint it wrote every
``save_steps`` steps into ``out/.work``.
Languages: trains on English; evaluates en de es fr ja ko zh.
Limits: the defaults (all 11,997 pairs, 2 epochs, all layers) want a GPU or an hour of CPU; the
shipped victims used a reduced budget recorded in their cards.
Example::

    train_victim("e5-small", "stilts", "runs/e5s-stilts-s0", seed=0, max_pairs=2000, epochs=1)
    # rbx train --base e5-small --regime stilts --seed 0 --out runs/e5s-stilts-s0 --max-pairs 2000
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from robustbench_xl.errors import RbxError
from robustbench_xl.paths import PACKAGE_DIR

PAWS_TRAIN = PACKAGE_DIR / "data" / "paws_wiki_train.tsv.gz"
UD_EWT = PACKAGE_DIR / "data" / "ud_en_ewt_tags.conllu.gz"
INTERMEDIATE_TASKS = {"ud-en-ewt": "ud-en-ewt-upos-deprel"}
ID2LABEL = {0: "not_paraphrase", 1: "paraphrase"}
LORA_TARGETS = ["query", "key", "value", "attention.output.dense", "intermediate.dense", "output.dense"]
REGIMES = ("standard", "stilts")


@dataclass
class TrainSettings:
    """Everything that decides a victim; recorded verbatim in its card."""

    base: str = "e5-small"
    regime: str = "standard"
    seed: int = 0
    max_pairs: int | None = None
    epochs: float = 2.0
    max_length: int = 128
    batch_size: int = 16
    learning_rate: float | None = None  # None: 5e-4 with LoRA, 3e-5 full fine-tuning
    lora_r: int = 8
    lora_alpha: int = 16
    lora_layers: int = 0  # top-N layers get adapters; 0 = all
    intermediate: str | None = None
    intermediate_sentences: int | None = None
    intermediate_epochs: float = 1.0
    eval_n: int | None = None
    threads: int | None = None
    save_steps: int = 200  # a resumable checkpoint in out/.work every N optimizer steps; 0 = none
    delta_rank: int = 0  # full fine-tuning: ship each encoder matrix's change at this rank; 0 = exact
    precision: str = "auto"  # auto = bf16 autocast where the hardware has it (models.precision), else fp32
    max_steps: int | None = None  # PAWS optimizer steps (overrides epochs); the schedule spans exactly these
    warmup_steps: int | None = None  # None: 10% of the phase's steps
    group_by_length: bool = True  # length-grouped batches (faster on CPU; see docs/victims.md for the cost)
    intermediate_lr: float | None = None  # None: the PAWS learning rate
    intermediate_max_steps: int | None = None  # UD optimizer steps (overrides intermediate_epochs)
    # STILTs: carry the embeddings and encoder layers below N from the intermediate phase; None = all.
    # The upper layers start from the base, whose <s> state the tagging phase makes near-constant.
    intermediate_layers: int | None = None
    freeze: str = "embeddings"  # "embeddings": every embedding parameter frozen; "word-embeddings": only those
    train_pooler: bool = True  # False: the base's identity pooler stays frozen, so the head reads tanh(<s>)
    head_init: str = "normal"  # "normal": HF's N(0, 0.02) classifier; "linear": torch's nn.Linear default
    head_dropout: float | None = None  # dropout before the classifier; None: the config's hidden dropout

    @property
    def lr(self) -> float:
        return self.learning_rate if self.learning_rate is not None else (5e-4 if self.lora_r else 3e-5)


def read_pairs(path: Path = PAWS_TRAIN) -> list[tuple[str, str, int]]:
    """``(sentence1, sentence2, label)`` rows of a PAWS TSV (``id sentence1 sentence2 label``, .gz ok)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        try:
            i1, i2, il = header.index("sentence1"), header.index("sentence2"), header.index("label")
        except ValueError:
            raise RbxError(f"{path}: header must name sentence1, sentence2 and label") from None
        for line in handle:
            cells = line.rstrip("\n").split("\t")
            if len(cells) == len(header) and cells[il] in ("0", "1"):
                rows.append((cells[i1], cells[i2], int(cells[il])))
    return rows


def read_conllu_tags(path: Path = UD_EWT) -> list[tuple[list[str], list[str]]]:
    """Sentences as ``(words, joint tags)`` with tag ``UPOS|deprel`` (deprel without subtype)."""
    opener = gzip.open if str(path).endswith(".gz") else open
    sentences, words, tags = [], [], []
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line:
                if words:
                    sentences.append((words, tags))
                words, tags = [], []
                continue
            cols = line.split("\t")
            if line.startswith("#") or len(cols) != 10 or not cols[0].isdigit():
                continue  # comments, multiword ranges (1-2), empty nodes (8.1)
            words.append(cols[1])
            tags.append(f"{cols[3]}|{cols[7].split(':')[0]}")
    if words:
        sentences.append((words, tags))
    return sentences


def paws_subset(pairs: list, max_pairs: int | None) -> list:
    """The same subset for every seed and regime: a fixed shuffle (seed 0), then the first N."""
    order = list(range(len(pairs)))
    random.Random(0).shuffle(order)
    return [pairs[i] for i in order[: max_pairs or len(pairs)]]


def _peft_config(settings: TrainSettings, num_layers: int, head: list[str]):
    from peft import LoraConfig

    layers = None if not settings.lora_layers else list(range(num_layers - settings.lora_layers, num_layers))
    return LoraConfig(r=settings.lora_r, lora_alpha=settings.lora_alpha, lora_dropout=0.1,
                      target_modules=LORA_TARGETS, layers_to_transform=layers, modules_to_save=head)


FREEZE_CHOICES = ("embeddings", "word-embeddings")
HEAD_INITS = ("normal", "linear")


def _prepare(model, settings: TrainSettings, head: list[str]):
    """Wrap ``model`` for training: LoRA adapters, or unfreeze the top layers (full fine-tuning)."""
    num_layers = model.config.num_hidden_layers
    if settings.lora_r:
        from peft import get_peft_model

        return get_peft_model(model, _peft_config(settings, num_layers, head))
    first = num_layers - settings.lora_layers if settings.lora_layers else 0
    for name, param in model.named_parameters():
        layer = name.split("encoder.layer.")[1].split(".")[0] if "encoder.layer." in name else None
        embedding_trained = (settings.freeze == "word-embeddings" and ".embeddings." in f".{name}"
                             and "word_embeddings" not in name)
        param.requires_grad = (layer is not None and int(layer) >= first) or embedding_trained or any(
            name.startswith(h + ".") or f".{h}." in name for h in head)
    return model


def paws_model(base_path: str, settings: TrainSettings):
    """The sequence classifier that the PAWS phase trains, with the head the settings ask for."""
    from transformers import AutoConfig, AutoModelForSequenceClassification

    config = AutoConfig.from_pretrained(base_path, num_labels=2, id2label=ID2LABEL,
                                        label2id={v: k for k, v in ID2LABEL.items()})
    if settings.head_dropout is not None:
        config.classifier_dropout = settings.head_dropout
    model = AutoModelForSequenceClassification.from_pretrained(base_path, config=config,
                                                               ignore_mismatched_sizes=True)
    if settings.head_init == "linear":  # torch's default (Kaiming-uniform) init, as a fresh nn.Linear has
        model.classifier.reset_parameters()
    head = ["classifier", "pooler"] if settings.train_pooler else ["classifier"]
    return _prepare(model, settings, head)


def _trainer(model, dataset, collator, settings: TrainSettings, epochs: float, workdir: Path,
             max_steps: int | None = None, learning_rate: float | None = None, callbacks=None):
    import torch
    from transformers import Trainer, TrainingArguments

    from robustbench_xl.models.precision import resolve_precision

    device = "cuda" if torch.cuda.is_available() else "cpu"
    precision = resolve_precision(settings.precision, device)
    warmup = (dict(warmup_steps=settings.warmup_steps) if settings.warmup_steps is not None
              else dict(warmup_ratio=0.1))
    saving = (dict(save_strategy="steps", save_steps=settings.save_steps, save_total_limit=1)
              if settings.save_steps else dict(save_strategy="no"))  # checkpoints are what --resume uses
    args = TrainingArguments(
        output_dir=str(workdir), per_device_train_batch_size=settings.batch_size, num_train_epochs=epochs,
        max_steps=max_steps or -1, learning_rate=learning_rate or settings.lr, **warmup, weight_decay=0.01,
        lr_scheduler_type="linear", max_grad_norm=1.0, logging_steps=10, **saving, report_to=[],
        seed=settings.seed, data_seed=settings.seed, group_by_length=settings.group_by_length,
        bf16=precision == "bf16", fp16=precision == "fp16", use_cpu=device == "cpu",
        disable_tqdm=True, dataloader_num_workers=0, remove_unused_columns=False,
        dataloader_pin_memory=torch.cuda.is_available(),
    )
    return Trainer(model=model, args=args, train_dataset=dataset, data_collator=collator, callbacks=callbacks)


def _intermediate_phase(settings: TrainSettings, base: str, tokenizer, workdir: Path) -> tuple[dict, dict]:
    """Train on UD tags; return the trained encoder tensors (by parameter name) and phase facts."""
    from transformers import (
        AutoModelForTokenClassification,
        DataCollatorForTokenClassification,
    )

    sentences = read_conllu_tags()
    random.Random(settings.seed).shuffle(sentences)
    sentences = sentences[: settings.intermediate_sentences or len(sentences)]
    labels = sorted({t for _, tags in sentences for t in tags})
    label_id = {t: i for i, t in enumerate(labels)}
    dataset = []
    for words, tags in sentences:
        enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=settings.max_length)
        previous, aligned = None, []
        for word in enc.word_ids():
            aligned.append(-100 if word is None or word == previous else label_id[tags[word]])
            previous = word
        dataset.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "labels": aligned})
    model = AutoModelForTokenClassification.from_pretrained(base, num_labels=len(labels), ignore_mismatched_sizes=True)
    model = _prepare(model, settings, ["classifier"])
    trainer = _trainer(model, dataset, DataCollatorForTokenClassification(tokenizer), settings,
                       settings.intermediate_epochs, workdir / "intermediate",
                       max_steps=settings.intermediate_max_steps, learning_rate=settings.intermediate_lr)
    started = time.time()
    result = trainer.train(resume_from_checkpoint=_last_checkpoint(workdir / "intermediate"))
    trained = {name: p.detach().clone() for name, p in model.named_parameters()
               if p.requires_grad and "classifier" not in name}
    facts = {"task": INTERMEDIATE_TASKS[settings.intermediate], "sentences": len(dataset),
             "tags": len(labels), "steps": result.global_step, "train_loss": round(result.training_loss, 4),
             "wall_s": round(time.time() - started, 1)}
    return trained, facts


def carried_layers(tensors: dict, below: int | None) -> dict:
    """The intermediate tensors the PAWS phase starts from: embeddings and encoder layers ``< below``."""
    if below is None:
        return tensors
    kept = {}
    for name, value in tensors.items():
        layer = name.split("encoder.layer.")[1].split(".")[0] if "encoder.layer." in name else None
        if layer is None or int(layer) < below:
            kept[name] = value
    return kept


def _logged_losses(trainer) -> list[float]:
    """The training loss the Trainer logged every 10 steps (where a run leaves the class prior)."""
    return [round(h["loss"], 4) for h in trainer.state.log_history if "loss" in h]


def _last_checkpoint(folder: Path) -> str | None:
    """The newest complete Trainer checkpoint in ``folder`` (a run killed mid-save leaves none half-read)."""
    if not folder.is_dir():
        return None
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(folder))


def _intermediate_resumable(settings: TrainSettings, base: str, tokenizer, workdir: Path) -> tuple[dict, dict]:
    """The STILTs phase, run once: its result is kept in ``workdir`` so a resumed run skips it."""
    import torch

    done = workdir / "intermediate-result.pt"
    if done.is_file():
        saved = torch.load(done, map_location="cpu", weights_only=True)
        return saved["tensors"], json.loads(saved["facts"])
    trained, facts = _intermediate_phase(settings, base, tokenizer, workdir)
    partial = done.with_suffix(".tmp")
    torch.save({"tensors": trained, "facts": json.dumps(facts)}, partial)
    partial.replace(done)
    shutil.rmtree(workdir / "intermediate", ignore_errors=True)
    return trained, facts


def _paws_dataset(tokenizer, pairs, max_length: int) -> list[dict]:
    enc = tokenizer([p[0] for p in pairs], [p[1] for p in pairs], truncation=True, max_length=max_length)
    return [{"input_ids": ids, "attention_mask": mask, "labels": pair[2]}
            for ids, mask, pair in zip(enc["input_ids"], enc["attention_mask"], pairs)]


def extract_delta(model, settings: TrainSettings) -> tuple[dict, float]:
    """The trained tensors in the shipped form (LoRA A/B + replaced params, fp16) and the LoRA scaling."""
    tensors, scaling = {}, 1.0
    if settings.lora_r:
        from peft.tuners.lora import LoraLayer
        from peft.utils import ModulesToSaveWrapper

        for name, module in model.named_modules():
            plain = name.removeprefix("base_model.model.")
            if isinstance(module, LoraLayer) and "default" in module.lora_A:
                tensors[f"lora_A::{plain}.weight"] = module.lora_A["default"].weight.detach().half()
                tensors[f"lora_B::{plain}.weight"] = module.lora_B["default"].weight.detach().half()
                scaling = float(module.scaling["default"])
            elif isinstance(module, ModulesToSaveWrapper):
                for pname, param in module.modules_to_save["default"].named_parameters():
                    tensors[f"replace::{plain}.{pname}"] = param.detach().half()
    else:
        tensors = {f"replace::{n}": p.detach().half() for n, p in model.named_parameters() if p.requires_grad}
    return tensors, scaling


_FREE_ON_RESUME = {"threads", "eval_n", "save_steps", "delta_rank"}  # speed, reporting, shipping: not training


def _check_out(out: Path, workdir: Path, settings: TrainSettings, resume: bool) -> None:
    """A new run needs an empty ``out``; a resumed one needs the ``.work`` folder of the same settings."""
    started = workdir / "settings.json"
    if resume:
        if not started.is_file():
            if out.exists() and any(out.iterdir()):
                raise RbxError(f"{out} holds no stopped rbx train run to resume (no .work/settings.json)")
            return  # nothing to resume: a fresh start
        recorded = json.loads(started.read_text(encoding="utf-8"))
        changed = sorted(k for k, v in asdict(settings).items()
                         if k not in _FREE_ON_RESUME and recorded.get(k) != v)
        if changed:
            raise RbxError(f"{out} was started with other settings ({', '.join(changed)}); resume with the "
                           "same options or choose a new --out")
        return
    if out.exists() and any(out.iterdir()):
        hint = " (a stopped run: add --resume to continue it)" if started.is_file() else ""
        raise RbxError(f"{out} already exists and is not empty: choose a new --out{hint}")


def train_victim(base: str = "e5-small", regime: str = "standard", out: Path | str = "victim", seed: int = 0,
                 intermediate: str | None = None, resume: bool = False, **options) -> Path:
    """Train a PAWS victim; writes the checkpoint, ``victim/`` delta and model card into ``out``.

    With ``resume=True`` a run that was stopped (killed, out of time) continues from its last
    checkpoint in ``out/.work`` (every ``save_steps`` steps) with the settings it started with.
    """
    settings = TrainSettings(base=base, regime=regime, seed=seed, intermediate=intermediate, **options)
    if regime not in REGIMES:
        raise RbxError(f"--regime must be one of {', '.join(REGIMES)}, got {regime!r}")
    if regime == "stilts":
        settings.intermediate = settings.intermediate or "ud-en-ewt"
        if settings.intermediate not in INTERMEDIATE_TASKS:
            raise RbxError(f"--intermediate must be one of {', '.join(INTERMEDIATE_TASKS)}")
    elif intermediate:
        raise RbxError("--intermediate only applies to --regime stilts")
    if settings.intermediate_layers is not None and regime != "stilts":
        raise RbxError("--intermediate-layers only applies to --regime stilts")
    if settings.intermediate_layers is not None and settings.intermediate_layers < 0:
        raise RbxError(f"--intermediate-layers must be 0 or more, got {settings.intermediate_layers}")
    if settings.freeze not in FREEZE_CHOICES:
        raise RbxError(f"--freeze must be one of {', '.join(FREEZE_CHOICES)}, got {settings.freeze!r}")
    if settings.head_init not in HEAD_INITS:
        raise RbxError(f"--head-init must be one of {', '.join(HEAD_INITS)}, got {settings.head_init!r}")
    from robustbench_xl.models.precision import resolve_precision

    import torch

    # refuse an impossible precision (fp16 on a CPU, bf16 on a GPU without it) before any work
    resolve_precision(settings.precision, "cuda" if torch.cuda.is_available() else "cpu")
    out = Path(out)
    workdir = out / ".work"
    _check_out(out, workdir, settings, resume)
    from transformers import AutoTokenizer, DataCollatorWithPadding, set_seed

    from robustbench_xl.models.victim_card import evaluate_pawsx, write_card
    from robustbench_xl.models.victims import (
        build_victim_model,
        resolve_base,
        save_checkpoint,
        write_delta,
    )

    if settings.threads:
        torch.set_num_threads(settings.threads)
    started = time.time()
    base_path = resolve_base(base)
    tokenizer = AutoTokenizer.from_pretrained(base_path)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "settings.json").write_text(json.dumps(asdict(settings), sort_keys=True), encoding="utf-8")
    set_seed(seed)
    phases = {}
    carried = {}
    if regime == "stilts":
        carried, phases["intermediate"] = _intermediate_resumable(settings, base_path, tokenizer, workdir)
    set_seed(seed)
    pairs = paws_subset(read_pairs(), settings.max_pairs)
    model = paws_model(base_path, settings)
    if carried:  # STILTs: start the PAWS phase from the intermediate-trained adapters / layers
        carried = carried_layers(carried, settings.intermediate_layers)
        phases["intermediate"]["carried_tensors"] = len(carried)
        params = dict(model.named_parameters())
        with torch.no_grad():
            for name, value in carried.items():
                params[name].copy_(value)
    trainer = _trainer(model, _paws_dataset(tokenizer, pairs, settings.max_length),
                       DataCollatorWithPadding(tokenizer), settings, settings.epochs, workdir / "paws",
                       max_steps=settings.max_steps)
    phase_start = time.time()
    resumed_from = _last_checkpoint(workdir / "paws")
    result = trainer.train(resume_from_checkpoint=resumed_from)
    phases["paws"] = {"pairs": len(pairs), "steps": result.global_step,
                      "train_loss": round(result.training_loss, 4), "wall_s": round(time.time() - phase_start, 1),
                      "loss_every_10_steps": _logged_losses(trainer)}
    if resumed_from:  # wall_s then covers this sitting only: the steps after the checkpoint
        phases["paws"]["resumed_from_step"] = int(Path(resumed_from).name.split("-")[-1])
    tensors, scaling = extract_delta(model.cpu(), settings)
    delta_facts = None
    if settings.delta_rank and not settings.lora_r:
        from robustbench_xl.models.lowrank_delta import lowrank_delta_of

        tensors, delta_facts = lowrank_delta_of(model, [k.split("::", 1)[1] for k in tensors], base_path,
                                                settings.delta_rank)
        scaling = 1.0
    recorded_base = str(Path(base).resolve()) if base != "e5-small" and Path(base).is_dir() else base
    meta = {"base": recorded_base, "architecture": "AutoModelForSequenceClassification", "id2label": ID2LABEL,
            "lora_scaling": scaling, "regime": regime, "seed": seed}
    del model, trainer
    final, _ = build_victim_model(meta, tensors)  # the exact weights a user rebuilds from the delta
    train_wall = round(time.time() - started, 1)
    write_delta(out / "victim", meta, tensors)
    save_checkpoint(final, base_path, out)
    if torch.cuda.is_available():
        final.to("cuda")
    eval_start = time.time()
    accuracy = evaluate_pawsx(final, tokenizer, n=settings.eval_n, max_length=settings.max_length)
    facts = {"settings": {**asdict(settings), "lr": settings.lr}, "phases": phases, "train_wall_s": train_wall,
             "eval_wall_s": round(time.time() - eval_start, 1), "accuracy": accuracy,
             "delta_bytes": (out / "victim" / "delta.safetensors").stat().st_size,
             "torch_threads": torch.get_num_threads(),
             "device": "cuda" if torch.cuda.is_available() else "cpu",
             "precision": resolve_precision(settings.precision, "cuda" if torch.cuda.is_available() else "cpu")}
    if delta_facts:
        facts["delta"] = delta_facts
    write_card(out, facts)
    write_card(out / "victim", facts)
    shutil.rmtree(workdir, ignore_errors=True)
    return out
