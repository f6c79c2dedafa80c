"""all v5-v7: TextAttack's word-importance search (subclassed) that also tries phrase moves, on real pairs;
v7: word edits before a move that does not flip, two candidate windows, one query per distinct text."""

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
    assert recipe.version == 7
    assert recipe.search == {"type": "wir-with-moves", "params": {"wir_method": "delete", "first_pass": 8}}
    transformation = recipe.build_transformation("ko", 0)
    assert isinstance(transformation, FamilyComposite) and transformation.has_family("move")
    search = WordImportanceWithMoves(first_pass=8)
    assert search.check_transformation_compatibility(transformation) and search._has_moves
    assert isinstance(search, import_textattack().search_methods.GreedyWordSwapWIR)  # subclassed, not forked
    # the passes need the composite's windows: a plain word swap is refused with first_pass, not without
    assert not search.check_transformation_compatibility(CharNoise("ko"))
    assert WordImportanceWithMoves().check_transformation_compatibility(CharNoise("ko"))
    for bad in (0, -1, True, 2.5):
        with pytest.raises(ValueError, match="first_pass"):
            WordImportanceWithMoves(first_pass=bad)


def test_a_window_slices_each_parts_candidates_for_one_word():
    text = ko_pair("117")
    typos, switches = CharNoise("ko", max_candidates=12), WordOrder("ko")
    ours = FamilyComposite([typos, switches])
    index = max(range(len(text.words)), key=lambda i: len(typos(text, indices_to_modify=[i])))
    every = [t.text for t in typos(text, indices_to_modify=[index])]
    assert len(every) > 8
    first = ours(text, families="word", window=(0, 8), indices_to_modify=[index])
    rest = ours(text, families="word", window=(8, None), indices_to_modify=[index])
    assert [t.text for t in first] == every[:8] and [t.text for t in rest] == every[8:]
    # asking which words a part may edit ignores the window (the answer is a set of indices)
    assert ours(text, families="word", window=(0, 1), return_indices=True) == \
        ours(text, families="word", return_indices=True)


def test_a_search_pays_one_query_per_distinct_text():
    from robustbench_xl.search_methods import _paid_once

    paid = []

    def pay(texts):  # stands in for the goal function: records what reaches the model, cuts at 5
        texts = texts[:5 - len(paid)]
        paid.extend(texts)
        return [type("Result", (), {"attacked_text": t})() for t in texts], len(paid) >= 5

    ask = _paid_once(pay, lambda: len(paid) >= 5)
    results, over = ask(["a", "b", "a"])
    assert [r.attacked_text for r in results] == ["a", "b", "a"] and paid == ["a", "b"] and not over
    results, over = ask(["b", "c", "d", "e", "f"])  # b is known; c d e are paid, f is past the budget
    assert [r.attacked_text for r in results] == ["b", "c", "d", "e"] and paid == list("abcde") and over


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


@pytest.mark.slow
@pytest.mark.parametrize("pair_id", ["3046", "4121"])
def test_a_move_that_does_not_flip_no_longer_spends_the_edit_budget(pair_id):
    """PAWS-X de pairs that char-noise flips within 100 queries and all v6 did not: v6 kept a phrase
    move that barely moved the model, and the move used up the 20% edit budget before any typo."""
    from robustbench_xl.data import load_examples
    from robustbench_xl.models import load_victim

    wrapper = load_victim("e5s-full-standard-s0").wrapper(max_length=128, batch_size=32)
    (example,) = load_examples("pawsx", "de", ids=[pair_id]).examples
    text = MultilingualAttackedText.from_pair(example.sentence1, example.sentence2, langs=("de", "de"))
    outcome = {}
    for name in ("char-noise", "all"):
        built = load_recipe(name).build_attack("de", wrapper, seed=0, query_budget=100)
        result = built.attack(text, example.label)
        outcome[name] = (type(result).__name__, result.perturbed_result.num_queries)
    assert outcome["char-noise"][0] == outcome["all"][0] == "SuccessfulAttackResult", outcome
    assert outcome["all"][1] <= outcome["char-noise"][1], outcome
