"""Clean (unattacked) PAWS-X accuracy of a trained victim, and its model card.

What it does: :func:`evaluate_pawsx` classifies the bundled PAWS-X dev pairs (rbx's data layer, which
drops untranslated pairs) of each language through the attacks' own victim and wrapper
(:func:`predict_pairs`) and reports one :func:`confusion_row` per language (accuracy with a 95% Wilson
interval, majority-class rate, share predicted "paraphrase", confusion counts): the rows ``rbx eval``
prints, so a card and ``rbx eval`` agree on the same pairs. ``n`` picks the same fixed subset of ids for
every model (seeded sample). :func:`write_card` writes ``card.json`` and a human ``README.md`` (regime,
data, seed, steps, wall time, accuracies).
Languages: every registered language (``lang.languages``) with a bundled PAWS-X dev split: en de es fr ja ko zh.
Limits: clean accuracy only; robustness is what ``rbx run`` measures.
Example::

    acc = evaluate_pawsx(model, tokenizer, n=300)     # {"en": {"accuracy": 0.71, "ci95": [...], ...}, ...}
    write_card(Path("runs/e5s-standard-s0"), {"settings": {...}, "accuracy": acc, ...})
"""

from __future__ import annotations

import json
from pathlib import Path

from robustbench_xl.attack_defaults import ATTACK_DEFAULTS as DEFAULTS
from robustbench_xl.errors import RbxError
from robustbench_xl.stats import wilson_interval  # the package's one Wilson interval


def confusion_row(gold: list[int], predicted: list[int]) -> dict:
    """Accuracy facts of one language (paraphrase = positive class): n, correct, accuracy with its 95%
    Wilson interval, majority-class rate, share predicted "paraphrase", confusion counts. ``rbx eval``,
    model cards and ``rbx models show`` all report these rows."""
    n = len(gold)
    if n == 0:
        raise RbxError("no examples to evaluate")
    tp = sum(1 for g, p in zip(gold, predicted) if g == 1 and p == 1)
    tn = sum(1 for g, p in zip(gold, predicted) if g == 0 and p == 0)
    fp = sum(1 for g, p in zip(gold, predicted) if g == 0 and p == 1)
    fn = n - tp - tn - fp
    correct = tp + tn
    low, high = wilson_interval(correct, n)
    positives = sum(gold)
    return {"n": n, "correct": correct, "accuracy": round(correct / n, 4), "ci95": [round(low, 4), round(high, 4)],
            "majority": round(max(positives, n - positives) / n, 4),
            "predicted_paraphrase": round(sum(predicted) / n, 4),
            "confusion": {"tp": tp, "fp": fp, "tn": tn, "fn": fn}}


def predict_pairs(model, tokenizer, pairs: list[tuple[str, str]], max_length: int = DEFAULTS.max_length,
                  batch_size: int = DEFAULTS.batch_size) -> list[int]:
    """Task label (1 = paraphrase) predicted for each pair, through the attacks' own victim and wrapper
    (the checkpoint's label order, the same truncation and batching), so a card's clean accuracy is the
    one an attack starts from and the one ``rbx eval`` reports."""
    from .labels import label_order_from_config
    from .loading import HFVictim
    from .wrapper import PairClassifierWrapper

    config = model.config
    victim = HFVictim(id="card", checkpoint="", model=model, tokenizer=tokenizer,
                      label_order=label_order_from_config(config.id2label, config.num_labels), fingerprint="",
                      device=str(next(model.parameters()).device), max_length=max_length)
    model.eval()
    wrapper = PairClassifierWrapper(victim, max_length=max_length, batch_size=batch_size)
    return [int(row.argmax()) for row in wrapper.predict_pairs(pairs)]


def evaluate_pawsx(model, tokenizer, n: int | None = None, max_length: int = DEFAULTS.max_length,
                   langs: tuple[str, ...] | None = None, seed: int = DEFAULTS.seed) -> dict:
    """Per-language clean accuracy on PAWS-X dev (:func:`confusion_row` per language); ``langs``: every
    registered language whose dev split ships (all seven), in the registry's display order."""
    from robustbench_xl.data import bundled_languages, load_examples

    report = {}
    for lang in bundled_languages() if langs is None else langs:
        sample = load_examples("pawsx", lang, "dev", n=n, seed=seed)
        predicted = predict_pairs(model, tokenizer, [(e.sentence1, e.sentence2) for e in sample], max_length)
        report[lang] = confusion_row([e.label for e in sample], predicted)
    return report


def _accuracy_table(accuracy: dict) -> list[str]:
    lines = ["| lang | n | accuracy | 95% CI (Wilson) | majority class | predicted paraphrase |",
             "| --- | --- | --- | --- | --- | --- |"]
    for lang, row in accuracy.items():
        lines.append(f"| {lang} | {row['n']} | {row['accuracy']:.3f} | {row['ci95'][0]:.3f}-{row['ci95'][1]:.3f} "
                     f"| {row['majority']:.3f} | {row['predicted_paraphrase']:.3f} |")
    return lines


def write_card(folder: Path, facts: dict) -> None:
    """``card.json`` (facts verbatim) and ``README.md`` (the same, readable) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "card.json").write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    s = facts["settings"]
    phases = facts.get("phases", {})
    adapter = (f"LoRA r={s['lora_r']} alpha={s['lora_alpha']} on attention+FFN linears of "
               f"{'the top ' + str(s['lora_layers']) if s['lora_layers'] else 'all'} layers, pooler + head trained"
               if s["lora_r"] else
               f"full fine-tuning of {'the top ' + str(s['lora_layers']) if s['lora_layers'] else 'all'} layers")
    lines = [f"# PAWS paraphrase victim: {s['base']}, {s['regime']}, seed {s['seed']}", "",
             "Sequence-pair classifier (label 1 = paraphrase) trained by `rbx train` on English PAWS-Wiki",
             "pairs (Zhang et al. 2019, Google LLC) and evaluated zero-shot on PAWS-X dev (Yang et al. 2019).",
             "", "## Training", "",
             f"- base: `{s['base']}`; regime: **{s['regime']}**; seed: {s['seed']}",
             f"- trainable: {adapter}; word embeddings frozen",
             f"- batch size {s['batch_size']}, learning rate {s.get('lr', s['learning_rate'])}, "
             f"max length {s['max_length']}, device {facts.get('device', 'cpu')} "
             f"({facts.get('torch_threads', '?')} threads)"]
    if "intermediate" in phases:
        p = phases["intermediate"]
        lines.append(f"- intermediate task `{p['task']}` (UD English-EWT dev+test, CC BY-SA 4.0): "
                     f"{p['sentences']} sentences, {p['tags']} joint UPOS|deprel tags, "
                     f"{s['intermediate_epochs']} epoch(s), {p['steps']} steps, loss {p['train_loss']}, {p['wall_s']} s")
    if "paws" in phases:
        p = phases["paws"]
        lines.append(f"- PAWS: {p['pairs']} pairs, {s['epochs']} epoch(s), {p['steps']} steps, "
                     f"final mean loss {p['train_loss']}, {p['wall_s']} s")
    lines += [f"- total training wall time: {facts['train_wall_s']} s; delta shipped: "
              f"{facts['delta_bytes'] / 1e6:.2f} MB"]
    if facts.get("delta"):
        d = facts["delta"]
        lines.append(f"- delta: the change of each of {d['matrices']} encoder matrices at rank {d['rank']} "
                     f"(truncated SVD, relative error {d['relative_error']}), the other trained tensors exact; "
                     "the accuracies below are those of the rebuilt (compressed) model")
    lines += ["", "## Clean accuracy (PAWS-X dev)", ""]
    if facts.get("accuracy"):
        lines += _accuracy_table(facts["accuracy"])
        rates = {row["predicted_paraphrase"] for row in facts["accuracy"].values()}
        if rates <= {0.0, 1.0}:
            lines += ["", "**Warning: this model predicts one class for every evaluated pair; its accuracy is the "
                      "majority-class rate, i.e. it has not learned the task at this budget.**"]
        lines += ["", f"Evaluated on {'a fixed seeded subset of ' + str(s['eval_n']) + ' pairs per language' if s.get('eval_n') else 'all pairs'} "
                  f"in {facts.get('eval_wall_s', '?')} s."]
    (folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
