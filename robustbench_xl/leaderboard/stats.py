"""Statistics for the leaderboard and the CI gate: bootstrap intervals, McNemar, Holm.

Card
- What: ``bootstrap_interval`` (95% CI of a mean over examples, ``scipy.stats.bootstrap`` with a fixed
  seed, BCa by default), ``mcnemar`` (paired test on two binary outcome vectors over the same example
  ids), ``holm`` (Holm step-down adjusted p-values for a family of comparisons).
- Languages: all (works on per-example outcomes, not on text).
- Limits: McNemar is exact (two-sided binomial test on the discordant pairs, ``scipy.stats.binomtest``)
  when there are fewer than ``EXACT_BELOW`` = 25 discordant pairs, and the chi-square statistic with
  Yates' continuity correction otherwise (the textbook rule; the two agree closely above 25).
  A bootstrap over fewer than 2 distinct values has zero width and is returned as such rather than
  as scipy's NaN.
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
