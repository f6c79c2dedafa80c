"""USE similarity cost: one sentence at a time against batches, side by side in one run (one thread).

The use-similarity constraint (robustbench_xl/constraints/semantic_similarity.py) embeds candidates
in batches; this prints what that buys on PAWS-X ja sentences (the timing that used to be a test).

    python benchmarks/use_similarity.py            # 32 sentences, 3 repeats
"""

from __future__ import annotations

import argparse
import time


def main() -> None:
    from robustbench_xl.constraints.semantic_similarity import use_model
    from robustbench_xl.data import load_examples

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ja")
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    model = use_model(1)
    print(f"load: {time.perf_counter() - started:.2f} s")
    texts = [e.sentence2 for e in load_examples("pawsx", args.lang, n=args.n, seed=9).examples]
    alone, batched = [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        for text in texts:
            model.encode([text])
        alone.append((time.perf_counter() - started) / len(texts))
        started = time.perf_counter()
        model.encode(texts)
        batched.append((time.perf_counter() - started) / len(texts))
    a, b = min(alone), min(batched)
    print(f"{args.lang}, {len(texts)} sentences, best of {args.repeats}: {1000 * a:.2f} ms per sentence alone, "
          f"{1000 * b:.2f} ms batched; batching is {a / b:.2f}x faster")


if __name__ == "__main__":
    main()
