"""Exercises for notebook 07 (convolution by hand in NumPy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.signal

from course_utils.checks import CheckFailed, Exercise, expect_function, expect_returned, expect_whole_number

# A non-square image and an asymmetric, non-square kernel: transposes and flips cannot hide.
_RNG = np.random.default_rng(7)
_IMAGE = _RNG.integers(0, 10, size=(6, 7)).astype(np.float64)
_KERNEL = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])  # 3x2


def _verify_conv(my_conv2d: Callable[[np.ndarray, np.ndarray], Any]) -> str:
    expect_function(my_conv2d, "my_conv2d")
    result = my_conv2d(_IMAGE.copy(), _KERNEL.copy())
    expect_returned(result, "my_conv2d")
    result = np.asarray(result, dtype=float)
    (h, w), (kh, kw) = _IMAGE.shape, _KERNEL.shape
    expected = scipy.signal.correlate2d(_IMAGE, _KERNEL, mode="valid")
    if result.shape == (h - kh, w - kw):
        raise CheckFailed(
            f"output shape {result.shape} is off by one: a {kh}-row kernel fits in {h - kh + 1} positions down a "
            f"{h}-row image (H - k + 1), so loop over range(H - kh + 1)"
        )
    if result.shape == (h, w):
        raise CheckFailed(
            f"the output has the input's shape {result.shape}: you padded the border ('same'). This exercise asks "
            f"for 'valid', where the kernel stays inside the image: {expected.shape}"
        )
    if result.shape == (w - kw + 1, h - kh + 1):
        raise CheckFailed("rows and columns are swapped: the first axis is the image height, image.shape[0]")
    if result.shape != expected.shape:
        raise CheckFailed(f"output shape {result.shape}; a valid 3x2 kernel on a 6x7 image gives {expected.shape}")
    if np.allclose(result, scipy.signal.convolve2d(_IMAGE, _KERNEL, mode="valid")):
        raise CheckFailed(
            "you flipped the kernel: that is mathematical convolution. Conv2D computes cross-correlation: "
            "multiply each patch by the kernel as it is"
        )
    if not np.allclose(result, expected):
        i, j = np.argwhere(~np.isclose(result, expected))[0]
        raise CheckFailed(
            f"wrong value at output [{i}, {j}]: got {result[i, j]:g}, expected {expected[i, j]:g} "
            f"= sum(image[{i}:{i + kh}, {j}:{j + kw}] * kernel)"
        )
    bright = np.full((4, 4), 200, dtype=np.uint8)
    ones = np.ones((3, 3), dtype=np.uint8)
    overflow = np.asarray(my_conv2d(bright, ones), dtype=float)
    if np.allclose(overflow, 1800 % 256):
        raise CheckFailed(
            "uint8 overflow: 9 x 200 = 1800 wrapped around to 8. Convert to float first, e.g. "
            "image = image.astype(float), before multiplying"
        )
    if not np.allclose(overflow, 1800):
        got = overflow.ravel()[0]
        raise CheckFailed(f"on a uint8 image of 200s with a 3x3 kernel of ones, expected 1800, got {got:g}")
    return "valid cross-correlation, right shape, no overflow."


q1 = Exercise(
    "Write my_conv2d(image, kernel): valid cross-correlation",
    _verify_conv,
    hint=(
        "Output shape: (H - kh + 1, W - kw + 1). For every (i, j): take image[i:i+kh, j:j+kw], multiply by "
        "the kernel element-wise, and sum. Convert the image to float first."
    ),
    solution=(
        "def my_conv2d(image, kernel):\n"
        "    image = np.asarray(image, dtype=float)\n"
        "    kh, kw = kernel.shape\n"
        "    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1\n"
        "    out = np.zeros((out_h, out_w))\n"
        "    for i in range(out_h):\n"
        "        for j in range(out_w):\n"
        "            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)\n"
        "    return out"
    ),
)

_SIZE_CASES = [(28, 3, 0, 1), (28, 5, 2, 1), (28, 3, 1, 2), (7, 3, 0, 2), (32, 4, 0, 3), (5, 5, 0, 1)]


def _verify_output_size(conv_output_size: Callable[[int, int, int, int], Any]) -> str:
    expect_function(conv_output_size, "conv_output_size")
    for n, k, p, s in _SIZE_CASES:
        got = conv_output_size(n, k, p, s)
        expected = (n - k + 2 * p) // s + 1
        expect_returned(got, "conv_output_size")
        if isinstance(got, (float, np.floating)) and not float(got).is_integer():
            raise CheckFailed(
                f"for n={n}, k={k}, p={p}, s={s} you returned {got}: a size is a whole number. Use floor division //"
            )
        got = expect_whole_number(got, "a whole number of positions")
        if got == expected:
            continue
        if got == expected - 1:
            raise CheckFailed(f"off by one for n={n}, k={k}, p={p}, s={s}: got {got}, expected {expected}. Add 1")
        if got == (n - k) // s + 1:
            raise CheckFailed(f"for n={n}, k={k}, p={p}, s={s}: padding adds p cells on *both* sides: + 2p")
        if got == n - k + 2 * p + 1:
            raise CheckFailed(f"for n={n}, k={k}, p={p}, s={s}: divide the free space by the stride s")
        raise CheckFailed(f"for n={n}, k={k}, p={p}, s={s} you returned {got}; expected {expected}")
    return "(n - k + 2p) // s + 1, the formula every CNN summary table uses."


q2 = Exercise(
    "Write conv_output_size(n, k, p, s)",
    _verify_output_size,
    hint="Count the positions: (n - k + 2p) cells of free space, one step every s cells, plus the first position.",
    solution="def conv_output_size(n, k, p, s):\n    return (n - k + 2 * p) // s + 1",
)


def _verify_horizontal_choice(answer: Any) -> str:
    if not isinstance(answer, str):
        raise CheckFailed(f"answer with one letter in quotes, 'A', 'B' or 'C', not {answer!r}")
    choice = answer.strip().upper()
    if choice not in {"A", "B", "C"}:
        raise CheckFailed(f"answer with one of 'A', 'B' or 'C', not {answer!r}")
    if choice == "A":
        raise CheckFailed(
            "A weighs left columns against right ones: it fires where brightness changes from left to right, "
            "at *vertical* edges"
        )
    if choice == "C":
        raise CheckFailed("C is all positive and equal: it averages its neighbourhood (a blur) and finds no edges")
    return "B subtracts the row below from the row above: it fires where brightness changes top to bottom."


q3 = Exercise(
    "Which kernel responds to horizontal edges?",
    _verify_horizontal_choice,
    hint="A horizontal edge is where the rows above differ from the rows below. Which kernel compares rows?",
    solution="horizontal_edge_kernel = 'B'",
)
