"""The package's one statistics module: Wilson, bootstrap intervals, McNemar, stratified CMH, Holm.

Card
- What: ``wilson_interval`` (score interval of a proportion, ``scipy.stats.binomtest``),
  ``bootstrap_interval`` (95% CI of a mean over examples, ``scipy.stats.bootstrap`` with a fixed
  seed, BCa by default), ``bootstrap_ratio_difference`` (95% CI of a difference of two pooled ratios,
  resampling clusters such as examples with every seed of an example kept together), ``mcnemar``
  (paired test on two binary outcome vectors over the same example ids), ``stratified_mcnemar``
  (Cochran-Mantel-Haenszel over matched pairs nested in strata such as seed pairs, statsmodels'
  ``StratifiedTable``), ``holm`` (Holm step-down adjusted p-values for a family of comparisons),
  ``above_rate_p`` (one-sided exact binomial test of a proportion against a rate, e.g. whether a
  victim beats its majority-class rate).
  ``results.py`` (Wilson intervals in ``summary.json``), ``evaluate.py``, ``check.py``, the leaderboard
  and ``models/victim_card.py`` use these; keep no other copy (``tests/test_results_layer.py`` checks).
- Languages: all (works on per-example outcomes, not on text).
- Limits: McNemar is exact (two-sided binomial test on the discordant pairs, ``scipy.stats.binomtest``)
  when there are fewer than ``EXACT_BELOW`` = 25 discordant pairs, and the chi-square statistic with
  Yates' continuity correction otherwise (the textbook rule; the two agree closely above 25).
  A bootstrap over fewer than 2 distinct values has zero width and is returned as such rather than
  as scipy's NaN.
- CMH on matched pairs: each (stratum, example) is its own 2x2 table (regime x correct), so the
  test keeps the pairing; concordant pairs carry no information and the Mantel-Haenszel statistic is
  ``(sum b - sum c)^2 / sum (b + c)`` (McNemar's on the pooled discordant counts). With fewer than
  ``EXACT_BELOW`` discordant pairs in all its strata the test is the exact conditional one (the
  binomial test on the pooled discordant pairs), otherwise statsmodels' continuity-corrected chi-square.
- Example::

      >>> holm([0.01, 0.04, 0.03, 0.005])
      [0.03, 0.06, 0.06, 0.02]
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Sequence

EXACT_BELOW = 25
CONFIDENCE = 0.95
N_RESAMPLES = 2000
SEED = 20240607


@dataclass(frozen=True)
class Interval:
    """A mean over ``n`` examples with its bootstrap confidence interval (``None`` when ``n == 0``)."""

    value: float | None
    low: float | None
    high: float | None
    n: int

    def to_json(self) -> dict:
        # JSON has no NaN (and JavaScript's JSON.parse rejects it): an undefined bound is null.
        def clean(x):
            return None if x is None or math.isnan(x) else x

        return {"value": clean(self.value), "low": clean(self.low), "high": clean(self.high), "n": self.n}


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson score interval for ``successes`` out of ``n`` (``n`` > 0)."""
    from scipy.stats import binomtest

    if n <= 0:
        raise ValueError("a Wilson interval needs n > 0")
    ci = binomtest(successes, n).proportion_ci(confidence_level=confidence, method="wilson")
    return float(ci.low), float(ci.high)


def above_rate_p(successes: int, n: int, rate: float) -> float:
    """One-sided exact binomial p-value that the success probability exceeds ``rate`` (e.g. a majority rate)."""
    from scipy.stats import binomtest

    return float(binomtest(successes, n, rate, alternative="greater").pvalue)


def bootstrap_interval(
    values: Sequence[float],
    *,
    confidence: float = CONFIDENCE,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
    method: str = "BCa",
) -> Interval:
    """The mean of ``values`` and its bootstrap CI (resampling examples), reproducible for a seed."""
    import numpy as np
    from scipy import stats

    data = np.asarray(list(values), dtype=float)
    n = int(data.size)
    if n == 0:
        return Interval(None, None, None, 0)
    mean = float(data.mean())
    if n == 1 or np.all(data == data[0]):
        # scipy answers NaN (with a warning) for degenerate samples; every resample has this mean.
        return Interval(mean, mean, mean, n)
    low, high = _scipy_interval(stats, np, data, confidence, n_resamples, seed, method)
    if (math.isnan(low) or math.isnan(high)) and method != "percentile":
        # BCa's acceleration is undefined for some very skewed samples; the percentile method is not.
        low, high = _scipy_interval(stats, np, data, confidence, n_resamples, seed, "percentile")
    return Interval(mean, _clip(low, data), _clip(high, data), n)


def _scipy_interval(stats, np, data, confidence, n_resamples, seed, method) -> tuple[float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DegenerateDataWarning is handled by the NaN fallback
        result = stats.bootstrap(
            (data,),
            np.mean,
            confidence_level=confidence,
            n_resamples=n_resamples,
            method=method,
            rng=np.random.default_rng(seed),
            batch=200,  # bounds memory: BCa's jackknife is n x n for each batch
        )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def _clip(bound: float, data) -> float:
    # A mean of resampled data cannot leave the data's range; guard against float noise in BCa.
    if math.isnan(bound):
        return bound
    return float(min(max(bound, float(data.min())), float(data.max())))


@dataclass(frozen=True)
class McNemarResult:
    """Paired test result: ``b`` = only the first is correct, ``c`` = only the second is correct."""

    b: int
    c: int
    n: int
    statistic: float | None
    p_value: float
    method: str

    def to_json(self) -> dict:
        return {
            "first_only": self.b,
            "second_only": self.c,
            "n_paired": self.n,
            "statistic": self.statistic,
            "p_value": self.p_value,
            "method": self.method,
        }


def mcnemar_counts(b: int, c: int, n: int | None = None, *, exact: bool | None = None) -> McNemarResult:
    """McNemar's test from the discordant counts ``b`` and ``c`` (two-sided).

    ``exact=None`` picks the exact binomial test below ``EXACT_BELOW`` discordant pairs and the
    continuity-corrected chi-square test from there on; ``True``/``False`` forces one of them.
    """
    from scipy import stats

    if b < 0 or c < 0:
        raise ValueError("discordant counts must be non-negative")
    discordant = b + c
    total = discordant if n is None else n
    if discordant == 0:
        return McNemarResult(b, c, total, None, 1.0, "no discordant pairs")
    use_exact = discordant < EXACT_BELOW if exact is None else exact
    if use_exact:
        p = stats.binomtest(min(b, c), discordant, 0.5, alternative="two-sided").pvalue
        return McNemarResult(b, c, total, None, float(min(1.0, p)), "exact binomial")
    statistic = (abs(b - c) - 1.0) ** 2 / discordant
    p = stats.chi2.sf(statistic, df=1)
    return McNemarResult(b, c, total, float(statistic), float(p), "chi-square, continuity corrected")


def mcnemar(first: Sequence[bool], second: Sequence[bool], *, exact: bool | None = None) -> McNemarResult:
    """McNemar's test on two outcome vectors aligned on the same examples."""
    if len(first) != len(second):
        raise ValueError("paired outcomes must have the same length")
    b = sum(1 for x, y in zip(first, second, strict=True) if x and not y)
    c = sum(1 for x, y in zip(first, second, strict=True) if y and not x)
    return mcnemar_counts(b, c, len(first), exact=exact)


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's step-down adjusted p-values, in the input order (``None`` entries stay ``None``).

    The family is the non-``None`` entries: with m of them sorted ascending, the adjusted value of
    the k-th (0-based) is ``max_{j<=k} min(1, (m - j) * p_(j))``. Reject where adjusted < alpha.
    """
    indexed = [(p, i) for i, p in enumerate(p_values) if p is not None]
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(sorted(indexed)):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def bootstrap_ratio_difference(
    num_a: Sequence[float], den_a: Sequence[float], num_b: Sequence[float], den_b: Sequence[float], *,
    confidence: float = CONFIDENCE, n_resamples: int = N_RESAMPLES, seed: int = SEED, method: str = "BCa",
) -> Interval:
    """``sum(num_a)/sum(den_a) - sum(num_b)/sum(den_b)`` and its bootstrap CI over clusters.

    Entry ``i`` of the four sequences belongs to cluster ``i`` (an example, with the counts of every
    seed pair summed), and clusters are resampled together, so the pairing of the two arms and the
    seeds of an example stay intact. ``n`` is the number of clusters. A mean difference is the case
    ``den_a = den_b = 1``; an accuracy over seeds has ``den`` = the number of seed pairs.
    """
    import numpy as np
    from scipy import stats

    arrays = [np.asarray(list(x), dtype=float) for x in (num_a, den_a, num_b, den_b)]
    n = int(arrays[0].size)
    if n == 0 or arrays[1].sum() == 0 or arrays[3].sum() == 0:
        return Interval(None, None, None, n)
    value = _ratio_difference(np, *arrays, axis=-1)

    def statistic(na, da, nb, db, axis=-1):
        return _ratio_difference(np, na, da, nb, db, axis=axis)

    bounds = []
    for how in dict.fromkeys([method, "percentile"]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = stats.bootstrap(tuple(arrays), statistic, paired=True, vectorized=True,
                                     confidence_level=confidence, n_resamples=n_resamples, method=how,
                                     rng=np.random.default_rng(seed), batch=200)
        bounds = [float(result.confidence_interval.low), float(result.confidence_interval.high)]
        if not any(math.isnan(b) for b in bounds):
            break
    if any(math.isnan(b) for b in bounds):
        # Every resample gives the same value (scipy calls that degenerate), or some resample had
        # no denominator: the former is a zero-width interval, the latter has no interval.
        idx = np.random.default_rng(seed).integers(0, n, size=(50, n))
        draws = statistic(*[a[idx] for a in arrays], axis=-1)
        same = bool(np.all(np.isclose(draws, value)))
        return Interval(float(value), float(value) if same else None, float(value) if same else None, n)
    low, high = min(bounds[0], float(value)), max(bounds[1], float(value))
    return Interval(float(value), low, high, n)


def _ratio_difference(np, na, da, nb, db, axis=-1):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sum(na, axis=axis) / np.sum(da, axis=axis) - np.sum(nb, axis=axis) / np.sum(db, axis=axis)


@dataclass(frozen=True)
class StratifiedResult:
    """Cochran-Mantel-Haenszel test over matched pairs in ``strata`` (e.g. seed pairs).

    ``b`` = pairs only the first arm got right, ``c`` = only the second, summed over strata;
    ``odds_ratio`` is the Mantel-Haenszel pooled odds ratio ``b / c`` (first over second) with its CI.
    """

    b: int
    c: int
    n_matched: int
    n_strata: int
    statistic: float | None
    p_value: float
    method: str
    odds_ratio: float | None
    odds_ratio_low: float | None
    odds_ratio_high: float | None

    def to_json(self) -> dict:
        return {"first_only": self.b, "second_only": self.c, "n_matched": self.n_matched,
                "n_strata": self.n_strata, "statistic": self.statistic, "p_value": self.p_value,
                "method": self.method, "odds_ratio": self.odds_ratio,
                "odds_ratio_low": self.odds_ratio_low, "odds_ratio_high": self.odds_ratio_high}


def stratified_mcnemar(strata: Sequence[tuple[Sequence[bool], Sequence[bool]]], *,
                       exact: bool | None = None, confidence: float = CONFIDENCE) -> StratifiedResult:
    """CMH test of "first and second are equally often correct" over paired outcome vectors.

    ``strata`` holds one ``(first, second)`` pair of outcome vectors per stratum, aligned on that
    stratum's examples. Each matched pair is a 2x2 table (arm x correct) of statsmodels'
    ``StratifiedTable``; ``exact`` as in ``mcnemar_counts`` (exact below ``EXACT_BELOW`` discordant).
    """
    import numpy as np
    from statsmodels.stats.contingency_tables import StratifiedTable

    b = c = n = 0
    for first, second in strata:
        counts = mcnemar(first, second)
        b, c, n = b + counts.b, c + counts.c, n + counts.n
    discordant = b + c
    if discordant == 0:
        return StratifiedResult(b, c, n, len(strata), None, 1.0, "no discordant pairs", None, None, None)
    # Concordant pairs add nothing to the statistic, its variance or the pooled odds ratio.
    tables = np.stack([np.array([[1, 0], [0, 1]])] * b + [np.array([[0, 1], [1, 0]])] * c, axis=2)
    table = StratifiedTable(tables)
    odds, low, high = None, None, None
    if b and c:
        odds = float(table.oddsratio_pooled)
        low, high = (float(x) for x in table.oddsratio_pooled_confint(alpha=1 - confidence))
    if (discordant < EXACT_BELOW) if exact is None else exact:
        # The exact conditional CMH test for matched pairs is the exact McNemar on the pooled counts.
        p = mcnemar_counts(b, c, n, exact=True).p_value
        return StratifiedResult(b, c, n, len(strata), None, p,
                                "CMH over matched pairs, exact conditional (binomial)", odds, low, high)
    test = table.test_null_odds(correction=True)
    return StratifiedResult(b, c, n, len(strata), float(test.statistic), float(test.pvalue),
                            "CMH over matched pairs, chi-square, continuity corrected", odds, low, high)
