"""``rbx eval``: clean accuracy per language with the attacks' label mapping, as a table and as JSON."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from robustbench_xl.errors import RbxError
from robustbench_xl.evaluate import confusion_row, evaluate_model, parse_langs


def test_language_lists_are_validated_and_ordered():
    assert parse_langs("all") == ["en", "de", "es", "fr", "ja", "ko", "zh"]
    assert parse_langs("zh, ko,ko") == ["ko", "zh"]
    with pytest.raises(RbxError, match="unknown language 'xx'"):
        parse_langs("ko,xx")
    with pytest.raises(RbxError, match="empty"):
        parse_langs(" , ")


def test_confusion_counts_and_interval():
    row = confusion_row([1, 1, 0, 0, 0], [1, 0, 0, 1, 0])
    assert row["confusion"] == {"tp": 1, "fp": 1, "tn": 2, "fn": 1}
    assert row["correct"] == 3 and row["accuracy"] == 0.6 and row["majority"] == 0.6
    assert row["predicted_paraphrase"] == 0.4
    low, high = row["ci95"]
    assert 0.2 < low < 0.6 < high < 0.95  # Wilson, 3 of 5


def test_eval_of_the_test_model_agrees_with_its_own_predictions(bert_checkpoint):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from robustbench_xl.data import load_examples

    report = evaluate_model(str(bert_checkpoint), langs="de,ko", n=30, seed=2)
    model = AutoModelForSequenceClassification.from_pretrained(str(bert_checkpoint)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(bert_checkpoint))
    for lang in ("de", "ko"):
        sample = list(load_examples("pawsx", lang, "dev", n=30, seed=2))
        enc = tokenizer([e.sentence1 for e in sample], [e.sentence2 for e in sample], padding=True,
                        truncation=True, max_length=128, return_tensors="pt")
        with torch.no_grad():
            predicted = model(**enc).logits.argmax(-1).tolist()
        expected = confusion_row([e.label for e in sample], predicted)
        got = report["languages"][lang]
        assert got["confusion"] == expected["confusion"] and got["n"] == 30
    assert report["pairs"] == 60 and list(report["languages"]) == ["de", "ko"]


def test_label_map_swaps_what_counts_as_paraphrase(bert_checkpoint):
    plain = evaluate_model(str(bert_checkpoint), langs="en", n=30)["languages"]["en"]
    swapped = evaluate_model(str(bert_checkpoint), langs="en", n=30,
                             label_map="paraphrase=0,not_paraphrase=1")["languages"]["en"]
    assert swapped["predicted_paraphrase"] == pytest.approx(1 - plain["predicted_paraphrase"], abs=1e-3)
    assert swapped["correct"] == 30 - plain["correct"]


def _rbx(*args):
    return subprocess.run([sys.executable, "-m", "robustbench_xl", *args], capture_output=True, text=True, timeout=300)


def test_cli_writes_json_and_refuses_bad_input(bert_checkpoint, tmp_path):
    out = tmp_path / "eval.json"
    result = _rbx("eval", "--model", str(bert_checkpoint), "--langs", "ja", "--n", "12", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert "clean accuracy" in result.stdout and "ja" in result.stdout
    report = json.loads(out.read_text())
    assert report["languages"]["ja"]["n"] == 12 and set(report["languages"]["ja"]["confusion"]) == {"tp", "fp", "tn", "fn"}
    bad = _rbx("eval", "--model", str(bert_checkpoint), "--langs", "xx")
    assert bad.returncode == 2 and bad.stderr.startswith("error: unknown language") and "Traceback" not in bad.stderr
    missing = _rbx("eval", "--model", str(tmp_path / "nope"), "--langs", "en")
    assert missing.returncode != 0 and "Traceback" not in missing.stderr
