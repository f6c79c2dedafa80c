"""Parse throughput with and without rbx's parse cache, side by side, in one run.

For each language: ~200 PAWS-X dev sentences (sentence1 of the first pairs of a fixed sample) are
parsed by ``parse_texts`` three ways, each into a fresh, empty ``$RBX_HOME`` so nothing leaks in:

* load: building the stanza pipeline (once per process; reported apart, not in the throughputs);
* cold: every text is a cache miss: one batched stanza call, trees converted and stored;
* warm: the same texts again in a new process-like state (pipelines forgotten): all cache hits,
  stanza is never called and the pipeline is never built.

Prints sentences/s for cold and warm and their ratio. Threads: torch uses ``--threads`` (default 1).

    python benchmarks/parse_cache.py [--langs en,de,es,fr,ja,ko,zh] [--n 200] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--langs", default="en,de,es,fr,ja,ko,zh")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--parser-dir", default=None, help="parser folder [default: search order]")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from robustbench_xl.parsing import PARSE_COUNTERS, clear_pipelines, get_pipeline, parse_texts
    from robustbench_xl.parsing.parse import dataset_texts

    rows = []
    for lang in args.langs.split(","):
        texts = dataset_texts(lang, "pawsx", "dev", n=args.n, seed=0)[: args.n]
        with tempfile.TemporaryDirectory(prefix="rbx-bench-") as home:
            os.environ["RBX_HOME"] = home
            clear_pipelines()
            started = time.perf_counter()
            get_pipeline(lang, args.parser_dir)
            load = time.perf_counter() - started

            calls = PARSE_COUNTERS["texts_parsed"]
            started = time.perf_counter()
            cold = parse_texts(lang, texts, args.parser_dir)
            cold_s = time.perf_counter() - started
            parsed = PARSE_COUNTERS["texts_parsed"] - calls

            clear_pipelines()
            started = time.perf_counter()
            warm = parse_texts(lang, texts, args.parser_dir)
            warm_s = time.perf_counter() - started
            assert warm == cold and PARSE_COUNTERS["texts_parsed"] - calls == parsed
            merged = sum(p.merged for p in cold)
            rows.append((lang, len(texts), parsed, merged, load, len(texts) / cold_s, len(texts) / warm_s))
        print(f"{lang}: done", flush=True)

    print(f"\n{'lang':4} {'texts':>5} {'parsed':>6} {'merged':>6} {'load s':>7} {'cold sent/s':>12} "
          f"{'warm sent/s':>12} {'warm/cold':>10}")
    for lang, n, parsed, merged, load, cold, warm in rows:
        print(f"{lang:4} {n:5d} {parsed:6d} {merged:6d} {load:7.2f} {cold:12.1f} {warm:12.0f} {warm / cold:9.0f}x")
    print(f"\ntorch threads: {args.threads}; cold excludes the pipeline load; warm never builds a pipeline")


if __name__ == "__main__":
    main()
