"""One small plan run three ways: 1 local worker, N local worker processes, and Ray on a local cluster.

Each run is a fresh ``python -m robustbench_xl run`` process writing to its own results
folder, so every run pays the same start-up (interpreter, imports, model loads). The baseline is 1
worker with 1 torch thread (each of N workers gets cores // N threads). Prints wall times, speed-ups
over the baseline, how many cores the run kept busy, and checks that every run wrote byte-identical
``examples.jsonl`` files. Other processes on the machine share its cores: the load average is printed
at the start and the end so the numbers can be read in context.

    python benchmarks/grid_scaling.py [--model CKPT] [--langs de,es,fr,en] [--n 80]
                                      [--query-budget 250] [--workers 2] [--no-ray] [--default-threads]

Without ``--model`` it builds two tiny random checkpoints (BERT and XLM-R, as in the tests): the
attack's search then dominates, as it does for the small shipped victims.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def build_models(folder: Path) -> list[Path]:
    sys.path.insert(0, str(REPO / "tests"))
    from checkpoints import build_bert, build_xlmr

    return [build_bert(folder / "tiny-bert"), build_xlmr(folder / "tiny-xlmr")]


def write_plan(folder: Path, models: list[str], langs: list[str], n: int, budget: int) -> Path:
    lines = ["name: grid-scaling", "models:"] + [f"  - {{path: {m}}}" for m in models]
    lines += [f"languages: [{', '.join(langs)}]", "recipes: [char-noise]", f"sample: {{n: {n}, seed: 0}}",
              f"query_budget: {budget}"]
    path = folder / "grid-scaling.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def machine_seconds() -> dict:
    """Machine-wide CPU seconds so far, from /proc/stat: 'steal' is time the hypervisor gave this VM's
    vCPUs to someone else (a slower run with steal is the host's doing, not rbx's); {} off Linux."""
    try:
        fields = open("/proc/stat", encoding="ascii").readline().split()[1:]
    except OSError:
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    names = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    return {name: int(value) / tick for name, value in zip(names, fields)}


def run(plan: Path, out: Path, extra: list[str], env: dict) -> tuple[float, float, dict, dict]:
    """(wall s, CPU s of the run's processes, plan report, machine-wide idle and steal s)."""
    command = [sys.executable, "-m", "robustbench_xl", "run", str(plan), "--out", str(out), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine_before = machine_seconds()
    started = time.perf_counter()
    proc = subprocess.run(command + extra, capture_output=True, text=True, env={**os.environ, **env})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = {k: v - machine_before[k] for k, v in machine_seconds().items() if k in ("idle", "steal")}
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(extra) or '1 worker'} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads((out / "_plans" / "grid-scaling" / "report.json").read_text()), machine


def examples_bytes(out: Path) -> dict:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("examples.jsonl"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", action="append", help="checkpoint (repeatable) [default: two tiny ones]")
    parser.add_argument("--langs", default="de,es,fr,en")
    parser.add_argument("--n", type=int, default=80)
    parser.add_argument("--query-budget", type=int, default=250)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray run")
    parser.add_argument("--default-threads", action="store_true",
                        help="also time 1 worker with torch's default thread count")
    parser.add_argument("--keep", help="write everything under this folder (kept) instead of a temporary one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rbx-grid-scaling-") as tmp:
        tmp = Path(args.keep or tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("RBX_HOME", str(tmp / "home"))
        models = args.model or [str(p) for p in build_models(tmp)]
        langs = [x.strip() for x in args.langs.split(",") if x.strip()]
        plan = write_plan(tmp, models, langs, args.n, args.query_budget)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"plan: {len(models)} models x {len(langs)} languages x char-noise = {len(models) * len(langs)} "
              f"cells, n={args.n}, query budget {args.query_budget}; {cores} cores; load average "
              f"{os.getloadavg()[0]:.2f} at start")
        # The baseline runs the cells one after another in one process with one thread (torch and the
        # tokenizers); each of N workers also gets cores // N threads, so the ratio measures process
        # parallelism alone.
        # --default-threads adds `rbx run` without --workers as is (torch's default: all cores).
        one = {"OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}  # one core's worth, as a worker
        runs = [("1 worker", [], one), (f"{args.workers} workers", ["--workers", str(args.workers)], {})]
        if not args.no_ray:
            runs.append((f"ray {args.workers} CPUs", ["--executor", "ray", "--workers", str(args.workers)], {}))
        if args.default_threads:
            runs.append(("1 worker, all threads", [], {}))
        results = []
        for label, extra, env in runs:
            out = tmp / label.replace(" ", "-").replace(",", "")
            wall, cpu, report, machine = run(plan, out, extra, env)
            results.append((label, wall, cpu, report["wall_s"], machine, examples_bytes(out)))
            print(f"  {label:<22} {wall:7.1f} s", flush=True)
        base = results[0][1]
        print(f"\n{'run':<22} {'wall s':>7} {'speed-up':>9} {'cell phase s':>13} {'cores busy':>11} "
              f"{'idle s':>7} {'steal s':>8}  same bytes")
        for label, wall, cpu, cells, machine, files in results:
            same = "yes" if files == results[0][5] else "NO"
            print(f"{label:<22} {wall:7.1f} {base / wall:8.2f}x {cells:13.1f} {cpu / wall:11.2f} "
                  f"{machine.get('idle', float('nan')):7.1f} {machine.get('steal', float('nan')):8.1f}  {same}")
        print(f"load average {os.getloadavg()[0]:.2f} at end (other processes share these cores; "
              "'cores busy' = CPU seconds of the run / wall seconds, Ray workers not counted; idle and "
              "steal: machine-wide CPU seconds during the run, steal = taken by the hypervisor)")
        differ = [(label, name) for label, *_, files in results[1:]
                  for name in sorted(set(files) | set(results[0][5])) if files.get(name) != results[0][5].get(name)]
        for label, name in differ:
            print(f"differs: {label}: {name}")
        if differ:
            raise SystemExit("results differ between executors")


if __name__ == "__main__":
    main()
