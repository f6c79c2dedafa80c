"""End to end: `runner.attack` with char-noise and word-order on a tiny random checkpoint, two languages each."""

from __future__ import annotations

import json

import pytest

from robustbench_xl.runner import AttackConfig, attack

CASES = [
    ("char-noise", "ko", None),
    ("char-noise", "de", None),
    ("word-order", "ko", ["18", "117", "6"]),  # pairs whose second sentence has safe reorderings
    ("word-order", "ja", ["746", "6", "13"]),
]


@pytest.mark.parametrize("recipe, lang, ids", CASES)
def test_attack_cell(recipe, lang, ids, bert_checkpoint, tmp_path):
    summary = attack(AttackConfig(lang=lang, recipe=recipe, model=str(bert_checkpoint), n=3, ids=ids, seed=0,
                                  query_budget=40, out=str(tmp_path)), progress=False)
    cell = tmp_path / "tiny-bert" / lang / recipe
    assert (cell / "examples.jsonl").is_file() and (cell / "summary.json").is_file()
    on_disk = json.loads((cell / "summary.json").read_text(encoding="utf-8"))
    assert on_disk["complete"] and on_disk["recipe"]["name"] == recipe
    assert on_disk["recipe"]["version"] == {"char-noise": 3, "word-order": 3}[recipe]
    rows = [json.loads(line) for line in (cell / "examples.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3 and summary["n_examples"] <= 3
    for row in rows:
        assert row["status"] in ("succeeded", "failed", "skipped")
        if row["status"] != "succeeded":
            continue
        perturbed, original = row["perturbed"], row["original"]
        assert perturbed["sentence1"] == original["sentence1"]  # only sentence2 is edited
        assert perturbed["sentence2"] != original["sentence2"]
        if recipe == "word-order":
            assert sorted(perturbed["sentence2"]) == sorted(original["sentence2"])  # same characters, moved
        else:
            assert 1 <= row["words_perturbed"] <= max(1, -(-row["words_total"] * 2 // 10))  # 20% per sentence


@pytest.mark.parametrize("recipe, lang, pair_id", [("char-noise", "ko", "6"), ("char-noise", "de", "6"),
                                                  ("word-order", "ko", "117"), ("word-order", "ja", "746")])
def test_attack_candidates_edit_only_sentence2(recipe, lang, pair_id, bert_checkpoint):
    """Tiny random models never flip, so check what the built Attack would submit to the model."""
    from robustbench_xl.data import load_examples
    from robustbench_xl.lang.attacked_text import MultilingualAttackedText
    from robustbench_xl.models import load_victim
    from robustbench_xl.recipes import load_recipe

    wrapper = load_victim(str(bert_checkpoint)).wrapper(max_length=128, batch_size=8)
    built = load_recipe(recipe).build_attack(lang, wrapper, seed=0, query_budget=50)
    example, = load_examples("pawsx", lang, ids=[pair_id]).examples
    text = MultilingualAttackedText.from_pair(example.sentence1, example.sentence2, langs=(lang, lang))
    candidates = built.get_transformations(text, original_text=text)
    assert candidates
    for candidate in candidates:
        first, second = candidate.text.split("\n")
        assert first == example.sentence1 and second != example.sentence2
