"""Why did `rbx train` sit at the class prior? One factor at a time, side by side, English dev only.

Each variant fine-tunes e5-small fully (word embeddings frozen) on the bundled PAWS-Wiki pool with
`rbx train`'s own model preparation and Trainer, a 500-step linear schedule, and stops after
``--steps`` optimizer steps. It prints the mean training loss per 50-step window (the prior's loss is
ln 2 = 0.693 with balanced classes; the pool's majority rate gives about 0.69) and the accuracy on
``--eval-n`` English PAWS-X dev pairs next to the majority rate. Variants choose on English dev only.

    python benchmarks/training_recipe_ablation.py --steps 250 --variants grouped,shuffled
"""

from __future__ import annotations

import argparse
import time

VARIANTS = {
    # rbx train's setup before this change: length-grouped batches, 10% warm-up.
    "grouped": dict(group_by_length=True),
    # the same with uniformly shuffled batches (the plain PyTorch loop's sampling).
    "shuffled": dict(group_by_length=False),
    # shuffled + the plain loop's head: tanh(<s>) (identity pooler frozen), nn.Linear init, no head dropout.
    "plain-head": dict(group_by_length=False, train_pooler=False, head_init="linear", head_dropout=0.0),
    # shuffled + only the word embeddings frozen (positions, token types, embedding LayerNorm train).
    "embeddings": dict(group_by_length=False, freeze="word-embeddings"),
}
# not rbx train at all: the plain PyTorch loop of the clue in #12 (tanh(<s>), a fresh nn.Linear head,
# only the word embeddings frozen, torch AdamW, shuffled batches), to tell the Trainer setup from chance.
PLAIN = "plain"


def run_plain(steps: int, schedule: int, seed: int):
    """The clue's loop; returns the model (logits via ``model(**enc).logits``) and the logged losses."""
    import random

    import torch
    from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

    from robustbench_xl.models import training as tr
    from robustbench_xl.models.victims import resolve_base

    torch.manual_seed(seed)
    base = resolve_base("e5-small")
    tokenizer = AutoTokenizer.from_pretrained(base)
    encoder = AutoModel.from_pretrained(base)

    class Plain(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder, self.head = encoder, torch.nn.Linear(encoder.config.hidden_size, 2)

        def forward(self, input_ids, attention_mask, **_):
            state = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return type("Out", (), {"logits": self.head(torch.tanh(state[:, 0]))})

    model = Plain()
    for name, param in model.named_parameters():
        param.requires_grad = "word_embeddings" not in name and "pooler" not in name
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
    scheduler = get_linear_schedule_with_warmup(optimizer, schedule // 10, schedule)
    pairs = tr.read_pairs()
    random.Random(seed).shuffle(pairs)
    model.train()
    losses = []
    for step in range(steps):
        batch = pairs[step * 16 : (step + 1) * 16]
        enc = tokenizer([b[0] for b in batch], [b[1] for b in batch], padding=True, truncation=True,
                        max_length=128, return_tensors="pt")
        loss = torch.nn.functional.cross_entropy(model(**enc).logits, torch.tensor([b[2] for b in batch]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        losses.append((step + 1, loss.item()))
    return model, tokenizer, losses


def run_variant(name: str, steps: int, schedule: int, eval_n: int, seed: int, threads: int) -> dict:
    import torch
    from transformers import (
        AutoTokenizer,
        DataCollatorWithPadding,
        TrainerCallback,
        set_seed,
    )

    from robustbench_xl.models import training as tr
    from robustbench_xl.models.victims import resolve_base

    torch.set_num_threads(threads)
    if name == PLAIN:
        started = time.time()
        model, tokenizer, losses = run_plain(steps, schedule, seed)
        wall = time.time() - started
        return _score(name, steps, wall, losses, model, tokenizer, eval_n)
    settings = tr.TrainSettings(regime="standard", seed=seed, lora_r=0, learning_rate=1e-4, batch_size=16,
                                max_steps=schedule, warmup_steps=schedule // 10, save_steps=0,
                                **VARIANTS[name])
    base = resolve_base("e5-small")
    tokenizer = AutoTokenizer.from_pretrained(base)
    set_seed(seed)
    model = tr.paws_model(base, settings)

    class StopAt(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            control.should_training_stop = state.global_step >= steps
            return control

    pairs = tr.paws_subset(tr.read_pairs(), None)
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        trainer = tr._trainer(model, tr._paws_dataset(tokenizer, pairs, settings.max_length),
                              DataCollatorWithPadding(tokenizer), settings, 1.0, tr.Path(work),
                              max_steps=schedule, callbacks=[StopAt()])
        started = time.time()
        trainer.train()
        wall = time.time() - started
    losses = [(h["step"], h["loss"]) for h in trainer.state.log_history if "loss" in h]
    return _score(name, steps, wall, losses, model, tokenizer, eval_n)


def _score(name, steps, wall, losses, model, tokenizer, eval_n) -> dict:
    from robustbench_xl.data import load_examples
    from robustbench_xl.models.victim_card import predict_pairs

    windows = {}
    for step, loss in losses:
        windows.setdefault((step - 1) // 50, []).append(loss)
    dev = load_examples("pawsx", "en", "dev", n=eval_n, seed=0)
    predicted = predict_pairs(model, tokenizer, [(e.sentence1, e.sentence2) for e in dev])
    gold = [e.label for e in dev]
    correct = sum(int(p == g) for p, g in zip(predicted, gold))
    return {"variant": name, "steps": steps, "wall_s": round(wall, 1), "pairs_per_s": round(steps * 16 / wall, 1),
            "loss_by_50": [round(sum(v) / len(v), 3) for _, v in sorted(windows.items())],
            "en_dev_accuracy": round(correct / len(gold), 3), "n": len(gold),
            "majority": round(max(sum(gold), len(gold) - sum(gold)) / len(gold), 3),
            "predicted_paraphrase": round(sum(predicted) / len(gold), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default=",".join([*VARIANTS, PLAIN]))
    parser.add_argument("--steps", type=int, default=250)
    parser.add_argument("--schedule", type=int, default=500)
    parser.add_argument("--eval-n", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    rows = [run_variant(v, args.steps, args.schedule, args.eval_n, args.seed, args.threads)
            for v in args.variants.split(",")]
    for row in rows:
        print(row, flush=True)
    print(f"\n{'variant':<10} {'wall s':>7} {'pairs/s':>8} {'en acc':>7} {'majority':>9}  loss per 50 steps")
    for r in rows:
        print(f"{r['variant']:<10} {r['wall_s']:>7} {r['pairs_per_s']:>8} {r['en_dev_accuracy']:>7} "
              f"{r['majority']:>9}  {' '.join(map(str, r['loss_by_50']))}")


if __name__ == "__main__":
    main()
