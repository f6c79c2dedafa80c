"""Stock TextAttack vs rbx on the same examples, recipe, model and query budget, in one run.

Stock: TextAttack's ``HuggingFaceModelWrapper`` (pads every query to the tokenizer's
``model_max_length``) and its own ``AttackedText``. rbx: ``PairClassifierWrapper`` (dynamic padding,
length-sorted batches, query cache) and the language-aware ``MultilingualAttackedText``. Both run the
recipe's transformation, constraints and search with the same query budget.

Prints both wall times, their ratio, model queries per second, and the share of rbx's wall time spent
in the model's forward pass.

    python benchmarks/attack_throughput.py [--model CKPT] [--lang de] [--recipe char-noise] [--n 12]
"""

from __future__ import annotations

import argparse
import time
from collections import OrderedDict


def run_attacks(attack, texts, labels):
    queries = 0
    started = time.perf_counter()
    outcomes = []
    for text, label in zip(texts, labels):
        result = attack.attack(text, label)
        queries += result.perturbed_result.num_queries if type(result).__name__ != "SkippedAttackResult" else 1
        outcomes.append(type(result).__name__)
    return time.perf_counter() - started, queries, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=None, help="checkpoint [default: rbx's default victim]")
    parser.add_argument("--lang", default="de")
    parser.add_argument("--recipe", default="char-noise")
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--query-budget", type=int, default=150)
    args = parser.parse_args()

    import torch

    from robustbench_xl.data import load_examples
    from robustbench_xl.lang.attacked_text import MultilingualAttackedText
    from robustbench_xl.models import load_victim
    from robustbench_xl.offline import import_textattack
    from robustbench_xl.recipes import load_recipe

    ta = import_textattack()
    sample = load_examples("pawsx", args.lang, n=args.n, seed=args.seed)
    recipe = load_recipe(args.recipe)
    victim = load_victim(args.model)
    labels = [e.label for e in sample]
    print(f"model {victim.id} ({sum(p.numel() for p in victim.model.parameters()) / 1e6:.0f}M parameters), "
          f"{args.lang}, recipe {recipe.name} v{recipe.version}, {len(sample)} PAWS-X dev pairs, "
          f"query budget {args.query_budget}, torch threads {torch.get_num_threads()}")

    # Stock TextAttack: its HuggingFace wrapper pads to model_max_length; its AttackedText splits words.
    stock_wrapper = ta.models.wrappers.HuggingFaceModelWrapper(victim.model, victim.tokenizer)
    if victim.label_order != (0, 1):
        raise SystemExit("the stock wrapper cannot reorder labels; pick a checkpoint with (0, 1) order")
    stock_attack = recipe.build_attack(args.lang, stock_wrapper, seed=args.seed, query_budget=args.query_budget,
                                       model_batch_size=32)
    stock_texts = [OrderedDict(sentence1=e.sentence1, sentence2=e.sentence2) for e in sample]

    rbx_wrapper = victim.wrapper(max_length=128, batch_size=32)
    rbx_attack = recipe.build_attack(args.lang, rbx_wrapper, seed=args.seed, query_budget=args.query_budget)
    rbx_texts = [MultilingualAttackedText.from_pair(e.sentence1, e.sentence2, (args.lang, args.lang)) for e in sample]

    stock_time, stock_queries, stock_outcomes = run_attacks(stock_attack, stock_texts, labels)
    rbx_time, rbx_queries, rbx_outcomes = run_attacks(rbx_attack, rbx_texts, labels)

    forward = rbx_wrapper.stats.forward_seconds
    print(f"{'':24}{'stock TextAttack':>18}{'rbx':>12}")
    print(f"{'wall time (s)':24}{stock_time:>18.2f}{rbx_time:>12.2f}")
    print(f"{'model queries':24}{stock_queries:>18d}{rbx_queries:>12d}")
    print(f"{'queries per second':24}{stock_queries / stock_time:>18.1f}{rbx_queries / rbx_time:>12.1f}")
    print(f"{'padded length':24}{stock_wrapper.tokenizer.model_max_length:>18}{'dynamic':>12}")
    print(f"speed-up (stock / rbx wall time): {stock_time / rbx_time:.2f}x")
    print(f"speed-up in queries per second:    {(rbx_queries / rbx_time) / (stock_queries / stock_time):.2f}x")
    print(f"rbx forward-pass share of wall time: {100 * forward / rbx_time:.1f}% "
          f"({rbx_wrapper.stats.forward_examples} pairs in {rbx_wrapper.stats.forward_batches} batches, "
          f"{rbx_wrapper.stats.cache_hits} cache hits)")
    same = sum(a == b for a, b in zip(stock_outcomes, rbx_outcomes))
    print(f"same outcome on {same}/{len(sample)} examples (word splitting differs: stock splits with one global rule)")


if __name__ == "__main__":
    main()
