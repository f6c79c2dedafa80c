"""all v5: TextAttack's word-importance search (subclassed) that also tries phrase moves, on real pairs."""

from __future__ import annotations

import json

import pawsx_subsets
import pytest
import yaml

from robustbench_xl.lang.attacked_text import MultilingualAttackedText
from robustbench_xl.offline import import_textattack
from robustbench_xl.recipes import load_recipe
from robustbench_xl.transformations.composite import FamilyComposite, edit_family
from robustbench_xl.transformations.char_noise import CharNoise
from robustbench_xl.transformations.word_order import WordOrder


def ko_pair(pair_id: str):
    row = next(r for r in pawsx_subsets.pairs("char-noise-word-order", "ko") if r["id"] == pair_id)
    return MultilingualAttackedText.from_pair(row["sentence1"], row["sentence2"], ("ko", "ko"))


def test_the_composite_gives_one_family_or_both_in_textattacks_order():
    text = ko_pair("117")  # its sentence2 has safe reorderings (word-order goldens)
    parts = [CharNoise("ko", max_candidates=3), WordOrder("ko")]
    ours = FamilyComposite(parts)
    stock = import_textattack().transformations.CompositeTransformation(parts)
    both = ours(text)
    assert [t.text for t in both] == [t.text for t in stock(text)]
    moves, words = ours(text, families="move"), ours(text, families="word")
    assert moves and words and [t.text for t in moves] == [t.text for t in WordOrder("ko")(text)]
    assert set(t.text for t in moves) | set(t.text for t in words) == set(t.text for t in both)
    assert edit_family(parts[1]) == "move" and edit_family(parts[0]) == "word"
    with pytest.raises(ValueError, match="families"):
        ours(text, families="phrase")


def test_all_builds_the_word_importance_search_over_a_family_composite():
    from robustbench_xl.search_methods import WordImportanceWithMoves

    recipe = load_recipe("all")
    assert recipe.version == 6 and recipe.search == {"type": "wir-with-moves", "params": {"wir_method": "delete"}}
    transformation = recipe.build_transformation("ko", 0)
    assert isinstance(transformation, FamilyComposite) and transformation.has_family("move")
    search = WordImportanceWithMoves()
    assert search.check_transformation_compatibility(transformation) and search._has_moves
    assert isinstance(search, import_textattack().search_methods.GreedyWordSwapWIR)  # subclassed, not forked


@pytest.mark.slow
def test_all_v5_flips_at_least_what_greedy_did_with_fewer_queries(tmp_path, rbx_home):
    """The same 8 ko pairs, budget 100: the old search (all v4's greedy) against wir-with-moves."""
    from robustbench_xl import AttackConfig, attack

    spec = yaml.safe_load(open(load_recipe("all").path, encoding="utf-8"))
    spec.update(name="all-greedy", search={"type": "greedy"})
    greedy_file = tmp_path / "all-greedy.yaml"
    greedy_file.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    outcome = {}
    for recipe in ("all", str(greedy_file)):
        out = tmp_path / recipe.replace("/", "_")
        attack(AttackConfig(model="e5s-full-standard-s0", lang="ko", recipe=recipe, n=8, query_budget=100,
                            out=str(out)))
        (examples,) = out.rglob("examples.jsonl")
        rows = [json.loads(line) for line in examples.read_text(encoding="utf-8").splitlines()]
        attacked = [r for r in rows if r["status"] in ("succeeded", "failed")]
        outcome[recipe] = (sum(r["status"] == "succeeded" for r in attacked), sum(r["queries"] for r in attacked))
        for r in attacked:
            assert r["queries"] <= 100
            if r["status"] == "succeeded":
                assert r["words_perturbed"] <= max(1, int(0.2 * r["words_total"]))  # one budget, original pair
    (flips, queries), (greedy_flips, greedy_queries) = outcome["all"], outcome[str(greedy_file)]
    assert flips >= greedy_flips and queries < greedy_queries, outcome
