"""course_utils.stats: t quantiles, standard errors and the intervals behind every "beats" and "within noise"."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as scipy_stats

from course_utils import stats


def test_t_values_are_the_textbook_ones():
    assert stats.t_value(2) == pytest.approx(4.303, abs=1e-3)
    assert stats.t_value(4) == pytest.approx(2.776, abs=1e-3)
    assert stats.t_value(1e6) == pytest.approx(1.960, abs=1e-3)
    with pytest.raises(ValueError, match="at least 2 seeds"):
        stats.t_value(0)


def test_paired_interval_matches_scipy_and_gives_the_verdict():
    after, before = [0.80, 0.82, 0.81], [0.70, 0.73, 0.70]
    interval = stats.paired(after, before)
    expected = scipy_stats.ttest_rel(after, before).confidence_interval()
    assert interval.difference == pytest.approx(np.mean(np.subtract(after, before)))
    assert (interval.low, interval.high) == pytest.approx((expected.low, expected.high))
    assert interval.verdict == "higher" and "higher" in str(interval)
    assert stats.paired(before, after).verdict == "lower"
    assert stats.paired([0.80, 0.70, 0.75], [0.75, 0.75, 0.75]).verdict == "within noise"
    with pytest.raises(ValueError, match="one value per seed"):
        stats.paired([1.0, 2.0], [1.0])


def test_welch_interval_matches_scipy():
    a, b = [0.84, 0.85, 0.83], [0.80, 0.83, 0.79, 0.81]
    interval = stats.welch(a, b)
    expected = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval()
    assert (interval.low, interval.high) == pytest.approx((expected.low, expected.high))


def test_a_z_rule_would_call_noise_a_difference_that_t_does_not():
    # 2.27 standard errors apart with 3 seeds each: beyond a z-rule's 2, within Welch's t (df about 4, t about 2.8).
    a = np.array([0.800, 0.810, 0.820])
    se = stats.standard_error(a)
    b = a - 2.27 * np.sqrt(2) * se
    assert stats.welch(a, b).verdict == "within noise"
    with pytest.raises(ValueError, match="at least 2 values"):
        stats.standard_error([0.5])


def test_a_contrast_of_three_groups_has_the_welch_satterthwaite_df():
    a, b, c = [0.75, 0.76, 0.74], [0.80, 0.81, 0.82], [0.84, 0.845, 0.85]
    interval = stats.contrast([a, b, c], [-1, 2, -1])  # gain a->b minus gain b->c
    assert interval.difference == pytest.approx(2 * np.mean(b) - np.mean(a) - np.mean(c))
    se2 = [np.var(g, ddof=1) / 3 for g in (a, b, c)]
    terms = [se2[0], 4 * se2[1], se2[2]]
    df = sum(terms) ** 2 / sum(t**2 / 2 for t in terms)
    assert interval.degrees_of_freedom == pytest.approx(df)
    assert interval.high - interval.difference == pytest.approx(scipy_stats.t.ppf(0.975, df) * np.sqrt(sum(terms)))
    with pytest.raises(ValueError, match="one weight per group"):
        stats.contrast([a, b], [1])


def test_mean_interval():
    interval = stats.mean_interval([0.81, 0.83, 0.82])
    assert interval.difference == pytest.approx(0.82)
    assert interval.high - 0.82 == pytest.approx(4.303 * 0.01 / np.sqrt(3), rel=1e-3)
