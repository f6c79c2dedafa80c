"""--device and --precision wherever a model runs (rbx attack, rbx eval, rbx run and the Python API):
bad input is one line and exit 2 before any work; fp32 keeps every identity byte-identical (committed
results still resume); another precision is recorded and is part of the identity; device and versions
are provenance; a GPU out of memory halves the batch without losing or repeating a query."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from robustbench_xl.cli import app
from robustbench_xl.errors import RbxError
from robustbench_xl.models.victim import FunctionVictim
from robustbench_xl.models.wrapper import PairClassifierWrapper
from robustbench_xl.runner import AttackConfig, attack, cell_config, config_hash

REPO = Path(__file__).resolve().parents[1]
NO_GPU = not torch.cuda.is_available()
PAIRS = [(f"Sentence number {i} is about the county.", f"The county is in sentence {i}.") for i in range(10)]


def _rbx(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr, result


def _one_line_error(code, stderr, fragment) -> None:
    assert code == 2, stderr
    assert fragment in stderr and stderr.startswith("error: "), stderr
    assert len(stderr.strip().splitlines()) == 1 and "Traceback" not in stderr


@pytest.mark.parametrize("options,fragment", [
    (["--precision", "half"], "--precision must be one of fp32, bf16, fp16, got 'half'"),
    (["--precision", "auto"], "--precision must be one of fp32, bf16, fp16"),
    (["--device", "tpu"], "--device must be auto, cpu, cuda, cuda:N or mps"),
    pytest.param(["--precision", "fp16"], "--precision fp16 needs a GPU", marks=pytest.mark.skipif(
        not NO_GPU, reason="a GPU is visible: fp16 is allowed")),
    pytest.param(["--device", "cuda"], "no CUDA GPU is visible", marks=pytest.mark.skipif(
        not NO_GPU, reason="a GPU is visible")),
])
@pytest.mark.parametrize("command", ["attack", "eval"])
def test_bad_device_or_precision_is_one_line_and_exit_2_before_any_work(command, options, fragment, tmp_path):
    out = tmp_path / "results"
    args = (["attack", "--lang", "de", "--recipe", "char-noise", "--out", str(out)] if command == "attack"
            else ["eval", "--langs", "de", "--json", str(out / "eval.json")])
    code, stderr, _ = _rbx(*args, *options)
    _one_line_error(code, stderr, fragment)
    assert not out.exists()


def test_a_device_index_out_of_range_is_refused(monkeypatch, tmp_path):
    # Pretend to have one GPU: the check is about the index, made before torch touches a device.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    code, stderr, _ = _rbx("attack", "--lang", "de", "--recipe", "char-noise", "--device", "cuda:3",
                           "--out", str(tmp_path / "r"))
    _one_line_error(code, stderr, "this machine has 1 GPU(s) (cuda:0..cuda:0)")


def _plan(folder: Path, model: Path, extra: str = "") -> Path:
    path = folder / "plan.yaml"
    path.write_text(f"name: p\nmodels: [{{path: {model}}}]\nlanguages: [de]\nrecipes: [char-noise]\n"
                    f"sample: {{n: 2, seed: 0}}\nquery_budget: 5\n{extra}", encoding="utf-8")
    return path


@pytest.mark.parametrize("extra,fragment", [
    ("precision: fp8\n", "precision: must be one of fp32, bf16, fp16, got 'fp8'"),
    ("device: gpu\n", "device: must be auto, cpu, cuda, cuda:N or mps, got 'gpu'"),
])
def test_plan_fields_are_validated(tmp_path, bert_checkpoint, extra, fragment):
    from robustbench_xl.plans import parse_plan

    _, problems = parse_plan(_plan(tmp_path, bert_checkpoint, extra))
    assert any(fragment in p for p in problems), problems
    code, stderr, _ = _rbx("run", str(_plan(tmp_path, bert_checkpoint, extra)), "--out", str(tmp_path / "r"))
    _one_line_error(code, stderr, fragment)
    assert not (tmp_path / "r").exists()


@pytest.mark.skipif(not NO_GPU, reason="a GPU is visible: fp16 and cuda are allowed")
@pytest.mark.parametrize("options,fragment", [(["--precision", "fp16"], "needs a GPU"),
                                              (["--device", "cuda:0"], "no CUDA GPU is visible"),
                                              (["--precision", "int8"], "--precision: must be one of")])
def test_run_refuses_what_this_machine_cannot_do_before_any_work(tmp_path, bert_checkpoint, options, fragment):
    code, stderr, _ = _rbx("run", str(_plan(tmp_path, bert_checkpoint)), "--out", str(tmp_path / "r"), *options)
    _one_line_error(code, stderr, fragment)
    assert not (tmp_path / "r").exists()


def test_plan_settings_and_cells_carry_device_and_precision(tmp_path, bert_checkpoint):
    from robustbench_xl.plans import expand_plan, load_plan, parse_plan

    plain, _ = parse_plan(_plan(tmp_path, bert_checkpoint))
    explicit, _ = parse_plan(_plan(tmp_path, bert_checkpoint, "device: cpu\nprecision: fp32\n"))
    bf16, problems = parse_plan(_plan(tmp_path, bert_checkpoint, "device: cuda:1\nprecision: bf16\n"))
    assert not problems and (plain.device, plain.precision) == ("auto", "fp32")
    assert plain.settings_hash == explicit.settings_hash and "precision" not in plain.settings()
    assert bf16.settings()["precision"] == "bf16" and bf16.settings_hash != plain.settings_hash
    config = expand_plan(bf16, tmp_path)[0].config(bf16)
    assert (config["device"], config["precision"]) == ("cuda:1", "bf16")
    # The committed plans' records still match: their results folders are not refused.
    checked = 0
    for record_file in sorted(REPO.glob("leaderboard/*/results/_plans/*/plan.json")):
        record = json.loads(record_file.read_text())
        name = record["name"]
        found = [f for f in (REPO / "attacks" / f"{name}.yaml", REPO / "leaderboard" / name / "plan.yaml") if f.is_file()]
        if found:
            assert load_plan(found[0], check_registry=False).settings_hash == record["settings_hash"], name
            checked += 1
    assert checked >= 1


def _committed_char_noise_cell():
    """A committed ko/char-noise cell of a victim that is still shipped (its fingerprint needs no rebuild)."""
    from robustbench_xl.models.victims import list_victims

    shipped = set(list_victims())
    for run_file in sorted(REPO.glob("leaderboard/*/results/*/ko/char-noise/run.json")):
        if run_file.parts[-4] in shipped:
            return json.loads(run_file.read_text())
    pytest.skip("no committed cell of a shipped victim")


def test_fp32_identity_of_a_committed_cell_is_unchanged():
    from robustbench_xl.data import load_examples
    from robustbench_xl.models.loading import model_fingerprint

    run = _committed_char_noise_cell()
    recorded = run["config"]
    model = recorded["model"]["id"]
    victim = SimpleNamespace(id=model, fingerprint=model_fingerprint(model),
                             label_order=tuple(recorded["model"]["label_order"]))
    # The recipe as recorded: a later recipe version is a new cell by design, not a changed identity.
    recipe = SimpleNamespace(**recorded["recipe"])
    for device in ("auto", "cpu", "cuda:0"):
        config = AttackConfig(lang="ko", recipe="char-noise", model=model, n=recorded["data"]["n"],
                              seed=recorded["seed"], query_budget=recorded["query_budget"], device=device,
                              precision="fp32")
        sample = load_examples("pawsx", "ko", "dev", n=config.n, seed=config.seed)
        identity = cell_config(config, victim, recipe, sample, "ko", recorded["perturb"])
        assert identity == recorded and config_hash(identity) == run["config_hash"]


def test_bf16_is_recorded_in_summary_and_run_json_and_is_part_of_the_identity(bert_checkpoint, tmp_path):
    # CPU bf16 is emulated (slow) on AVX2 machines: two pairs, a tiny budget, a tiny model.
    config = AttackConfig(lang="de", recipe="char-noise", model=str(bert_checkpoint), n=2, seed=1, query_budget=8,
                          out=str(tmp_path), device="cpu", precision="bf16")
    summary = attack(config, progress=False)
    cell = Path(summary["results_dir"])
    on_disk, run = json.loads((cell / "summary.json").read_text()), json.loads((cell / "run.json").read_text())
    for record in (on_disk, run):
        assert record["config"]["precision"] == "bf16"
        runtime = record["provenance"]["runtime"]
        assert runtime["precision"] == "bf16" and runtime["device"] == "cpu"
        assert runtime["torch"] == torch.__version__ and runtime["cuda"] == torch.version.cuda
        assert "device" not in record["config"]
    fp32 = AttackConfig(**{**config.__dict__, "precision": "fp32"})
    assert config_hash({k: v for k, v in run["config"].items() if k != "precision"}) != run["config_hash"]
    with pytest.raises(RbxError, match="different configuration"):  # bf16 results never mix with fp32 ones
        attack(fp32, resume=True, progress=False)


def test_the_victims_batches_run_under_autocast():
    seen = []

    def probe(pairs):
        seen.append((torch.randn(2, 4) @ torch.randn(4, 2)).dtype)
        return [[0.5, 0.5] for _ in pairs]

    victim = FunctionVictim(probe, name="probe", version="1")
    PairClassifierWrapper(victim, precision="bf16")(PAIRS[:2])
    PairClassifierWrapper(victim, precision="fp32")(PAIRS[2:4])
    assert seen == [torch.bfloat16, torch.float32]


def test_eval_records_device_and_precision(bert_checkpoint):
    from robustbench_xl.evaluate import evaluate_model

    report = evaluate_model(str(bert_checkpoint), langs="en", n=3, device="cpu", precision="bf16")
    assert report["precision"] == "bf16" and report["runtime"]["precision"] == "bf16"
    assert report["device"] == "cpu" and report["languages"]["en"]["n"] == 3


# -- out of GPU memory: halve the batch, retry the same pairs ----------------------------------------
def _oom_victim(limit: int, calls: list, fn=None):
    """A victim whose forward pass runs out of (GPU) memory on batches larger than ``limit``."""

    def forward(pairs):
        calls.append(len(pairs))
        if len(pairs) > limit:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return (fn or _answers)(pairs)

    return FunctionVictim(forward, name="oom", version="1")


def _answers(pairs):
    return [[1 / (1 + len(a)), 1 - 1 / (1 + len(a))] for a, _ in pairs]


def test_out_of_memory_halves_the_batch_and_answers_every_pair_once():
    calls: list[int] = []
    wrapper = PairClassifierWrapper(_oom_victim(3, calls), batch_size=16)
    got = wrapper(PAIRS + PAIRS[:4])  # 14 queries, 10 distinct pairs
    np.testing.assert_array_equal(got, np.asarray(_answers(PAIRS + PAIRS[:4])))
    assert calls == [10, 5, 2, 2, 2, 2, 2]  # 10 fails, 5 fails, then batches of 2 (the size it keeps)
    s = wrapper.stats
    assert (s.queries, s.cache_hits, s.forward_examples, s.oom_halvings) == (14, 4, 10, 2)
    assert wrapper.batch_size == 2


def test_out_of_memory_with_a_single_pair_is_a_one_line_error():
    wrapper = PairClassifierWrapper(_oom_victim(0, []), batch_size=4)
    with pytest.raises(RbxError, match="out of GPU memory on cpu with a batch of one pair") as caught:
        wrapper(PAIRS[:3])
    assert "\n" not in str(caught.value)


def test_an_attack_that_runs_out_of_memory_writes_the_same_results(tmp_path):
    from test_victim_protocol import IDS, word_overlap

    def run(victim, out):
        config = AttackConfig(lang="en", recipe="char-noise", ids=IDS[:3], n=None, query_budget=30,
                              out=str(out), batch_size=32)
        summary = attack(config, victim=victim, progress=False)
        return (Path(summary["results_dir"]) / "examples.jsonl").read_bytes(), summary

    calls: list[int] = []
    plain, plain_summary = run(FunctionVictim(word_overlap, name="oom", version="1"), tmp_path / "a")
    halved, halved_summary = run(_oom_victim(2, calls, word_overlap), tmp_path / "b")
    assert halved == plain and max(calls) > 2  # it did run out of memory, and lost or repeated nothing
    assert halved_summary["mean_queries"] == plain_summary["mean_queries"]


def test_a_checkpoints_forward_pass_out_of_memory_is_retried_in_halves(bert_checkpoint):
    from robustbench_xl.models import load_victim

    reference = load_victim(str(bert_checkpoint), device="cpu").wrapper(batch_size=8)(PAIRS)
    victim = load_victim(str(bert_checkpoint), device="cpu")
    forward, sizes = victim.model.forward, []

    def limited(*args, **kwargs):
        sizes.append(kwargs["input_ids"].shape[0])
        if sizes[-1] > 3:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory.")
        return forward(*args, **kwargs)

    victim.model.forward = limited
    wrapper = victim.wrapper(batch_size=8)
    np.testing.assert_allclose(wrapper(PAIRS), reference, atol=1e-6)
    assert sizes[:2] == [8, 4] and max(sizes[2:]) <= 2 and wrapper.stats.forward_examples == 10
