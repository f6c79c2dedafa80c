"""Statistics that respect seeds: CMH over seed pairs, the seed pairing, three differences, learned: false
seeds, the pooled low-resource row, and the committed pawsx-small results as real input."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "leaderboard"))
import lb_simulate as sim  # noqa: E402

from robustbench_xl.leaderboard import compare, compute_leaderboard, load_registry  # noqa: E402
from robustbench_xl.leaderboard.registry import ModelEntry  # noqa: E402
from robustbench_xl.leaderboard.render_markdown import render_markdown  # noqa: E402
from robustbench_xl.leaderboard.results import Run  # noqa: E402
from robustbench_xl.stats import (bootstrap_ratio_difference, mcnemar_counts, stratified_mcnemar,  # noqa: E402
                                              wilson_interval)

FAST = {"n_resamples": 300}
SETTINGS = {"confidence": 0.95, "n_resamples": 300, "bootstrap_seed": 1, "alpha": 0.05}
REPO = Path(__file__).resolve().parents[1]


def outcome_vectors(b: int, c: int, both: int, neither: int) -> tuple[list[bool], list[bool]]:
    """Paired outcome vectors (first, second) with b first-only, c second-only and the concordant rest."""
    first = [True] * b + [False] * c + [True] * both + [False] * neither
    second = [False] * b + [True] * c + [True] * both + [False] * neither
    return first, second


# --- CMH against hand-computed and statsmodels-reference values --------------------------------------

def test_cmh_over_seed_pairs_matches_the_hand_computed_statistic():
    # Two seed pairs: (b, c) = (12, 4) and (10, 5), 31 discordant pairs in all (>= 25: chi-square).
    # Each discordant matched pair is a 2x2 table [[1,0],[0,1]] or [[0,1],[1,0]] with E[a] = 1/2 and
    # Var[a] = 1/4, so the corrected MH statistic is (|sum(a - E)| - 1/2)^2 / sum Var
    # = (|22 - 9|/2 - 1/2)^2 / (31/4) = 12^2 / 31 = 4.6452, p = P(chi2_1 > 4.6452) = 0.03114.
    strata = [outcome_vectors(12, 4, 20, 14), outcome_vectors(10, 5, 25, 10)]
    result = stratified_mcnemar(strata)
    assert (result.b, result.c, result.n_matched, result.n_strata) == (22, 9, 100, 2)
    assert result.method == "CMH over matched pairs, chi-square, continuity corrected"
    assert result.statistic == pytest.approx(144 / 31)
    assert result.p_value == pytest.approx(0.031140, rel=1e-3)
    # The same as McNemar on the pooled discordant counts (the known identity for matched pairs).
    assert result.p_value == pytest.approx(mcnemar_counts(22, 9).p_value)
    # Mantel-Haenszel pooled odds ratio for matched pairs = b / c.
    assert result.odds_ratio == pytest.approx(22 / 9)
    assert result.odds_ratio_low < 22 / 9 < result.odds_ratio_high


def test_cmh_agrees_with_statsmodels_on_the_full_tables_with_concordant_pairs():
    from statsmodels.stats.contingency_tables import StratifiedTable

    strata = [outcome_vectors(9, 3, 30, 8), outcome_vectors(7, 6, 22, 15), outcome_vectors(11, 2, 18, 19)]
    tables = []
    for first, second in strata:  # one table per matched pair: rows = arm, columns = correct / wrong
        for x, y in zip(first, second):
            tables.append(np.array([[int(x), int(not x)], [int(y), int(not y)]]))
    reference = StratifiedTable(np.stack(tables, axis=2))
    ours = stratified_mcnemar(strata)
    assert ours.statistic == pytest.approx(reference.test_null_odds(correction=True).statistic)
    assert ours.p_value == pytest.approx(reference.test_null_odds(correction=True).pvalue)
    assert ours.odds_ratio == pytest.approx(reference.oddsratio_pooled)


def test_cmh_is_exact_below_25_discordant_pairs_and_one_without_any():
    # b = 3 + 2, c = 0 + 1: exact two-sided p = 2 * P(X <= 1 | 6, 1/2) = 2 * 7/64.
    result = stratified_mcnemar([outcome_vectors(3, 0, 10, 5), outcome_vectors(2, 1, 12, 3)])
    assert "exact" in result.method and result.statistic is None
    assert result.p_value == pytest.approx(14 / 64)
    assert result.odds_ratio == pytest.approx(5.0)
    empty = stratified_mcnemar([outcome_vectors(0, 0, 10, 5)])
    assert empty.p_value == 1.0 and empty.method == "no discordant pairs"


def test_one_wilson_interval_for_the_package():
    # Agresti & Coull's example: 7 of 10 -> Wilson [0.3968, 0.8922].
    low, high = wilson_interval(7, 10)
    assert (low, high) == pytest.approx((0.39678, 0.89221), abs=1e-4)
    from robustbench_xl.models import victim_card

    assert victim_card.wilson_interval is wilson_interval
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_ratio_difference_bootstrap_is_the_pooled_difference_with_an_interval():
    num_a, num_b = [1, 2, 0, 2, 1] * 8, [0, 1, 0, 2, 1] * 8
    k = [2] * 40
    interval = bootstrap_ratio_difference(num_a, k, num_b, k, n_resamples=500, seed=3)
    assert interval.value == pytest.approx((48 - 32) / 80)
    assert interval.low < interval.value < interval.high and interval.n == 40
    assert bootstrap_ratio_difference(num_a, k, num_a, k, n_resamples=200).to_json() == {
        "value": 0.0, "low": 0.0, "high": 0.0, "n": 40}
    assert bootstrap_ratio_difference([], [], [], []).value is None
    assert bootstrap_ratio_difference([0, 0], [0, 0], [1, 0], [1, 1]).value is None  # nothing correct


# --- Seed pairing and the three differences on hand-made runs ---------------------------------------

def entry(model: str, regime: str, seed: int, learned: bool = True) -> ModelEntry:
    return ModelEntry(id=model, display_name=model, checkpoint=model, base_model="base", regime=regime, seed=seed,
                      training_data="t", intermediate_task="ud" if regime == "stilts" else None, learned=learned,
                      learned_note=None if learned else "stayed at the prior")


def make_run(model: str, lang: str, statuses: dict[str, str]) -> Run:
    """A run whose examples have the given statuses: succeeded, failed, misclassified or too-long."""
    examples = []
    for i, status in statuses.items():
        ex = {"id": i, "status": status, "skip_reason": None}
        if status in ("misclassified", "too-long"):
            ex.update(status="skipped", skip_reason="misclassified" if status == "misclassified" else "too long")
        ex["clean_correct"] = status in ("succeeded", "failed")
        ex["robust_correct"] = status == "failed"
        examples.append(ex)
    return Run(path=Path(model), model=model, lang=lang, recipe="r", recipe_version=1, seed=0, fingerprint="f",
               config_hash=None, complete=True, summary={}, examples=examples)


def test_seed_pairs_match_equal_seeds_first_then_the_rest_in_order():
    registry = {m: entry(m, regime, seed) for m, regime, seed in
                [("a0", "standard", 0), ("a1", "standard", 1), ("a2", "standard", 2),
                 ("b0", "stilts", 0), ("b2", "stilts", 2), ("b5", "stilts", 5)]}
    runs = {m: make_run(m, "de", {"1": "failed"}) for m in registry}
    pairs, unpaired = compare.pair_seeds([runs["a2"], runs["a0"], runs["a1"]], [runs["b5"], runs["b0"], runs["b2"]],
                                         registry)
    assert [(s.model, t.model) for s, t in pairs] == [("a0", "b0"), ("a1", "b5"), ("a2", "b2")]
    assert unpaired == []
    pairs, unpaired = compare.pair_seeds([runs["a0"], runs["a1"]], [runs["b0"]], registry)
    assert [(s.model, t.model) for s, t in pairs] == [("a0", "b0")] and [r.model for r in unpaired] == ["a1"]


def test_three_differences_and_the_missing_example_rule_on_known_outcomes():
    registry = {m: entry(m, regime, seed) for m, regime, seed in
                [("std0", "standard", 0), ("std1", "standard", 1), ("st0", "stilts", 0), ("st1", "stilts", 1)]}
    S, F, M = "succeeded", "failed", "misclassified"
    # Example "5" is too long for st1 only: it must leave the comparison in both seed pairs.
    runs = {
        "std0": make_run("std0", "de", {"1": F, "2": S, "3": S, "4": M, "5": F}),
        "std1": make_run("std1", "de", {"1": F, "2": F, "3": S, "4": M, "5": F}),
        "st0": make_run("st0", "de", {"1": F, "2": F, "3": F, "4": S, "5": F}),
        "st1": make_run("st1", "de", {"1": F, "2": F, "3": S, "4": M, "5": "too-long"}),
    }
    row = compare.compare_units([("de", runs["std0"], runs["st0"]), ("de", runs["std1"], runs["st1"])],
                                registry, SETTINGS)
    assert row["n_paired"] == 4 and row["n_seed_pairs"] == 2 and row["n_matched"] == 8
    assert [p["n"] for p in row["seed_pairs"]] == [4, 4]
    d = row["deltas"]
    # Clean: standard 3/4 and 3/4, STILTs 4/4 and 3/4 -> (7 - 6) / 8.
    assert d["clean_accuracy"]["value"] == pytest.approx(1 / 8)
    # Under attack: standard 1/4 and 2/4, STILTs 3/4 and 2/4 -> (5 - 3) / 8.
    assert d["accuracy_under_attack"]["value"] == pytest.approx(2 / 8)
    # Attack success among correctly classified: standard 3 of 6, STILTs 2 of 7.
    assert d["attack_success_rate"]["value"] == pytest.approx(2 / 7 - 3 / 6)
    assert (d["attack_success_rate"]["n_standard"], d["attack_success_rate"]["n_stilts"]) == (6, 7)
    # Seed pair 0: STILTs alone right on ids 2 and 3, standard alone never; pair 1 agrees everywhere.
    assert [(p["mcnemar"]["first_only"], p["mcnemar"]["second_only"]) for p in row["seed_pairs"]] == [(2, 0), (0, 0)]
    assert row["seed_pairs"][0]["deltas"]["accuracy_under_attack"] == pytest.approx(2 / 4)
    assert (row["stilts_only"], row["standard_only"]) == (2, 0)
    assert row["p_value"] == pytest.approx(stats.binomtest(0, 2, 0.5).pvalue)
    assert row["standard"]["per_seed"] == [0.25, 0.5] and row["stilts"]["per_seed"] == [0.75, 0.5]


# --- learned: false, pooled rows and real results through the whole build ---------------------------

@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    root = tmp_path_factory.mktemp("seeds")
    sim.simulate_benchmark(root / "results", root / "models", langs=("de", "fr", "ja", "zh"), recipes=("charswap",),
                           seeds=(1, 2, 3), n=60)
    path = root / "models" / "xlmr-stilts-s3.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "learned: false\nlearned_note: 'en dev 0.545 = majority'\n",
                    encoding="utf-8")
    return root


def test_not_learned_seeds_are_left_out_of_the_test_but_shown(bench):
    board = compute_leaderboard(bench / "results", bench / "models", **FAST)
    assert board.warnings == []
    for row in board.comparisons + board.pooled:
        assert "xlmr-stilts-s3" not in row["stilts"]["models"]
        assert row["not_learned"] == ["xlmr-stilts-s3"]
        assert row["unpaired"] == ["xlmr-standard-s3"]  # its STILTs partner did not learn
        assert {(p["standard_seed"], p["stilts_seed"]) for p in row["seed_pairs"]} == {(1, 1), (2, 2)}
    assert {c["model"] for c in board.cells} >= {"xlmr-stilts-s3"}
    assert next(c for c in board.cells if c["model"] == "xlmr-stilts-s3")["learned"] is False
    assert any(a["label"].endswith("(not learned)") and a["models"] == ["xlmr-stilts-s3"] for a in board.arms)
    text = render_markdown(board.to_json())
    assert "| xlmr-stilts-s3 | stilts | mnli | 3 | **no**: en dev 0.545 = majority | no |" in text
    assert "stilts: 2 of 3 learned" in text and "Left out of every comparison: not learned" in text
    assert "XLMR STILTs (MNLI) s3 (not learned)" in text


def test_learned_false_needs_a_note(tmp_path):
    sim.write_entry(tmp_path, id="m", display_name="m", checkpoint="m", base_model="b", regime="standard", seed=0,
                    training_data="t", learned=False)
    entries, warnings = load_registry(tmp_path)
    assert entries == {} and "learned_note" in warnings[0]


def test_pooled_rows_combine_languages_with_language_x_seed_pair_strata(bench):
    board = compute_leaderboard(bench / "results", bench / "models", **FAST)
    by_lang = {r["lang"]: r for r in board.comparisons}
    assert [(r["lang"], r["langs"]) for r in board.pooled] == [("low-resource", ["ja", "zh"]), ("rest", ["de", "fr"])]
    for row in board.pooled:
        parts = [by_lang[lang] for lang in row["langs"]]
        assert row["n_paired"] == sum(p["n_paired"] for p in parts)
        assert row["n_seed_pairs"] == 2 * len(parts) == row["cmh"]["n_strata"]
        assert row["stilts_only"] == sum(p["stilts_only"] for p in parts)
        assert row["p_value"] == pytest.approx(mcnemar_counts(row["stilts_only"], row["standard_only"]).p_value)
        for name in ("clean_accuracy", "accuracy_under_attack"):  # equal n per language: a weighted mean
            expected = sum(p["deltas"][name]["value"] * p["n_paired"] for p in parts) / row["n_paired"]
            assert row["deltas"][name]["value"] == pytest.approx(expected)
        assert row["p_holm"] >= row["p_value"]
    smallest = min(board.pooled, key=lambda r: r["p_value"])
    assert smallest["p_holm"] == pytest.approx(min(1.0, 2 * smallest["p_value"]))  # Holm over the 2 pooled rows


@pytest.mark.skipif(not (REPO / "leaderboard" / "pawsx-small" / "results").is_dir(), reason="no committed results")
def test_committed_pawsx_small_results_build_with_seed_statistics(tmp_path):
    from robustbench_xl.leaderboard import build_leaderboard

    import yaml

    results = REPO / "leaderboard" / "pawsx-small" / "results"
    archived = REPO / "leaderboard" / "pawsx-small" / "models"  # the retired LoRA victims' entries
    # As committed, the registry marks the four LoRA victims `learned: false`: shown, never compared.
    as_committed = build_leaderboard(results, archived, tmp_path / "committed", **FAST)
    assert as_committed.comparisons == [] and as_committed.pooled == []
    assert "standard: 0 of 2 learned, stilts: 0 of 2 learned" in (tmp_path / "committed" / "README.md").read_text()
    # The statistics themselves, on these real outcomes: the same registry with every seed counted.
    registry = tmp_path / "models"
    registry.mkdir()
    for entry in archived.glob("*.yaml"):
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        data.pop("learned", None), data.pop("learned_note", None)
        (registry / entry.name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    board = build_leaderboard(results, registry, tmp_path, **FAST)
    assert len(board.comparisons) == 33 and len(board.pooled) == 11  # word-order has no "rest" pool
    for row in board.comparisons:
        assert row["n_seed_pairs"] == 2 and row["n_paired"] == 50 and row["n_matched"] == 100
        assert [p["standard_model"] for p in row["seed_pairs"]] == ["e5s-standard-s0", "e5s-standard-s1"]
        assert row["p_holm"] >= row["p_value"]
    zh = next(r for r in board.comparisons if (r["lang"], r["recipe"]) == ("zh", "char-noise"))
    assert (zh["stilts_only"], zh["standard_only"]) == (3, 1)
    assert zh["p_value"] == pytest.approx(stats.binomtest(1, 4, 0.5).pvalue)
    data = json.loads((tmp_path / "leaderboard.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 2 and len(data["pooled"]) == 11
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "| char-noise | ja ko zh † | 6 | 150 |" in readme
    assert "comparisons.js" not in (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "rbxComparisons(DATA" in (tmp_path / "index.html").read_text(encoding="utf-8")
