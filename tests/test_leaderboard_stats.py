"""Statistics against known values: McNemar (textbook examples), Holm (textbook), bootstrap coverage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from robustbench_xl.stats import Interval, bootstrap_interval, holm, mcnemar, mcnemar_counts


def test_mcnemar_chi_square_matches_the_textbook_example():
    # Wikipedia's McNemar example (a=101, b=121, c=59, d=33): chi2 = (121-59)^2/180 = 21.36 without
    # correction; with Yates' correction (|b-c|-1)^2/(b+c) = 61^2/180 = 20.672, p = 5.45e-6.
    result = mcnemar_counts(121, 59)
    assert result.method == "chi-square, continuity corrected"
    assert result.statistic == pytest.approx(61**2 / 180)
    assert result.statistic == pytest.approx(20.672, abs=1e-3)
    assert result.p_value == pytest.approx(5.45e-6, rel=1e-2)


def test_mcnemar_agresti_presidential_approval():
    # Agresti (Categorical Data Analysis, table 10.1): 794 / 150 / 86 / 570; z^2 = 64^2/236 = 17.36
    # uncorrected, corrected (63^2/236) = 16.82, p < 0.0001.
    result = mcnemar_counts(150, 86)
    assert result.statistic == pytest.approx(63**2 / 236)
    assert result.p_value == pytest.approx(4.115e-5, rel=1e-2)


def test_mcnemar_exact_for_few_discordant_pairs():
    # b=1, c=9: two-sided exact p = 2 * P(X <= 1 | n=10, 1/2) = 2 * 11/1024.
    result = mcnemar_counts(1, 9)
    assert result.method == "exact binomial"
    assert result.p_value == pytest.approx(22 / 1024)
    # Symmetric in b and c, and 1.0 when nothing differs.
    assert mcnemar_counts(9, 1).p_value == pytest.approx(result.p_value)
    assert mcnemar_counts(0, 0).p_value == 1.0
    assert mcnemar_counts(3, 3).p_value == 1.0


def test_mcnemar_switches_to_chi_square_at_25_discordant_pairs():
    assert mcnemar_counts(5, 19).method == "exact binomial"
    assert mcnemar_counts(5, 20).method.startswith("chi-square")
    # The two agree closely there: exact p for 5 of 25 = 2 * 68406 / 2^25 = 0.00408; chi-square with
    # correction (15 - 1)^2 / 25 = 7.84 on 1 df gives 0.00511.
    assert mcnemar_counts(5, 20, exact=True).p_value == pytest.approx(2 * 68406 / 2**25)
    assert mcnemar_counts(5, 20).statistic == pytest.approx(7.84)
    assert mcnemar_counts(5, 20).p_value == pytest.approx(0.005110, rel=1e-3)


def test_mcnemar_counts_discordant_pairs_from_outcomes():
    first = [True, True, False, False, True, True, True]
    second = [True, False, True, False, False, False, True]
    result = mcnemar(first, second)
    assert (result.b, result.c, result.n) == (3, 1, 7)
    with pytest.raises(ValueError):
        mcnemar([True], [True, False])


def test_holm_matches_the_textbook_example():
    # Wikipedia's Holm-Bonferroni example: p = 0.01, 0.04, 0.03, 0.005 at alpha 0.05 rejects H1 and H4.
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert [p < 0.05 for p in adjusted] == [True, False, False, True]


def test_holm_keeps_order_skips_missing_and_caps_at_one():
    assert holm([0.5, None, 0.4]) == pytest.approx([0.8, None, 0.8])
    assert holm([0.9, 0.8, 0.7]) == [1.0, 1.0, 1.0]
    assert holm([]) == []
    assert holm([0.02]) == [0.02]


def test_bootstrap_interval_covers_the_truth_at_about_the_nominal_rate():
    rng = np.random.default_rng(12345)
    truth = 0.35
    covered = 0
    for trial in range(200):
        sample = rng.random(150) < truth
        interval = bootstrap_interval(sample.astype(float), n_resamples=1000, seed=trial)
        covered += interval.low <= truth <= interval.high
    coverage = covered / 200
    assert 0.90 <= coverage <= 0.99, coverage


def test_bootstrap_interval_covers_a_skewed_mean_too():
    # Query counts are skewed; BCa should still cover the mean of an exponential at about 95%.
    rng = np.random.default_rng(7)
    covered = sum(
        (iv := bootstrap_interval(rng.exponential(120.0, size=80), n_resamples=1000, seed=t)).low <= 120.0 <= iv.high
        for t in range(200)
    )
    assert 0.90 <= covered / 200 <= 0.99


def test_bootstrap_interval_is_reproducible_and_brackets_the_mean():
    values = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0] * 5
    first = bootstrap_interval(values, seed=3)
    assert first == bootstrap_interval(values, seed=3)
    assert first.value == pytest.approx(0.7)
    assert first.low < first.value < first.high
    assert first.n == 50


def test_bootstrap_interval_degenerate_and_empty_samples():
    assert bootstrap_interval([]) == Interval(None, None, None, 0)
    assert bootstrap_interval([1.0] * 30) == Interval(1.0, 1.0, 1.0, 30)
    assert bootstrap_interval([0.25]) == Interval(0.25, 0.25, 0.25, 1)
    # Nearly degenerate data: BCa may be undefined, the interval must still be finite and ordered.
    near = bootstrap_interval([1.0] * 99 + [0.0])
    assert not math.isnan(near.low) and near.low <= near.value <= near.high <= 1.0


def test_interval_json_has_no_nan():
    assert Interval(float("nan"), 0.1, float("nan"), 3).to_json() == {"value": None, "low": 0.1, "high": None, "n": 3}
