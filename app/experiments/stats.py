"""Confidence intervals for experiment metrics.

* Proportions (CTR, CVR, redemption): the Wilson score interval, which keeps its coverage
  for small samples and rates near 0 or 1 where the normal ("Wald") interval does not.
* Means (GMV per viewer, heavy-tailed: most viewers spend nothing): the normal interval
  ``mean ± z·s/√n``, or a percentile bootstrap (:func:`bootstrap_mean_interval`) for
  small samples.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

LEVEL = 0.95


def z_for(level: float = LEVEL) -> float:
    """The two-sided standard-normal quantile for a confidence level (1.96 for 95%)."""
    return float(sps.norm.ppf(0.5 + level / 2))


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its interval at ``level``."""

    value: float
    low: float
    high: float
    n: int
    level: float = LEVEL

    def covers(self, truth: float) -> bool:
        return self.low <= truth <= self.high


def wilson_interval(successes: int, n: int, level: float = LEVEL) -> Estimate:
    """The Wilson score interval for ``successes`` out of ``n`` (0..1 bounds)."""
    if n <= 0:
        return Estimate(0.0, 0.0, 1.0, 0, level)
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    z = z_for(level)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Estimate(p, low, high, n, level)


def mean_interval(values: Sequence[float], level: float = LEVEL) -> Estimate:
    """The normal interval for a mean (sample standard deviation, ``n - 1``)."""
    n = len(values)
    if n == 0:
        return Estimate(0.0, 0.0, 0.0, 0, level)
    arr = np.asarray(values, dtype=float)
    mean = float(arr.mean())
    if n == 1:
        return Estimate(mean, mean, mean, 1, level)
    half = z_for(level) * float(arr.std(ddof=1)) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n, level)


def bootstrap_mean_interval(
    values: Sequence[float], level: float = LEVEL, resamples: int = 2000, seed: int = 0
) -> Estimate:
    """The percentile bootstrap interval for a mean (seeded: the same data, the same answer)."""
    n = len(values)
    if n == 0:
        return Estimate(0.0, 0.0, 0.0, 0, level)
    arr = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    means = arr[rng.integers(0, n, size=(resamples, n))].mean(axis=1)
    alpha = (1 - level) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return Estimate(float(arr.mean()), float(low), float(high), n, level)


def chi_square_balance(counts: Sequence[int], weights: Sequence[float]) -> tuple[float, float]:
    """Pearson's chi-square of observed assignment counts against the variant weights:
    ``(statistic, p-value)``."""
    total = sum(counts)
    w = np.asarray(weights, dtype=float)
    expected = w / w.sum() * total
    result = sps.chisquare(np.asarray(counts, dtype=float), expected)
    return float(result.statistic), float(result.pvalue)
