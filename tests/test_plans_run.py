"""Plans end to end on tiny checkpoints: local, shards, worker pool, Ray, kills, failures, foreign results."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from robustbench_xl.cli.plans import app
from robustbench_xl.errors import RbxError
from robustbench_xl.plans import run_plan

# Cells run in this process too: MKL must be bitwise reproducible whatever the thread count before the
# session's first matrix product (run_plan sets the same, but MKL reads it only once).
os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")

CELL = Path("de") / "char-noise"


def plan_text(name, models, n=2, budget=30, languages=("de",), seed=1):
    model_lines = "".join(f"  - {{path: {m}}}\n" for m in models)
    return (f"name: {name}\nmodels:\n{model_lines}languages: [{', '.join(languages)}]\nrecipes: [char-noise]\n"
            f"sample: {{n: {n}, seed: {seed}}}\nquery_budget: {budget}\n")


def cell_files(out: Path) -> dict:
    """Every results file under ``out`` except the plan records; wall times dropped (they always differ)."""
    files = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out)
        if not path.is_file() or rel.parts[0] == "_plans":
            continue
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            data.pop("wall_time_s", None)
            files[str(rel)] = data
        else:
            files[str(rel)] = path.read_bytes()
    return files


def snapshot(out: Path) -> dict:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


def ids_of(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def grid(tmp_path_factory, bert_checkpoint, xlmr_checkpoint):
    """The 2-cell plan (tiny BERT and XLM-R x de x char-noise, n=2) run once in this process."""
    folder = tmp_path_factory.mktemp("plans")
    plan = folder / "grid.yaml"
    plan.write_text(plan_text("grid", [bert_checkpoint, xlmr_checkpoint]), encoding="utf-8")
    out = folder / "ref"
    report = run_plan(plan, out=out, progress=False)
    return plan, out, report


def test_local_run_writes_cells_record_and_report(grid):
    plan, out, report = grid
    assert report["ok"] and report["counts"] == {"done": 2, "complete": 0, "failed": 0}
    assert [c["key"] for c in report["cells"]] == ["tiny-bert/de/char-noise", "tiny-xlmr/de/char-noise"]
    for model in ("tiny-bert", "tiny-xlmr"):
        assert len(ids_of(out / model / CELL / "examples.jsonl")) == 2
        assert json.loads((out / model / CELL / "summary.json").read_text())["complete"] is True
    record = json.loads((out / "_plans" / "grid" / "plan.json").read_text())
    assert record["name"] == "grid" and record["settings"]["query_budget"] == 30 and record["n_cells"] == 2
    on_disk = json.loads((out / "_plans" / "grid" / "report.json").read_text())
    assert on_disk["counts"] == report["counts"] and not (out / "_plans" / "grid" / "failures.jsonl").exists()


def test_plan_show_reports_progress_per_cell(grid, tmp_path):
    plan, out, _ = grid
    result = CliRunner().invoke(app, ["plan", "show", str(plan), "--out", str(out)])
    assert result.exit_code == 0 and result.output.count("complete") == 2
    result = CliRunner().invoke(app, ["plan", "show", str(plan), "--out", str(tmp_path), "--shard", "2/2"])
    assert result.exit_code == 0 and "tiny-xlmr" in result.output and "tiny-bert" not in result.output
    assert "not started" in result.output


def test_rerun_skips_complete_cells_without_touching_them(grid):
    plan, out, _ = grid
    before = {k: v for k, v in snapshot(out).items() if "/_plans/" not in k}
    report = run_plan(plan, out=out, progress=False)
    assert report["ok"] and report["counts"] == {"done": 0, "complete": 2, "failed": 0}
    assert {k: v for k, v in snapshot(out).items() if "/_plans/" not in k} == before


def test_shards_together_equal_the_unsharded_run(grid, tmp_path):
    plan, ref, _ = grid
    out = tmp_path / "sharded"
    first = run_plan(plan, out=out, shard="1/2", progress=False)
    second = run_plan(plan, out=out, shard="2/2", progress=False)
    assert [c["key"] for c in first["cells"]] == ["tiny-bert/de/char-noise"]
    assert [c["key"] for c in second["cells"]] == ["tiny-xlmr/de/char-noise"]
    assert (out / "_plans" / "grid" / "report-shard-2-of-2.json").is_file()
    assert cell_files(out) == cell_files(ref)


def test_ray_executor_gives_identical_results(grid, tmp_path):
    pytest.importorskip("ray")
    plan, ref, _ = grid
    out = tmp_path / "ray"
    report = run_plan(plan, out=out, executor="ray", workers=2, progress=False)
    assert report["ok"] and report["counts"]["done"] == 2 and report["executor"] == "ray"
    assert cell_files(out) == cell_files(ref)


def test_grid_may_grow_but_settings_may_not_change(grid, tmp_path, bert_checkpoint, xlmr_checkpoint):
    plan, ref, _ = grid
    out = tmp_path / "copy"
    shutil.copytree(ref, out)
    changed = tmp_path / "grid.yaml"
    changed.write_text(plan_text("grid", [bert_checkpoint, xlmr_checkpoint], budget=40), encoding="utf-8")
    before = snapshot(out)
    with pytest.raises(RbxError) as info:
        run_plan(changed, out=out, progress=False)
    message = str(info.value)
    assert message.startswith(f"{changed}: ") and "query_budget: results have 30, this plan needs 40" in message
    other = tmp_path / "other.yaml"  # another plan writing the same cells with other settings
    other.write_text(plan_text("other", [xlmr_checkpoint], budget=40), encoding="utf-8")
    with pytest.raises(RbxError) as info:
        run_plan(other, out=out, progress=False)
    message = str(info.value)
    assert message.startswith(f"{other}: ") and "tiny-xlmr/de/char-noise/run.json: query_budget: results have 30" in message
    assert snapshot(out) == before and not (out / "_plans" / "other").exists()
    grown = tmp_path / "grown.yaml"
    grown.write_text(plan_text("grid", [bert_checkpoint], languages=("de", "fr")), encoding="utf-8")
    report = run_plan(grown, out=out, progress=False)
    assert report["counts"] == {"done": 1, "complete": 1, "failed": 0}
    assert json.loads((out / "_plans" / "grid" / "plan.json").read_text())["grid"]["languages"] == ["de", "fr"]


def test_failing_cell_is_recorded_and_the_others_go_on(bert_checkpoint, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    shutil.copy(bert_checkpoint / "config.json", broken / "config.json")
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    plan = tmp_path / "mixed.yaml"
    plan.write_text(plan_text("mixed", [broken, bert_checkpoint]), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(plan), "--out", str(out), "--quiet"])
    assert result.exit_code == 1, result.output
    assert "failed broken/de/char-noise" in result.output
    assert len(ids_of(out / "tiny-bert" / CELL / "examples.jsonl")) == 2
    failures = [json.loads(line) for line in (out / "_plans" / "mixed" / "failures.jsonl").read_text().splitlines()]
    assert [f["key"] for f in failures] == ["broken/de/char-noise"] and "checkpoint" in failures[0]["error"]
    report = json.loads((out / "_plans" / "mixed" / "report.json").read_text())
    assert report["ok"] is False and report["counts"] == {"done": 1, "complete": 0, "failed": 1}


# -- kills ------------------------------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    """Worker processes of ``pid`` (spawned multiprocessing children, not the resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid and b"spawn_main" in cmdline and b"resource_tracker" not in cmdline:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start(plan: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "robustbench_xl", "run", str(plan), "--out", str(out),
                             "--workers", "2", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _wait_for_first_line(proc, files, timeout=240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(f.is_file() and f.read_bytes().count(b"\n") >= 1 for f in files):
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("no example was written in time")


@pytest.fixture(scope="module")
def long_plan(tmp_path_factory, bert_checkpoint, xlmr_checkpoint):
    """Two cells long enough to be killed mid-way, and their results from one uninterrupted run."""
    folder = tmp_path_factory.mktemp("long")
    plan = folder / "long.yaml"
    plan.write_text(plan_text("long", [bert_checkpoint, xlmr_checkpoint], n=10, budget=60), encoding="utf-8")
    out = folder / "ref"
    assert run_plan(plan, out=out, progress=False)["ok"]
    return plan, out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads worker processes from /proc")
def test_killed_workers_are_retried_and_a_killed_run_resumes(long_plan, tmp_path):
    plan, ref = long_plan
    examples = [tmp_path / "a" / m / CELL / "examples.jsonl" for m in ("tiny-bert", "tiny-xlmr")]
    # 1. SIGKILL the worker processes mid-cell: the pool retries their cells (which resume) and finishes.
    proc = _start(plan, tmp_path / "a")
    _wait_for_first_line(proc, examples)
    workers = _children(proc.pid)
    assert len(workers) == 2 and any(not f.is_file() or f.read_bytes().count(b"\n") < 10 for f in examples)
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stdout + stderr
    assert cell_files(tmp_path / "a") == cell_files(ref)
    # 2. SIGKILL the whole run mid-cell: its workers die with it, and a re-run completes what was missing.
    examples = [tmp_path / "b" / m / CELL / "examples.jsonl" for m in ("tiny-bert", "tiny-xlmr")]
    proc = _start(plan, tmp_path / "b")
    _wait_for_first_line(proc, examples)
    workers = _children(proc.pid)
    proc.kill()
    proc.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "orphaned workers kept running"
    written = [f.read_bytes().count(b"\n") if f.is_file() else 0 for f in examples]
    assert 1 <= sum(written) < 20
    report = run_plan(plan, out=tmp_path / "b", progress=False)
    assert report["ok"] and report["counts"]["complete"] + report["counts"]["done"] == 2
    for f in examples:
        ids = ids_of(f)
        assert len(ids) == len(set(ids)) == 10  # nothing lost, nothing duplicated
    assert cell_files(tmp_path / "b") == cell_files(ref)


_THREADS_PROBE = """
import os, sys
from robustbench_xl.executors.task import set_threads
if sys.argv[2] == "set":
    set_threads(1)
from transformers import AutoTokenizer
tokenizer = AutoTokenizer.from_pretrained(sys.argv[1])
threads = lambda: len(os.listdir("/proc/self/task"))
before = threads()
for _ in range(3):
    tokenizer(["a sentence to encode"] * 16, ["and its pair, in one batch"] * 16, padding=True)
print(before, threads())
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads through /proc")
def test_a_one_thread_worker_tokenizes_without_a_thread_pool(xlmr_checkpoint):
    """A worker given one core must not wake the fast tokenizer's own pool for every batch (it took
    10-19% of a core per thread from the other worker's forward passes)."""
    env = {k: v for k, v in os.environ.items() if k not in ("TOKENIZERS_PARALLELISM", "RAYON_NUM_THREADS")}

    def probe(mode: str) -> tuple[int, int]:
        done = subprocess.run([sys.executable, "-c", _THREADS_PROBE, str(xlmr_checkpoint), mode], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        before, after = map(int, done.stdout.split()[-2:])
        return before, after

    before, after = probe("default")
    assert after > before  # the pool exists by default: the check below can tell the difference
    before, after = probe("set")
    assert after == before
