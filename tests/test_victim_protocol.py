"""Any classifier can be a victim: a plain function (here a word-overlap classifier) is attacked with a
real recipe on bundled PAWS-X pairs, its flips are recorded and its run resumes to the same bytes; a
HuggingFace checkpoint is one more implementation of the same protocol, fingerprinted as before."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from robustbench_xl import AttackConfig, FunctionVictim, Victim, attack
from robustbench_xl.errors import RbxError
from robustbench_xl.models.victim import function_fingerprint

# English PAWS-X dev pairs: three paraphrases with (nearly) all words shared, one non-paraphrase the
# classifier gets wrong (skipped as misclassified), one non-paraphrase with little overlap.
IDS = ["792", "2521", "5137", "365", "2944"]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def word_overlap(pairs):
    """Paraphrase when the Jaccard overlap of the two word sets is above 0.8 (a steep logistic)."""
    rows = []
    for first, second in pairs:
        a, b = _words(first), _words(second)
        share = len(a & b) / max(1, len(a | b))
        p = 1 / (1 + math.exp(-20 * (share - 0.8)))
        rows.append([1 - p, p])
    return rows


def overlap_victim(version: str = "1") -> FunctionVictim:
    return FunctionVictim(word_overlap, labels=("not_paraphrase", "paraphrase"), name="word-overlap",
                          version=version)


def _config(out, **extra) -> AttackConfig:
    return AttackConfig(lang="en", recipe="char-noise", ids=IDS, n=None, query_budget=40, out=str(out), **extra)


def _records(cell) -> list[dict]:
    return [json.loads(line) for line in (cell / "examples.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def overlap_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("function-victim")
    summary = attack(_config(out), victim=overlap_victim(), progress=False)
    return out, summary


def test_a_function_victim_is_attacked_and_its_flips_are_recorded(overlap_run):
    out, summary = overlap_run
    cell = out / "word-overlap" / "en" / "char-noise"
    records = _records(cell)
    assert [r["id"] for r in records] == IDS
    by_id = {r["id"]: r for r in records}
    assert by_id["365"]["skip_reason"] == "misclassified"
    assert by_id["2944"]["status"] == "failed"  # typos only lower the overlap: a non-paraphrase stays one
    flipped = [r for r in records if r["status"] == "succeeded"]
    assert len(flipped) >= 2
    for r in flipped:
        assert r["label"] == 1 and r["pred_before"] == 1 and r["pred_after"] == 0
        assert r["perturbed"]["sentence2"] != r["original"]["sentence2"] and r["edits"]
        assert 1 <= r["queries"] <= 40 and r["prob_after"][0] >= 0.5
        # the recorded probabilities are the function's own answer for the adversarial pair
        expected = word_overlap([(r["perturbed"]["sentence1"], r["perturbed"]["sentence2"])])[0]
        assert r["prob_after"] == pytest.approx(expected, abs=1e-6)
    assert summary["counts"]["succeeded"] == len(flipped) and summary["complete"] is True
    on_disk = json.loads((cell / "summary.json").read_text())
    fingerprint = function_fingerprint("word-overlap", "1")
    assert on_disk["config"]["model"] == {"id": "word-overlap", "fingerprint": fingerprint, "label_order": [0, 1]}
    assert on_disk["provenance"]["checkpoint"] is None and on_disk["provenance"]["runtime"]["device"] == "cpu"


def test_the_function_victims_run_resumes_byte_identical(overlap_run, tmp_path):
    out, _ = overlap_run
    reference = (out / "word-overlap" / "en" / "char-noise" / "examples.jsonl").read_bytes()
    first = attack(_config(tmp_path), victim=overlap_victim(), progress=False)
    cell = tmp_path / "word-overlap" / "en" / "char-noise"
    lines = (cell / "examples.jsonl").read_bytes().splitlines(keepends=True)
    (cell / "examples.jsonl").write_bytes(b"".join(lines[:2]) + lines[2][:15])  # killed mid-line
    (cell / "summary.json").unlink()
    resumed = attack(_config(tmp_path), victim=overlap_victim(), resume=True, progress=False)
    assert (cell / "examples.jsonl").read_bytes() == reference
    assert resumed["config_hash"] == first["config_hash"] and resumed["complete"] is True
    # Another version of the function is another victim: its results never mix with these.
    with pytest.raises(RbxError, match="different configuration"):
        attack(_config(tmp_path), victim=overlap_victim(version="2"), resume=True, progress=False)


def test_a_functions_fingerprint_is_given_or_comes_from_its_name_and_version():
    with pytest.raises(RbxError, match="cannot be hashed from its code"):
        FunctionVictim(word_overlap, name="word-overlap")
    given = FunctionVictim(word_overlap, name="word-overlap", fingerprint="sha256:abc", id="overlap-v7")
    assert given.fingerprint == "sha256:abc" and given.id == "overlap-v7"
    assert overlap_victim().fingerprint == overlap_victim().fingerprint != overlap_victim("2").fingerprint
    assert isinstance(overlap_victim(), Victim)


def test_label_order_follows_the_functions_columns():
    from robustbench_xl.models.wrapper import PairClassifierWrapper

    def swapped(pairs):
        return [row[::-1] for row in word_overlap(pairs)]

    pairs = [("The cat sat on the mat.", "The cat sat on the mat."), ("A dog.", "Some other words here.")]
    straight = PairClassifierWrapper(overlap_victim())(pairs)
    reversed_ = FunctionVictim(swapped, labels=("paraphrase", "not_paraphrase"), name="swapped", version="1")
    assert reversed_.label_order == (1, 0)
    np.testing.assert_array_equal(PairClassifierWrapper(reversed_)(pairs), straight)
    assert straight[0, 1] > 0.95 and straight[1, 0] > 0.95  # columns are (not paraphrase, paraphrase)


def test_bad_victims_and_bad_answers_are_one_line_errors(tmp_path):
    from robustbench_xl.models.wrapper import PairClassifierWrapper

    with pytest.raises(RbxError, match="needs id, fingerprint, label_order and predict_proba"):
        attack(_config(tmp_path), victim=object(), progress=False)
    with pytest.raises(RbxError, match="not both"):
        attack(_config(tmp_path, model="./some-checkpoint"), victim=overlap_victim(), progress=False)
    with pytest.raises(RbxError, match="labels names fn's two output columns"):
        FunctionVictim(word_overlap, labels=("yes", "no"), name="x", version="1")
    pairs = [("a b", "a b"), ("c", "d")]
    one_column = FunctionVictim(lambda ps: [[1.0] for _ in ps], name="one", version="1")
    with pytest.raises(RbxError, match="one row of class probabilities per pair"):
        PairClassifierWrapper(one_column)(pairs)
    logits = FunctionVictim(lambda ps: [[2.0, -1.0] for _ in ps], name="logits", version="1")
    with pytest.raises(RbxError, match="apply a softmax"):
        PairClassifierWrapper(logits)(pairs)


def test_evaluate_model_takes_a_victim():
    from robustbench_xl.evaluate import evaluate_model

    report = evaluate_model(victim=overlap_victim(), langs="en", n=20, device="cpu")
    row = report["languages"]["en"]
    assert report["model"]["id"] == "word-overlap" and row["n"] == 20
    assert report["precision"] == "fp32" and report["runtime"]["device"] == "cpu"


def test_a_checkpoint_is_a_victim_fingerprinted_as_before(bert_checkpoint):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from robustbench_xl.models import HFVictim, load_victim
    from robustbench_xl.models.loading import folder_fingerprint, model_fingerprint

    victim = load_victim(str(bert_checkpoint), device="cpu")
    assert isinstance(victim, Victim) and isinstance(victim, HFVictim)
    assert victim.fingerprint == model_fingerprint(str(bert_checkpoint)) == folder_fingerprint(bert_checkpoint)
    pairs = [("Kathy and her husband are rich.", "Kathy's husband is rich."),
             ("그녀의 남편은 부자입니다.", "남편은 부자다.")]
    model = AutoModelForSequenceClassification.from_pretrained(str(bert_checkpoint)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(bert_checkpoint))
    with torch.no_grad():
        for pair in pairs:
            logits = model(**tokenizer(*pair, truncation=True, max_length=128, return_tensors="pt")).logits
            expected = torch.softmax(logits.double(), -1)[0].numpy()
            np.testing.assert_allclose(victim.predict_proba([pair])[0], expected, atol=1e-6)
    short = victim.with_max_length(8)
    assert len(short.encode(pairs[:1])["input_ids"][0]) == 8 and victim.max_length == 128
    assert short.model is victim.model  # a cell's truncation length, the same loaded model
