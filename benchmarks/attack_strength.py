"""Attack strength: success rate against the query budget, per recipe and language, side by side in one run.

For each (language, recipe) it attacks the same ``--n`` PAWS-X dev pairs (same seed) once at the
largest budget and reads, for every budget B of ``--budgets``, the share of attacked pairs that
were flipped within B queries. That equals a run with budget B: the searches are deterministic and
the budget only stops them, so the first B queries are the same (``--verify`` re-runs one cell at
the smallest budget and checks it). Besides the shipped recipes, ``all-greedy`` is ``all`` with
its earlier search (``greedy``: every candidate of every word at each step) so that the search change
is measured on the same candidates. Printed: one table per language (recipes x budgets, with n
attacked and mean queries per attacked pair), then whether ``all`` is at least the best single
recipe at every budget. ``queries`` is the mean over attacked pairs (a failed pair spends what the
search tries), ``q/flip`` the mean over the pairs flipped within the largest budget.

    python benchmarks/attack_strength.py                                   # ko ja zh de, n=30, the issue's budgets
    python benchmarks/attack_strength.py --langs ko --recipes char-noise,all --n 10 --verify
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SINGLE = ["char-noise", "code-switch", "pivot-synonym", "word-order", "syntax-swap"]


def greedy_all(folder: Path) -> Path:
    """``all`` with the ``greedy`` search (its earlier behaviour), as a recipe file of its own."""
    spec = yaml.safe_load((ROOT / "recipes" / "all.yaml").read_text(encoding="utf-8"))
    spec.update(name="all-greedy", search={"type": "greedy"})
    path = folder / "all-greedy.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def attack(model: str, lang: str, recipe: str, n: int, budget: int, out: Path, seed: int) -> tuple[list[dict], float]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "robustbench_xl", "attack", "--model", model, "--lang", lang,
                           "--recipe", recipe, "--n", str(n), "--seed", str(seed), "--query-budget", str(budget),
                           "--out", str(out), "--quiet"], capture_output=True, text=True)
    if proc.returncode != 0:
        return [], -1.0  # the recipe does not support the language (one-line error), or it failed
    (examples,) = out.rglob("examples.jsonl")
    rows = [json.loads(line) for line in examples.read_text(encoding="utf-8").splitlines()]
    return rows, time.perf_counter() - started


def success_by_budget(rows: list[dict], budgets: list[int]) -> dict:
    attacked = [r for r in rows if r["status"] in ("succeeded", "failed")]
    flipped = [r["queries"] for r in attacked if r["status"] == "succeeded"]
    return {"n": len(attacked), "mean_queries": sum(r["queries"] for r in attacked) / max(1, len(attacked)),
            "queries_per_flip": sum(flipped) / len(flipped) if flipped else None,
            "rate": {b: sum(q <= b for q in flipped) / len(attacked) if attacked else None for b in budgets}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="e5s-full-standard-s0", help="victim (default: the learned victim of "
                                                                       "leaderboard/pawsx-full)")
    parser.add_argument("--langs", default="ko,ja,zh,de")
    parser.add_argument("--recipes", default=",".join(SINGLE + ["all-greedy", "all"]))
    parser.add_argument("--budgets", default="25,50,100,200")
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verify", action="store_true", help="re-run the first cell at the smallest budget")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    budgets = sorted(int(b) for b in args.budgets.split(","))
    langs, recipes = args.langs.split(","), args.recipes.split(",")
    table: dict = {}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        files = {r: (str(greedy_all(work)) if r == "all-greedy" else r) for r in recipes}
        for lang in langs:
            for recipe in recipes:
                rows, wall = attack(args.model, lang, files[recipe], args.n, budgets[-1], work / lang / Path(recipe).stem, args.seed)
                if rows:
                    table[(lang, recipe)] = {**success_by_budget(rows, budgets), "wall_s": round(wall, 1)}
                    print(f"{lang} {recipe}: {table[(lang, recipe)]}", file=sys.stderr, flush=True)
        if args.verify and table:
            (lang, recipe), first = next(iter(table.items()))
            rows, _ = attack(args.model, lang, files[recipe], args.n, budgets[0], work / "verify", args.seed)
            direct = success_by_budget(rows, budgets)["rate"][budgets[0]]
            print(f"verify {lang} {recipe} at budget {budgets[0]}: run {direct:.3f}, "
                  f"read from the budget-{budgets[-1]} run {first['rate'][budgets[0]]:.3f}")
    print(f"\nmodel {args.model}, n={args.n} pairs per cell (seed {args.seed}); success rate over attacked pairs (%)")
    for lang in langs:
        print(f"\n{lang:<14}{'n':>4}" + "".join(f"{'B=' + str(b):>8}" for b in budgets) + f"{'queries':>9}{'q/flip':>8}{'wall s':>8}")
        for recipe in recipes:
            cell = table.get((lang, recipe))
            if cell is None:
                print(f"{recipe:<14}{'-':>4}   (recipe does not support {lang})")
                continue
            print(f"{recipe:<14}{cell['n']:>4}" + "".join(f"{100 * cell['rate'][b]:>8.1f}" for b in budgets)
                  + f"{cell['mean_queries']:>9.1f}" + (f"{cell['queries_per_flip']:>8.1f}" if cell.get(
                      "queries_per_flip") is not None else f"{'-':>8}") + f"{cell['wall_s']:>8.1f}")
        singles = [table[(lang, r)] for r in recipes if r in SINGLE and (lang, r) in table]
        if (lang, "all") in table and singles:
            best = {b: max(c["rate"][b] for c in singles) for b in budgets}
            verdict = ["ok" if table[(lang, "all")]["rate"][b] >= best[b] else "below" for b in budgets]
            print(f"{'all >= best':<18}" + "".join(f"{v:>8}" for v in verdict))
    if args.json:
        args.json.write_text(json.dumps({f"{lang}/{recipe}": cell for (lang, recipe), cell in table.items()},
                                        indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
