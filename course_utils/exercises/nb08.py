"""Exercises for notebook 08 (pooling by hand in NumPy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import conv
from course_utils.checks import *

# (10, 2, 3) and (6, 3, 2) leave fractions of 2/3 and 1/2: rounding to nearest gives one window too many there.
_SIZE_CASES = [(28, 2, 2), (7, 2, 2), (7, 3, 2), (512, 3, 2), (10, 2, 1), (5, 5, 1), (10, 2, 3), (6, 3, 2)]


@exercise("Write pooled_size(n, pool, stride) for valid pooling",
          hint="Pooling is a convolution-shaped window without weights: (n - k + 2p) // s + 1 with p = 0.",
          solution="def pooled_size(n, pool, stride):\n    return (n - pool) // stride + 1",
          callable_name="pooled_size")
def q1(pooled_size: Callable[[int, int, int], Any]) -> str:
    answers = {}
    for n, pool, stride in _SIZE_CASES:
        got = call(pooled_size, "pooled_size", n, pool, stride)
        if isinstance(got, (float, np.floating)) and not float(got).is_integer():
            raise CheckFailed(f"for n={n}, pool={pool}, stride={stride} you returned {got}; use floor division //")
        answers[n, pool, stride] = expect_whole_number(got, "a whole number of positions")
    if all(got == (n - pool) // stride + 1 for (n, pool, stride), got in answers.items()):
        return "(n - pool) // stride + 1: the convolution formula with p = 0."
    for formula, message in _Q1_MISTAKES:  # each known mistake, recognised on every case at once
        if all(got == formula(*case) for case, got in answers.items()):
            raise CheckFailed(message)
    (n, pool, stride), got = next((case, got) for case, got in answers.items()
                                  if got != (case[0] - case[1]) // case[2] + 1)
    raise CheckFailed(f"for n={n}, pool={pool}, stride={stride} you returned {got}; "
                      f"expected {(n - pool) // stride + 1}")


_Q1_MISTAKES = [
    (lambda n, pool, stride: n // pool, "n // pool only works when the window moves by its own size (stride = pool). "
     "For n=7, pool=3, stride=2 it gives 2, but windows start at 0 and 2 and 4: the window moves by the stride"),
    (lambda n, pool, stride: (n - pool) // stride, "off by one (for n=28, pool=2, stride=2 you return 13): "
     "(n - pool) // stride counts the steps between windows; count the first window too (+1)"),
    (lambda n, pool, stride: -(-n // stride), "that is the size padding='same' gives, ceil(n / stride) (for n=7, "
     "pool=2, stride=2 you return 4). Valid pooling keeps only the windows that fit inside the map"),
    (lambda n, pool, stride: n // stride, "n // stride counts steps over the whole length (for n=512, pool=3, "
     "stride=2 you return 256), but the last window must fit inside the map: count the steps over n - pool, then "
     "add the first window"),
    (lambda n, pool, stride: (n - stride) // pool + 1, "pool and stride are swapped in your formula (for n=7, "
     "pool=3, stride=2 you return 2): the window's size comes off n, and the steps are counted in strides"),
    (lambda n, pool, stride: -(-(n - pool) // stride) + 1, "one window too many where (n - pool) / stride leaves a "
     "fraction (for n=10, pool=2, stride=3 you return 4): the leftover pixels cannot hold a whole window. Round "
     "down with floor division //, not ceil"),
    (lambda n, pool, stride: round((n - pool) / stride) + 1, "one window too many where (n - pool) / stride leaves "
     "a fraction of a half or more (for n=10, pool=2, stride=3 you return 4): the leftover pixels cannot hold a "
     "whole window. Round down with floor division //, not round()"),
]


# 5 rows by 7 columns, all values distinct: windows of 3 moving by 2 fit twice down and three times across.
_PROBE = np.random.default_rng(8).permutation(35).reshape(5, 7).astype(np.float64)
_POOL_CASES = [(3, 2), (2, 1), (2, 3)]  # (pool, stride): overlapping, overlapping, gaps between windows


@exercise("Pool with a stride that differs from the window: max_pool_strided(x, pool, stride)",
          hint="Output size: (n - pool) // stride + 1 along each axis. out[i, j] is the max of x[i*stride : i*stride + "
               "pool, j*stride : j*stride + pool].",
          solution="def max_pool_strided(x, pool, stride):\n"
                   "    out_h = (x.shape[0] - pool) // stride + 1\n"
                   "    out_w = (x.shape[1] - pool) // stride + 1\n"
                   "    out = np.zeros((out_h, out_w))\n"
                   "    for i in range(out_h):\n"
                   "        for j in range(out_w):\n"
                   "            out[i, j] = x[i * stride:i * stride + pool, j * stride:j * stride + pool].max()\n"
                   "    return out",
          callable_name="max_pool_strided")
def q2(max_pool_strided: Callable[..., Any]) -> str:
    for pool, stride in _POOL_CASES:
        case = f"pool={pool}, stride={stride} on a (5, 7) map"
        probe = _PROBE.copy()
        result = call(max_pool_strided, "max_pool_strided", probe, pool, stride)
        if not np.array_equal(probe, _PROBE):
            raise CheckFailed("max_pool_strided changed its input. Build a new output array instead")
        result = np.asarray(result, dtype=float)
        expected = conv.max_pool2d(_PROBE, pool, stride=stride)
        one_short = (expected.shape[0] - 1, expected.shape[1] - 1)
        if result.shape == one_short and np.allclose(result, expected[:-1, :-1]):
            raise CheckFailed(f"for {case}: output {result.shape}, one row and one column short of "
                              f"{expected.shape}. The count of windows is (n - pool) // stride + 1: the +1 counts "
                              "the first window")
        if result.shape == conv.max_pool2d(_PROBE, pool).shape and result.shape != expected.shape:
            raise CheckFailed(f"for {case}: output {result.shape} means the window moved by its own size. Here it "
                              f"moves by the stride: window [i, j] starts at row i * {stride}, column j * {stride}")
        if result.shape == conv.max_pool2d(_PROBE, pool, stride=stride, padding="same").shape != expected.shape:
            raise CheckFailed(f"for {case}: output {result.shape} keeps windows that hang over the edge. Valid "
                              "pooling keeps only windows that fit: (n - pool) // stride + 1")
        if result.shape != expected.shape:
            raise CheckFailed(f"for {case}: output shape {result.shape}, expected (n - pool) // stride + 1 = "
                              f"{expected.shape}")
        if np.allclose(result, conv.avg_pool2d(_PROBE, pool, stride=stride)):
            raise CheckFailed("you averaged each window. Max pooling keeps the largest value: window.max()")
        if not np.allclose(result, expected):
            i, j = np.argwhere(~np.isclose(result, expected))[0]
            raise CheckFailed(f"for {case}: wrong value at output [{i}, {j}], got {result[i, j]:g}, expected "
                              f"{expected[i, j]:g} = x[{i * stride}:{i * stride + pool}, "
                              f"{j * stride}:{j * stride + pool}].max()")
    return "windows of `pool` that start every `stride` pixels: overlapping when stride < pool, gaps when larger."


@exercise("Three MaxPooling2D(2) layers on a 28x28 map: what side length comes out?",
          hint="Each 2x2 pooling halves the side, rounding down. Watch what happens to 7.",
          solution="side_after_three_pools = 3  # 28 -> 14 -> 7 -> 3")
def q3(answer: Any) -> str:
    if isinstance(answer, (tuple, list)):
        raise CheckFailed("give the side length as one number; the map stays square")
    if answer == 3.5:
        raise CheckFailed("a feature map has whole pixels: 7 // 2, not 7 / 2")
    expect_exact(expect_whole_number(answer, "a side length in pixels"), 3, {
        4: "4 is what padding='same' gives (ceil(7 / 2)); MaxPooling2D's default is 'valid'",
    }, "{answer} is not it. Apply (n - 2) // 2 + 1 three times, starting from 28")
    return "28 → 14 → 7 → 3: the last pooling drops a row and a column of the 7x7 map."


def shift_change(before: np.ndarray, after: np.ndarray, pool: Callable[..., np.ndarray] | None,
                 border: int = 8) -> float:
    """Section 6's measure: relative change between two maps, after ``pool`` (2x2) if given, ``border`` cells cut."""
    if pool is not None:
        before, after = pool(before, 2), pool(after, 2)
    if border:
        before, after = before[border:-border, border:-border], after[border:-border, border:-border]
    return float(np.abs(before - after).mean() / np.abs(before).mean())


def _filter_change(before: np.ndarray, after: np.ndarray) -> float:
    """The 2x2 max filter's change (stride 1), cropped as section 6 crops it."""
    return shift_change(before, after, lambda x, size: conv.max_pool2d(x, size, stride=1))


STRETCH_NOISE = 0.01  # changes within one percentage point count as the same


@exercise("Stretch: is average pooling as steady under a 1-pixel shift as max pooling?",
          hint="relative_change(conv.avg_pool2d(edges, 2)[inner], conv.avg_pool2d(shifted_edges, 2)[inner]), then "
               "compare it with change_after: within ±0.01 is 'about the same'.",
          solution=(
              "average_change = relative_change(conv.avg_pool2d(edges, 2)[inner], conv.avg_pool2d(shifted_edges, 2)[inner])",  # noqa: E501 - a line of the solution's code
              "difference = average_change - change_after\n"
              "average_verdict = 'higher' if difference > 0.01 else 'lower' if difference < -0.01 else 'about the same'\n"  # noqa: E501 - a line of the solution's code
              "\n"
              "ex.stretch.check(average_verdict, average_change=average_change, max_change=change_after, edges=edges,\n"
              "                 shifted_edges=shifted_edges)",
          ))
def stretch(conclusion: Any, *, average_change: Any = None, max_change: Any = None,
            edges: Any = None, shifted_edges: Any = None) -> str:
    if edges is None or shifted_edges is None or max_change is None:
        raise CheckFailed("pass edges=edges, shifted_edges=shifted_edges and max_change=change_after from section 6")
    max_measured = expect_number(max_change, "max_change")
    max_expected = shift_change(edges, shifted_edges, conv.max_pool2d)
    if not np.isclose(max_measured, max_expected, rtol=1e-4):
        known = {"the change before pooling (change_before)": shift_change(edges, shifted_edges, None),
                 "the max filter's change (change_filter)": _filter_change(edges, shifted_edges)}
        named = next((name for name, value in known.items() if np.isclose(max_measured, value, rtol=1e-4)), None)
        raise CheckFailed(f"max_change is {max_measured:.4f}" + (f", {named}" if named else "") + ". Pass "
                          f"max_change=change_after, section 6's change after 2x2 max pooling ({max_expected:.4f})")
    measured = expect_number(average_change, "average_change")
    expected = shift_change(edges, shifted_edges, conv.avg_pool2d)
    swapped = shift_change(shifted_edges, edges, conv.avg_pool2d)  # relative_change(shifted, original): also fair
    if np.isclose(measured, swapped, rtol=1e-4):
        expected = measured
    if not np.isclose(measured, expected, rtol=1e-4):
        if np.isclose(measured, shift_change(edges, shifted_edges, conv.max_pool2d), rtol=1e-4):
            raise CheckFailed("that is max pooling's change again: pool with conv.avg_pool2d(..., 2)")
        if np.isclose(measured, shift_change(edges, shifted_edges, None), rtol=1e-4):
            raise CheckFailed("that is the change before pooling: pool both maps with conv.avg_pool2d(..., 2) first")
        if np.isclose(measured, shift_change(edges, shifted_edges, conv.avg_pool2d, border=0), rtol=1e-4):
            raise CheckFailed("crop the pooled maps with [inner] as section 6 does: the wrapped-around column at "
                              "the border is not a real shift")
        raise CheckFailed(f"average_change is {measured:.4f}; measured as in section 6 with 2x2 average pooling it "
                          "is different. Pool both edge maps, crop with [inner], then relative_change")
    said = expect_verdict(conclusion, expected, max_measured, STRETCH_NOISE, "the change after average pooling",
                          "no seed is involved here, but the question asks whether the difference is large enough to "
                          "matter, and one percentage point is the line it draws")
    why = (" Each window's average moves whenever any of its pixels changes; its maximum moves only when the "
           "strongest pixel leaves the window." if said == "higher" else "")
    return (f"a 1-pixel shift changes the 2x2 average-pooled map by {expected:.0%}, the max-pooled map by "
            f"{float(max_change):.0%}: average pooling's change is {said}.{why}")
