"""Exercises for notebook 08 (pooling by hand in NumPy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import conv
from course_utils.checks import CheckFailed, Exercise, expect_function, expect_returned, expect_whole_number

_SIZE_CASES = [(28, 2, 2), (7, 2, 2), (7, 3, 2), (512, 3, 2), (10, 2, 1), (5, 5, 1)]


def _verify_pooled_size(pooled_size: Callable[[int, int, int], Any]) -> str:
    expect_function(pooled_size, "pooled_size")
    for n, pool, stride in _SIZE_CASES:
        got = pooled_size(n, pool, stride)
        expected = (n - pool) // stride + 1
        expect_returned(got, "pooled_size")
        if isinstance(got, (float, np.floating)) and not float(got).is_integer():
            raise CheckFailed(f"for n={n}, pool={pool}, stride={stride} you returned {got}; use floor division //")
        got = expect_whole_number(got, "a whole number of positions")
        if got == expected:
            continue
        if pool != stride and got == n // pool:
            raise CheckFailed(
                f"for n={n}, pool={pool}, stride={stride}: n // pool only works when the window moves by its own "
                "size. Here it moves by the stride"
            )
        if got == expected - 1:
            raise CheckFailed(f"off by one for n={n}, pool={pool}, stride={stride}: count the first window too (+1)")
        raise CheckFailed(f"for n={n}, pool={pool}, stride={stride} you returned {got}; expected {expected}")
    return "(n - pool) // stride + 1: the convolution formula with p = 0."


q1 = Exercise(
    "Write pooled_size(n, pool, stride) for valid pooling",
    _verify_pooled_size,
    hint="Pooling is a convolution-shaped window without weights: (n - k + 2p) // s + 1 with p = 0.",
    solution="def pooled_size(n, pool, stride):\n    return (n - pool) // stride + 1",
)

# 5 rows (odd, so valid pooling must drop the last one) by 6 columns, all values distinct.
_PROBE = np.random.default_rng(8).permutation(30).reshape(5, 6).astype(np.float64)


def _verify_max_pool(my_max_pool: Callable[[np.ndarray], Any]) -> str:
    expect_function(my_max_pool, "my_max_pool")
    probe = _PROBE.copy()
    result = my_max_pool(probe)
    expect_returned(result, "my_max_pool")
    if not np.array_equal(probe, _PROBE):
        raise CheckFailed("my_max_pool changed its input. Build a new output array instead")
    result = np.asarray(result, dtype=float)
    expected = conv.max_pool2d(_PROBE, 2)
    if result.shape == (4, 5):
        raise CheckFailed("output (4, 5): your window moved one pixel at a time. Move it by 2 (stride = pool size)")
    if result.shape == (3, 3):
        raise CheckFailed(
            "output (3, 3) for a (5, 6) input: you kept the half window at the bottom. Valid pooling, like Keras's "
            "default, drops the last row when the height is odd: (5 - 2) // 2 + 1 = 2"
        )
    if result.shape != expected.shape:
        raise CheckFailed(f"output shape {result.shape}; 2x2 pooling with stride 2 on (5, 6) gives {expected.shape}")
    if np.allclose(result, conv.avg_pool2d(_PROBE, 2)):
        raise CheckFailed("you averaged each window. Max pooling keeps the largest value: window.max()")
    if np.allclose(result, -conv.max_pool2d(-_PROBE, 2)):
        raise CheckFailed("you kept the smallest value of each window. Max pooling keeps the largest")
    if not np.allclose(result, expected):
        i, j = np.argwhere(~np.isclose(result, expected))[0]
        raise CheckFailed(
            f"wrong value at output [{i}, {j}]: got {result[i, j]:g}, expected {expected[i, j]:g} "
            f"= x[{2 * i}:{2 * i + 2}, {2 * j}:{2 * j + 2}].max()"
        )
    return "2x2 max pooling with stride 2, odd edges dropped as in Keras."


q2 = Exercise(
    "Write my_max_pool(x): 2x2 max pooling, stride 2, valid",
    _verify_max_pool,
    hint="Output (H // 2, W // 2). out[i, j] is the max of x[2*i : 2*i + 2, 2*j : 2*j + 2].",
    solution=(
        "def my_max_pool(x):\n"
        "    out = np.zeros((x.shape[0] // 2, x.shape[1] // 2))\n"
        "    for i in range(out.shape[0]):\n"
        "        for j in range(out.shape[1]):\n"
        "            out[i, j] = x[2 * i : 2 * i + 2, 2 * j : 2 * j + 2].max()\n"
        "    return out"
    ),
)


def _verify_three_pools(answer: Any) -> str:
    if isinstance(answer, (tuple, list)):
        raise CheckFailed("give the side length as one number; the map stays square")
    if answer == 3.5:
        raise CheckFailed("a feature map has whole pixels: 7 // 2, not 7 / 2")
    answer = expect_whole_number(answer, "a side length in pixels")
    if answer == 4:
        raise CheckFailed("4 is what padding='same' gives (ceil(7 / 2)); MaxPooling2D's default is 'valid'")
    if answer != 3:
        raise CheckFailed(f"{answer} is not it. Apply (n - 2) // 2 + 1 three times, starting from 28")
    return "28 → 14 → 7 → 3: the last pooling drops a row and a column of the 7x7 map."


q3 = Exercise(
    "Three MaxPooling2D(2) layers on a 28x28 map: what side length comes out?",
    _verify_three_pools,
    hint="Each 2x2 pooling halves the side, rounding down. Watch what happens to 7.",
    solution="side_after_three_pools = 3  # 28 -> 14 -> 7 -> 3",
)
