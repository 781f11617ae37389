"""Small-sample statistics for seed studies: t-based intervals, one rule for "beats" and "within noise".

With 3 seeds a standard deviation is itself uncertain, so a z-rule (±2 standard errors) is too narrow: the t value
for 95% is 4.30 with 2 degrees of freedom and 2.78 with 4. Every comparison in the course uses :func:`compare`,
which prints the interval and the verdict it implies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as _scipy_stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """A mean difference with its t-based confidence interval and the verdict it supports."""

    difference: float
    low: float
    high: float
    degrees_of_freedom: float

    @property
    def verdict(self) -> str:
        """'higher' or 'lower' when the interval excludes 0, otherwise 'within noise'."""
        if self.low > 0:
            return "higher"
        if self.high < 0:
            return "lower"
        return "within noise"

    def __str__(self) -> str:
        return (f"{self.difference:+.4f} (95% t-interval {self.low:+.4f} to {self.high:+.4f}, "
                f"df {self.degrees_of_freedom:.1f}): {self.verdict}")


def t_value(degrees_of_freedom: float, confidence: float = CONFIDENCE) -> float:
    """The two-sided Student t quantile, e.g. 4.30 for 2 degrees of freedom at 95%."""
    if degrees_of_freedom <= 0:
        raise ValueError(f"degrees_of_freedom must be positive, got {degrees_of_freedom}: use at least 2 seeds")
    return float(_scipy_stats.t.ppf(0.5 + confidence / 2, degrees_of_freedom))


def standard_error(values: Sequence[float]) -> float:
    """Standard error of the mean, sample standard deviation (ddof=1) over sqrt(n)."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        raise ValueError(f"a standard error needs at least 2 values, got {values.size}")
    return float(values.std(ddof=1) / math.sqrt(values.size))


def paired(after: Sequence[float], before: Sequence[float], confidence: float = CONFIDENCE) -> Interval:
    """Mean of ``after - before`` seed by seed (same seeds), with its t-interval (n - 1 degrees of freedom)."""
    if len(after) != len(before):
        raise ValueError(f"paired comparison needs one value per seed on both sides, got {len(after)} and "
                         f"{len(before)}")
    differences = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    mean, half = float(differences.mean()), t_value(len(differences) - 1, confidence) * standard_error(differences)
    return Interval(mean, mean - half, mean + half, len(differences) - 1)


def contrast(groups: Sequence[Sequence[float]], weights: Sequence[float],
             confidence: float = CONFIDENCE) -> Interval:
    """Sum of ``weights[i] * mean(groups[i])`` over independent groups, with a Welch-Satterthwaite t-interval."""
    if len(groups) != len(weights):
        raise ValueError(f"one weight per group: got {len(groups)} groups and {len(weights)} weights")
    terms = [(weight * standard_error(group)) ** 2 for group, weight in zip(groups, weights, strict=True)]
    estimate = float(sum(weight * np.mean(group) for group, weight in zip(groups, weights, strict=True)))
    variance = sum(terms)
    if variance == 0:
        return Interval(estimate, estimate, estimate, float(sum(len(g) - 1 for g in groups)))
    df = variance**2 / sum(term**2 / (len(group) - 1) for term, group in zip(terms, groups, strict=True))
    half = t_value(df, confidence) * math.sqrt(variance)
    return Interval(estimate, estimate - half, estimate + half, df)


def welch(a: Sequence[float], b: Sequence[float], confidence: float = CONFIDENCE) -> Interval:
    """Mean of ``a`` minus mean of ``b`` (independent runs), with Welch's t-interval."""
    return contrast([a, b], [1.0, -1.0], confidence)


def mean_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> Interval:
    """The mean of ``values`` with its t-interval (n - 1 degrees of freedom)."""
    mean, half = float(np.mean(values)), t_value(len(values) - 1, confidence) * standard_error(values)
    return Interval(mean, mean - half, mean + half, len(values) - 1)
