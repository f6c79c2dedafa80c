"""`rbx attack` end to end on tiny checkpoints: files, schema, resume after a kill, bad input."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.runner import AttackConfig, attack

RBX = [sys.executable, "-m", "robustbench_xl"]
EXAMPLE_KEYS = ["id", "lang", "status", "skip_reason", "label", "original", "perturbed", "pred_before", "pred_after",
                "prob_before", "prob_after", "clean_correct", "robust_correct", "queries", "budget_exhausted",
                "words_total", "words_perturbed", "perturbed_share", "edits"]


def _run(args, env=None, check=False):
    return subprocess.run(RBX + args, capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=600, check=check)


@pytest.fixture(scope="module")
def de_run(tmp_path_factory, xlmr_checkpoint):
    out = tmp_path_factory.mktemp("results")
    summary = attack(AttackConfig(lang="de", recipe="char-noise", model=str(xlmr_checkpoint), n=6, seed=1,
                                  query_budget=60, out=str(out)), progress=False)
    return out, summary


def test_attack_writes_examples_and_summary(de_run):
    out, summary = de_run
    cell = out / "tiny-xlmr" / "de" / "char-noise"
    lines = (cell / "examples.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 6 and [list(r) for r in records] == [EXAMPLE_KEYS] * 6
    assert {r["status"] for r in records} <= {"succeeded", "failed", "skipped"}
    on_disk = json.loads((cell / "summary.json").read_text())
    for key in ("clean_accuracy", "accuracy_under_attack", "attack_success_rate", "mean_perturbed_share",
                "mean_queries", "n_examples", "counts", "wall_time_s", "provenance", "seed", "config",
                "config_hash", "examples_fingerprint"):
        assert key in on_disk, key
    assert on_disk["complete"] is True and on_disk["recipe"] == {"name": "char-noise", "version": summary["recipe"]["version"]}
    assert set(on_disk["provenance"]["versions"]) == {"robustbench_xl", "textattack", "transformers", "torch", "stanza"}
    counts = on_disk["counts"]
    assert counts["succeeded"] + counts["failed"] + counts["skipped"] == 6
    n = on_disk["n_examples"]
    assert on_disk["accuracy_under_attack"] == pytest.approx(counts["failed"] / n)
    for r in records:
        if r["status"] == "succeeded":
            assert r["perturbed"]["sentence1"] == r["original"]["sentence1"]  # recipe edits sentence2 only
            assert r["perturbed"]["sentence2"] != r["original"]["sentence2"]
            assert r["pred_after"] != r["label"] and r["words_perturbed"] >= 1 and r["edits"]
        if r["status"] == "failed":
            assert r["robust_correct"] is True and r["queries"] <= 60


def test_a_complete_cell_is_not_attacked_again(de_run, xlmr_checkpoint):
    out, summary = de_run
    cell = out / "tiny-xlmr" / "de" / "char-noise" / "examples.jsonl"
    before = cell.read_bytes()
    again = attack(AttackConfig(lang="de", recipe="char-noise", model=str(xlmr_checkpoint), n=6, seed=1,
                                query_budget=60, out=str(out)), progress=False)
    assert cell.read_bytes() == before
    assert again["config_hash"] == summary["config_hash"]
    with pytest.raises(RbxError, match="different configuration"):
        attack(AttackConfig(lang="de", recipe="char-noise", model=str(xlmr_checkpoint), n=6, seed=1,
                            query_budget=61, out=str(out)), progress=False)


def test_killed_run_resumes_byte_identical(tmp_path, bert_checkpoint):
    args = ["attack", "--model", str(bert_checkpoint), "--lang", "fr", "--recipe", "char-noise", "--n", "8",
            "--seed", "2", "--query-budget", "80", "--quiet"]
    whole = tmp_path / "whole"
    _run(args + ["--out", str(whole)], check=True)
    killed = tmp_path / "killed"
    examples = killed / "tiny-bert" / "fr" / "char-noise" / "examples.jsonl"
    proc = subprocess.Popen(RBX + args + ["--out", str(killed)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while time.time() < deadline and (not examples.exists() or examples.read_bytes().count(b"\n") < 2):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = examples.read_bytes().count(b"\n")
    assert 2 <= partial < 8, "the run was not interrupted mid-way"
    with open(examples, "ab") as handle:  # a kill can also land mid-line
        handle.write(b'{"id":"half-writ')
    refused = _run(args + ["--out", str(killed)])
    assert refused.returncode == 2 and "--resume" in refused.stderr
    resumed = _run(args + ["--out", str(killed), "--resume"], check=True)
    assert "results:" in resumed.stdout
    whole_file = whole / "tiny-bert" / "fr" / "char-noise" / "examples.jsonl"
    assert examples.read_bytes() == whole_file.read_bytes()
    a = json.loads((whole / "tiny-bert" / "fr" / "char-noise" / "summary.json").read_text())
    b = json.loads(examples.with_name("summary.json").read_text())
    for key in ("wall_time_s", "provenance"):
        a.pop(key), b.pop(key)
    assert a == b


def test_cli_errors_are_one_line_without_traceback(tmp_path, bert_checkpoint):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cases = [
        (["attack", "--lang", "xx", "--recipe", "char-noise"], "unknown language 'xx'; choose one of: en, de"),
        (["attack", "--lang", "de", "--recipe", "nope"], "unknown recipe 'nope'; available: "),
        (["attack", "--lang", "de", "--recipe", "char-noise", "--out", str(blocker / "sub")], "cannot write results to"),
        (["attack", "--lang", "de", "--recipe", "char-noise", "--model", str(tmp_path / "missing")],
         "checkpoint not found"),
    ]
    for args, message in cases:
        result = _run(args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_empty_huge_and_broken_rows_are_skipped_or_reported(tmp_path, bert_checkpoint):
    data = tmp_path / "pairs.tsv"
    data.write_bytes("id\tsentence1\tsentence2\tlabel\n"
                     "a\tThe cat sat on the mat.\tThe cat was sitting on the mat.\t1\n"
                     "b\t \tSomething here.\t0\n"
                     f"c\t{'word ' * 2000}\tShort one.\t0\n".encode()
                     + b"d\tbroken \xff bytes\tfine\t1\n"
                     + "e\tAnother good pair here.\tA good pair here.\t1\n".encode())
    summary = attack(AttackConfig(lang="en", recipe="char-noise", model=str(bert_checkpoint), dataset=str(data),
                                  n=None, query_budget=30, out=str(tmp_path / "out")), progress=False)
    records = [json.loads(line) for line in
               (Path(summary["results_dir"]) / "examples.jsonl").read_text().splitlines()]
    by_id = {r["id"]: r for r in records}
    assert list(by_id) == ["a", "b", "c", "e"]
    assert by_id["b"]["skip_reason"] == "empty sentence"
    assert by_id["c"]["skip_reason"] == "too long: 10000 chars > 2000"
    assert summary["dataset"]["problems"] == [f"{data}:5: invalid UTF-8 at byte 9 of the line"]
    assert summary["n_examples"] == sum(r["status"] != "skipped" or r["skip_reason"] == "misclassified" for r in records)
