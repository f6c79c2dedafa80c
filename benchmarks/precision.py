"""fp32 vs bf16 inference for a victim on this machine's CPU (or GPU), side by side in one run.

For each language it classifies the same ``--n`` PAWS-X dev pairs in both precisions (same batches,
dynamic padding, batch ``--batch-size``) and prints pairs/s per precision, the ratio bf16/fp32, the
share of pairs whose predicted label agrees, and the largest difference in P(paraphrase). With
``--attack-n`` it also runs one char-noise cell (``rbx attack``, same pairs, same seed) in both
precisions and counts the examples whose attack outcome differs. Whether bf16 helps depends on the
hardware: native with AMX / AVX512-BF16 or a bf16 GPU, emulated (many times slower) otherwise; the
CPU default (``--precision`` of ``rbx attack``) follows these numbers, see the README.

    python benchmarks/precision.py --n 500 --langs all --attack-n 20     # the issue's setting
    python benchmarks/precision.py --n 40 --langs en,ko --attack-n 0     # a quick look
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _probabilities(model, tokenizer, pairs, precision: str, device: str, batch_size: int):
    import torch

    from robustbench_xl.models.precision import autocast

    out = []
    with torch.no_grad(), autocast(precision, device):
        for start in range(0, len(pairs), batch_size):
            chunk = pairs[start : start + batch_size]
            enc = tokenizer([p[0] for p in chunk], [p[1] for p in chunk], padding=True, truncation=True,
                            max_length=128, return_tensors="pt").to(device)
            out += model(**enc).logits.float().softmax(-1)[:, 1].tolist()
    return out


def inference_rows(model_spec: str, langs: list[str], n: int, batch_size: int, device: str) -> list[dict]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from robustbench_xl.data import load_examples
    from robustbench_xl.models.victims import resolve_victim

    folder = resolve_victim(model_spec) or model_spec  # a shipped victim is rebuilt; else a folder or hub id
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForSequenceClassification.from_pretrained(str(folder)).eval().to(device)
    rows = []
    for lang in langs:
        examples = load_examples("pawsx", lang, "dev", n=n, seed=0)
        pairs = [(e.sentence1, e.sentence2) for e in examples]
        _probabilities(model, tokenizer, pairs[:batch_size], "fp32", device, batch_size)  # warm-up
        timing, probs = {}, {}
        for precision in ("fp32", "bf16"):
            started = time.perf_counter()
            probs[precision] = _probabilities(model, tokenizer, pairs, precision, device, batch_size)
            timing[precision] = len(pairs) / (time.perf_counter() - started)
        agree = sum((a > 0.5) == (b > 0.5) for a, b in zip(probs["fp32"], probs["bf16"])) / len(pairs)
        rows.append({"lang": lang, "n": len(pairs), "fp32_pairs_s": round(timing["fp32"], 1),
                     "bf16_pairs_s": round(timing["bf16"], 1), "ratio": round(timing["bf16"] / timing["fp32"], 3),
                     "label_agreement": round(agree, 4),
                     "max_prob_diff": round(max(abs(a - b) for a, b in zip(probs["fp32"], probs["bf16"])), 4)})
    return rows


def attack_outcomes(model_spec: str, lang: str, n: int, device: str) -> dict:
    """One char-noise cell in fp32 and in bf16: how many examples end differently."""
    statuses = {}
    with tempfile.TemporaryDirectory() as work:
        for precision in ("fp32", "bf16"):
            out = Path(work) / precision
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "robustbench_xl", "attack", "--model", model_spec, "--lang", lang,
                            "--recipe", "char-noise", "--n", str(n), "--query-budget", "100", "--device", device,
                            "--precision", precision, "--out", str(out), "--quiet"], check=True)
            wall = time.perf_counter() - started
            (examples,) = out.rglob("examples.jsonl")
            rows = [json.loads(line) for line in examples.read_text(encoding="utf-8").splitlines()]
            statuses[precision] = ({r["id"]: r["status"] for r in rows}, wall)
    fp32, bf16 = statuses["fp32"][0], statuses["bf16"][0]
    return {"lang": lang, "n": len(fp32), "outcomes_differ": sum(fp32[i] != bf16.get(i) for i in fp32),
            "fp32_wall_s": round(statuses["fp32"][1], 1), "bf16_wall_s": round(statuses["bf16"][1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="victim id, folder or hub id (default: the default victim)")
    parser.add_argument("--langs", default="all")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--attack-n", type=int, default=20, help="pairs of the char-noise cell (0: skip)")
    parser.add_argument("--attack-lang", default="ko")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    import torch

    from robustbench_xl.evaluate import parse_langs
    from robustbench_xl.models.precision import cpu_has_native_bf16
    from robustbench_xl.models.victims import DEFAULT_VICTIM

    if args.threads:
        torch.set_num_threads(args.threads)
    model = args.model or DEFAULT_VICTIM
    print(f"model {model}, device {args.device}, torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"native CPU bf16: {cpu_has_native_bf16()}")
    rows = inference_rows(model, parse_langs(args.langs), args.n, args.batch_size, args.device)
    print(f"\n{'lang':<5} {'n':>5} {'fp32 pairs/s':>13} {'bf16 pairs/s':>13} {'bf16/fp32':>10} "
          f"{'labels agree':>13} {'max dP':>8}")
    for r in rows:
        print(f"{r['lang']:<5} {r['n']:>5} {r['fp32_pairs_s']:>13} {r['bf16_pairs_s']:>13} {r['ratio']:>10} "
              f"{r['label_agreement']:>13} {r['max_prob_diff']:>8}")
    if args.attack_n:
        a = attack_outcomes(model, args.attack_lang, args.attack_n, args.device)
        print(f"\nchar-noise {a['lang']}, n={a['n']}: {a['outcomes_differ']} attack outcomes differ "
              f"(fp32 {a['fp32_wall_s']} s, bf16 {a['bf16_wall_s']} s)")


if __name__ == "__main__":
    main()
