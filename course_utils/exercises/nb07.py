"""Exercises for notebook 07 (convolution by hand in NumPy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils import conv
from course_utils.checks import *

# A non-square image and an asymmetric, non-square kernel: transposes and flips cannot hide.
_RNG = np.random.default_rng(7)
_IMAGE = _RNG.integers(0, 10, size=(6, 7)).astype(np.float64)
_KERNEL = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])  # 3x2
# (stride, padding) cases: padding and stride together, stride alone, padding alone.
_STRIDE_PAD_CASES = [(2, 2), (3, 0), (1, 1)]


def strided_reference(image: np.ndarray, kernel: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """Zero-pad ``padding`` pixels on every side, then slide ``kernel`` ``stride`` pixels at a time (no flip)."""
    padded = np.pad(np.asarray(image, dtype=float), padding)
    kh, kw = kernel.shape
    out_h, out_w = (padded.shape[0] - kh) // stride + 1, (padded.shape[1] - kw) // stride + 1
    return np.array([[np.sum(padded[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
                      for j in range(out_w)] for i in range(out_h)])


@exercise("Add stride and padding to the loop: conv2d_strided(image, kernel, stride, padding)",
          hint="Pad first: padded = np.pad(image, padding). Then out_h = (padded_h - kh) // stride + 1, and output [i, "
               "j] is sum(padded[i*stride : i*stride + kh, j*stride : j*stride + kw] * kernel).",
          solution="def conv2d_strided(image, kernel, stride, padding):\n"
                   "    padded = np.pad(np.asarray(image, dtype=float), padding)\n"
                   "    kh, kw = kernel.shape\n"
                   "    out_h = (padded.shape[0] - kh) // stride + 1\n"
                   "    out_w = (padded.shape[1] - kw) // stride + 1\n"
                   "    out = np.zeros((out_h, out_w))\n"
                   "    for i in range(out_h):\n"
                   "        for j in range(out_w):\n"
                   "            patch = padded[i * stride:i * stride + kh, j * stride:j * stride + kw]\n"
                   "            out[i, j] = np.sum(patch * kernel)\n"
                   "    return out",
          callable_name="conv2d_strided")
def q1(conv2d_strided: Callable[..., Any]) -> str:
    (h, w), (kh, kw) = _IMAGE.shape, _KERNEL.shape
    for stride, padding in _STRIDE_PAD_CASES:
        case = f"stride={stride}, padding={padding} (a {h}x{w} image, a {kh}x{kw} kernel)"
        result = np.asarray(call(conv2d_strided, "conv2d_strided", _IMAGE.copy(), _KERNEL.copy(), stride, padding),
                            dtype=float)
        expected = strided_reference(_IMAGE, _KERNEL, stride, padding)
        if result.shape == expected.shape:
            if np.allclose(result, expected):
                continue
            if np.allclose(result, strided_reference(_IMAGE, _KERNEL[::-1, ::-1], stride, padding)):
                raise CheckFailed("you flipped the kernel: Conv2D multiplies each patch by the kernel as it is")
            one_side = np.pad(_IMAGE, ((0, 2 * padding), (0, 2 * padding)))
            if padding and np.allclose(result, strided_reference(one_side, _KERNEL, stride, 0)):
                raise CheckFailed(f"for {case}: the zeros all went after the image. Pad {padding} on *each* side: "
                                  "np.pad(image, padding)")
            i, j = np.argwhere(~np.isclose(result, expected))[0]
            raise CheckFailed(f"for {case}: wrong value at output [{i}, {j}], got {result[i, j]:g}, expected "
                              f"{expected[i, j]:g} = sum(padded[{i * stride}:{i * stride + kh}, "
                              f"{j * stride}:{j * stride + kw}] * kernel)")
        if result.shape == strided_reference(_IMAGE, _KERNEL, stride, 0).shape and padding:
            raise CheckFailed(f"for {case}: output {result.shape} is what no padding gives. Add {padding} rows and "
                              "columns of zeros on every side first: np.pad(image, padding)")
        if result.shape == strided_reference(_IMAGE, _KERNEL, 1, padding).shape and stride > 1:
            raise CheckFailed(f"for {case}: output {result.shape} means the window moved 1 pixel at a time. Move it "
                              f"{stride} pixels: output [i, j] starts at row i * stride, column j * stride")
        if result.shape == tuple(n - 1 for n in expected.shape) or result.shape == tuple(n + 1 for n in expected.shape):
            raise CheckFailed(f"for {case}: output {result.shape} is off by one; (n + 2p - k) // s + 1 gives "
                              f"{expected.shape}")
        raise CheckFailed(f"for {case}: output shape {result.shape}, expected {expected.shape}")
    overflow = np.asarray(conv2d_strided(np.full((4, 4), 200, dtype=np.uint8), np.ones((3, 3), dtype=np.uint8), 1, 0),
                          dtype=float)
    if np.allclose(overflow, 1800 % 256):
        raise CheckFailed("uint8 overflow: 9 x 200 = 1800 wrapped around to 8. Work in floats: "
                          "image = np.asarray(image, dtype=float) before anything else")
    if not np.allclose(overflow, 1800):
        raise CheckFailed("on a uint8 image of 200s with a 3x3 kernel of ones, expected 1800, got "
                          f"{overflow.ravel()[0]:g}")
    return "zero padding on every side, then a window that jumps `stride` pixels: (n + 2p - k) // s + 1 outputs."


# Several input channels and several filters: (H, W, C) images, (kh, kw, C, F) kernels, as Conv2D stores them.
_CHANNEL_CASES = [
    (_RNG.normal(size=(5, 6, 3)), _RNG.normal(size=(3, 2, 3, 2))),
    (_RNG.normal(size=(4, 4, 2)), _RNG.normal(size=(2, 2, 2, 4))),
]


def channels_reference(image: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    """Valid, stride 1: out[i, j, f] = sum over the window and over every input channel of image * kernels[..., f]."""
    kh, kw, _, filters = kernels.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    return np.array([[[np.sum(image[i:i + kh, j:j + kw, :] * kernels[..., f]) for f in range(filters)]
                      for j in range(out_w)] for i in range(out_h)])


@exercise("Several input channels and filters: conv2d_channels(image, kernels)",
          hint="kernels[..., f] is filter f, shaped (kh, kw, C) like a block of the image. out[i, j, f] = "
               "np.sum(image[i:i+kh, j:j+kw, :] * kernels[..., f]).",
          solution="def conv2d_channels(image, kernels):\n"
                   "    kh, kw, _, filters = kernels.shape\n"
                   "    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1\n"
                   "    out = np.zeros((out_h, out_w, filters))\n"
                   "    for i in range(out_h):\n"
                   "        for j in range(out_w):\n"
                   "            for f in range(filters):\n"
                   "                out[i, j, f] = np.sum(image[i:i + kh, j:j + kw, :] * kernels[..., f])\n"
                   "    return out",
          callable_name="conv2d_channels")
def q2(conv2d_channels: Callable[..., Any]) -> str:
    for image, kernels in _CHANNEL_CASES:
        case = f"an image {image.shape} and kernels {kernels.shape}"
        result = np.asarray(call(conv2d_channels, "conv2d_channels", image.copy(), kernels.copy()), dtype=float)
        expected = channels_reference(image, kernels)
        out_h, out_w, filters = expected.shape
        if result.shape == (filters, out_h, out_w):
            raise CheckFailed(f"for {case}: {result.shape} is filters-first. Keras puts channels last: "
                              f"(height, width, filters) = {expected.shape}")
        if result.shape in {(out_h, out_w, image.shape[2], filters), (out_h, out_w, image.shape[2])}:
            raise CheckFailed(f"for {case}: output {result.shape} keeps one result per input channel. A filter adds "
                              "up its products over the window *and* over every input channel: one map per filter")
        if result.shape != expected.shape:
            raise CheckFailed(f"for {case}: output shape {result.shape}, expected (H - kh + 1, W - kw + 1, F) = "
                              f"{expected.shape}")
        first_channel_only = channels_reference(image[..., :1], kernels[:, :, :1, :])
        if np.allclose(result, first_channel_only):
            raise CheckFailed(f"for {case}: you used only input channel 0. Multiply the whole (kh, kw, C) block, "
                              "image[i:i+kh, j:j+kw, :] * kernels[:, :, :, f], and sum it")
        if not np.allclose(result, expected):
            i, j, f = np.argwhere(~np.isclose(result, expected))[0]
            raise CheckFailed(f"for {case}: wrong value at output [{i}, {j}, {f}], got {result[i, j, f]:.4g}, "
                              f"expected {expected[i, j, f]:.4g}")
    return ("one number per position and filter, summed over the window and every input channel: "
            "the kh x kw x C_in x F weights of notebook 02's parameter count.")


# Exercise 3's kernels (tests/test_checks.py checks that B is the one that answers horizontal edges).
KERNELS = {
    "A": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "B": np.array([[2, 2, 2], [0, 0, 0], [-2, -2, -2]]),
    "C": np.ones((3, 3)),
}


@exercise("Which kernel responds to horizontal edges?",
          hint="A horizontal edge is where the rows above differ from the rows below. Which kernel compares rows?",
          solution="horizontal_edge_kernel = 'B'")
def q3(answer: Any) -> str:
    expect_letter(answer, "ABC", {
        "A": "A weighs left columns against right ones: it fires where brightness changes from left to right, at "
             "*vertical* edges",
        "C": "C is all positive and equal: it averages its neighbourhood (a blur) and finds no edges",
    })
    return "B subtracts the row below from the row above: it fires where brightness changes top to bottom."


# The kernel's gradient: a non-square image and output gradient, so a transpose or a flip cannot pass.
_GRAD_IMAGE = np.arange(30, dtype=np.float64).reshape(5, 6) % 7 - 3
_GRAD_OUTPUT = np.array([[1.0, -2.0, 0.5, 0.0, 3.0], [2.0, 1.0, -1.0, 0.5, 0.0], [0.0, 1.5, 2.0, -3.0, 1.0]])


def grad_kernel_reference(image: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
    """dL/dK for a valid, stride-1 correlation: entry [a, b] sums grad_output[i, j] * image[i + a, j + b]."""
    (oh, ow), (h, w) = grad_output.shape, image.shape
    return np.array([[np.sum(image[a:a + oh, b:b + ow] * grad_output) for b in range(w - ow + 1)]
                     for a in range(h - oh + 1)])


@exercise("The kernel's gradient by hand: grad_kernel_by_hand(image, grad_output)",
          hint="The kernel is (H - H' + 1) x (W - W' + 1), where (H', W') is grad_output's shape. Entry [a, b] is "
               "np.sum(image[a:a + H', b:b + W'] * grad_output), as section 10 derived.",
          solution="def grad_kernel_by_hand(image, grad_output):\n"
                   "    out_h, out_w = grad_output.shape\n"
                   "    kh, kw = image.shape[0] - out_h + 1, image.shape[1] - out_w + 1\n"
                   "    grad = np.zeros((kh, kw))\n"
                   "    for a in range(kh):\n"
                   "        for b in range(kw):\n"
                   "            grad[a, b] = np.sum(image[a:a + out_h, b:b + out_w] * grad_output)\n"
                   "    return grad",
          callable_name="grad_kernel_by_hand")
def q4(grad_kernel_by_hand: Callable[..., Any]) -> str:
    result = call(grad_kernel_by_hand, "grad_kernel_by_hand", _GRAD_IMAGE.copy(), _GRAD_OUTPUT.copy())
    result = np.asarray(result, dtype=float)
    expected = grad_kernel_reference(_GRAD_IMAGE, _GRAD_OUTPUT)
    if result.shape in {_GRAD_IMAGE.shape, _GRAD_OUTPUT.shape}:
        raise CheckFailed(f"for a {_GRAD_IMAGE.shape} image and a {_GRAD_OUTPUT.shape} grad_output you returned "
                          f"{result.shape}. The kernel's gradient has the kernel's shape: (H - H' + 1, W - W' + 1) = "
                          f"{expected.shape}")
    if result.shape == expected.shape[::-1]:
        raise CheckFailed(f"rows and columns are swapped: expected {expected.shape}, got {result.shape}")
    if result.shape != expected.shape:
        raise CheckFailed(f"expected shape (H - H' + 1, W - W' + 1) = {expected.shape}, got {result.shape}")
    if np.allclose(result, expected[::-1, ::-1]):
        raise CheckFailed("the result is turned by 180 degrees. dL/dK[a, b] pairs grad_output[i, j] with "
                          "image[i + a, j + b]: no flip (the flip belongs to the image's gradient)")
    if not np.allclose(result, expected):
        a, b = np.argwhere(~np.isclose(result, expected))[0]
        raise CheckFailed(f"wrong value at [{a}, {b}]: got {result[a, b]:.4g}, expected {expected[a, b]:.4g}. Slide "
                          "grad_output over the image: the sum of image[a:a + H', b:b + W'] * grad_output")
    return "dL/dK = image correlated with grad_output: the gradient of a convolution is a convolution."


def _edge_image(rising: bool, size: int = 9) -> np.ndarray:
    """A bright corner cut off by a diagonal: along '/' (top-left bright) or along '\\' (top-right bright)."""
    rows, cols = np.indices((size, size))
    return ((rows + cols < size - 1) if rising else (cols - rows > 0)).astype(float)


def strength(image: np.ndarray, kernel: np.ndarray) -> float:
    """Mean |response| of ``kernel`` on ``image`` per unit of total |weight|: scaling a kernel changes nothing."""
    kernel = np.asarray(kernel, dtype=float)
    return float(np.abs(conv.conv2d(np.asarray(image, dtype=float), kernel)).mean() / np.abs(kernel).sum())


STRETCH_NOISE = 0.05  # relative: strengths within 5% of each other count as the same


@exercise("Stretch: design a kernel for '/' edges and measure it on ascent",
          hint="An edge along '/' separates the top-left from the bottom-right: weights like 2, 1 at the top left, 0 "
               "on the '/' diagonal, -1, -2 at the bottom right. Then compare diagonal_strength with sobel_strength.",
          solution=(
              "diagonal_kernel = np.array([[2, 1, 0], [1, 0, -1], [0, -1, -2]])",
              "ratio = diagonal_strength / sobel_strength\n"
              "diagonal_verdict = 'higher' if ratio > 1.05 else 'lower' if ratio < 0.95 else 'about the same'\n"
              "\n"
              "ex.stretch.check(diagonal_verdict, kernel=diagonal_kernel, image=ascent, diagonal=diagonal_strength,\n"
              "                 sobel=sobel_strength)",
          ))
def stretch(conclusion: Any, *, kernel: Any = None, image: Any = None, diagonal: Any = None,
            sobel: Any = None) -> str:
    if kernel is None or diagonal is None or sobel is None:
        raise CheckFailed("diagonal_strength is None: run the cell that measures your kernel on ascent first")
    try:
        kernel = np.asarray(kernel, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed("diagonal_kernel should be a 3x3 array of numbers, e.g. np.array([[...], [...], [...]])") \
            from None
    if kernel.shape != (3, 3) or not np.isfinite(kernel).all() or not np.abs(kernel).sum():
        raise CheckFailed(f"diagonal_kernel should be a 3x3 array of finite numbers, not all zero; got {kernel.shape}")
    if abs(kernel.sum()) > 1e-6 * np.abs(kernel).sum():
        raise CheckFailed(f"its weights add up to {kernel.sum():g}, so a flat area gives a response too. An edge "
                          "detector answers to change only: make the weights add up to 0")
    along, across = strength(_edge_image(True), kernel), strength(_edge_image(False), kernel)
    if along < 2 * across:
        raise CheckFailed("it does not prefer '/' edges: on a test image cut along '/' it responds "
                          f"{along:.2f}, along '\\' {across:.2f}. Put positive weights at the top left and "
                          "negative ones at the bottom right (or the reverse)")
    measured = strength(image, kernel)
    if not np.isclose(expect_number(diagonal, "diagonal_strength"), measured, rtol=1e-6):
        raise CheckFailed(f"diagonal_strength is {diagonal:.4g}, but your kernel measures {measured:.4g} on ascent: "
                          "run the measuring cell again after changing the kernel")
    noise = STRETCH_NOISE * float(sobel)
    said = expect_verdict(conclusion, measured, float(sobel), noise, "your diagonal kernel's strength")
    return (f"on ascent your '/' kernel gives {measured:.2f} per unit of weight, Sobel x {float(sobel):.2f}: {said}. "
            "How strongly a kernel answers depends on the photo: it measures how much of that orientation the "
            "scene contains.")
