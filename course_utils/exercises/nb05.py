"""Exercises for notebook 05 (feature maps)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks import *


@exercise("Output shape of Conv2D(32, 5) -> MaxPooling2D(2) -> Conv2D(64, 3, padding='same') -> MaxPooling2D(2)",
          hint="Valid k x k convolution: out = in - k + 1. padding='same' keeps the size. 2x2 pooling: out = in // 2.",
          solution="output_shape = (6, 6, 64)  # 28 -> 24 -> 12 -> 12 -> 6")
def q1(answer: Any) -> str:
    shape = expect_feature_shape(answer)
    if shape[:2] == (6, 6) and shape[2] != 64:
        raise CheckFailed("height and width are right; the channels are the last Conv2D's filter count")
    pooling = "do not forget the pooling layers: each 2x2 pooling halves height and width"
    expect_exact(shape, (6, 6, 64), {
        (5, 5, 64): "the second convolution has padding='same': it keeps 12 x 12, it does not remove 2 pixels",
        (7, 7, 64): "the first convolution has no padding: a 5x5 kernel removes 4 pixels (28 -> 24)",
        (12, 12, 64): pooling, (24, 24, 64): pooling,
    }, "{answer} is not it. Go layer by layer: 28 -> conv 5x5 -> pool -> conv 'same' -> pool")
    return "28 -> 24 (valid 5x5) -> 12 (pool) -> 12 ('same' 3x3) -> 6 (pool), with 64 channels."


KERNELS = {
    "A": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),  # horizontal edges (rows differ)
    "B": np.array([[1, 1, 1], [1, 1, 1], [1, 1, 1]]),  # blur
    "C": np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),  # vertical edges (columns differ)
    "D": np.array([[0, -1, 0], [-1, 4, -1], [0, -1, 0]]),  # spots and corners in every direction
}
_WRONG_KERNEL = {
    "A": "kernel A changes from its top row to its bottom row: it fires on horizontal edges",
    "B": "kernel B is all ones: it averages (blurs) and fires on bright areas, not on edges",
    "D": "kernel D compares the centre with all four neighbours: it fires on spots and corners in any direction",
}


@exercise("Pick the kernel that detects vertical edges",
          hint="A vertical edge is a change from left to right. Which "
               "kernel's left column differs from its right column?",
          solution='vertical_edge_kernel = "C"  # left column negative, right column positive')
def q2(answer: Any) -> str:
    expect_letter(answer, "".join(KERNELS), _WRONG_KERNEL)
    return "C: negative on the left, positive on the right, so it responds where brightness changes left to right."


_RNG = np.random.default_rng(5)
_MAPS = _RNG.random((6, 7, 5)).astype(np.float32)
_MAPS[..., 3] += 0.5  # channel 3 has the largest mean
_MAPS[2, 1, 0] = 5.0  # but channel 0 holds the single largest value


@exercise("Write strongest_filter(feature_maps) for one (height, width, channels) array",
          hint="feature_maps.mean(axis=(0, 1)) gives one number per channel; np.argmax picks the largest.",
          solution="def strongest_filter(feature_maps):\n    return int(np.argmax(feature_maps.mean(axis=(0, 1))))",
          callable_name="strongest_filter")
def q3(strongest_filter: Callable[[np.ndarray], Any]) -> str:
    got = expect_whole_number(call(strongest_filter, "strongest_filter", _MAPS.copy()), "a channel index")
    if got != 3 and got >= _MAPS.shape[-1] and got != int(np.argmax(_MAPS)):
        raise CheckFailed(f"{got} is not a channel index (there are {_MAPS.shape[-1]}): average over axes (0, 1)")
    expect_exact(got, 3, {
        0: "channel 0 holds the single largest value, but not the largest mean: average first",
        int(np.argmax(_MAPS)): "np.argmax of the whole array gives a flat position, not a channel: average over "
                               "height and width first",
    }, "for a test array whose channel 3 has the largest mean you returned {answer}")
    other = np.zeros((4, 4, 9), dtype=np.float32)
    other[..., 7] = 1.0
    if expect_whole_number(call(strongest_filter, "strongest_filter", other), "a channel index") != 7:
        raise CheckFailed("it does not work for a map with 9 channels: do not hard-code shapes")
    return "maps.mean(axis=(0, 1)).argmax(): one mean per channel, then the largest."


def _edges_by_section_2(trained: dict, untrained: dict) -> bool:
    """Section 2's test of what training did: under half as far from zero-sum as untrained, over twice the
    orientation score."""
    return trained["orientation"] > 2 * untrained["orientation"] and trained["zero sum"] < 0.5 * untrained["zero sum"]


@exercise("Stretch: train the same network on digits; does it learn zero-sum (contrast) kernels too?",
          hint="data.load_mnist(fast=(4000, 1000)) gives ((train_images, train_labels), (test_images, test_labels)). "
               "Build build_first_cnn(), compile it with Adam and sparse categorical cross-entropy, fit one epoch on "
               "train_images[..., np.newaxis]. Then apply section 2's test to digits_summary.",
          solution=(
              "def train_on_digits():\n"
              "    (images, labels), _ = data.load_mnist(fast=(4000, 1000))\n"
              "    model = build_first_cnn()\n"
              "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
              "    model.fit(images[..., np.newaxis], labels, epochs=1, batch_size=128, verbose=0)\n"
              "    return model",
              "digits_made_edges = (digits_summary['orientation'] > 2 * untrained_summary['orientation']\n"
              "                     and digits_summary['zero sum'] < 0.5 * untrained_summary['zero sum'])\n"
              "\n"
              "ex.stretch.check(digits_made_edges, model=digits_model, digits=digits_summary, untrained=untrained_summary)",  # noqa: E501 - a line of the solution's code
          ))
def stretch(conclusion: Any, *, model: Any = None, digits: Any = None, untrained: Any = None) -> str:
    model = expect_model(model, "digits_model")
    first = model.layers[1] if len(model.layers) > 1 else None
    if type(first).__name__ != "Conv2D" or tuple(first.kernel.shape) != (3, 3, 1, 64):
        raise CheckFailed("train build_first_cnn() itself, so that its first Conv2D (64 kernels of 3x3x1) can be "
                          "compared with the clothes model's")
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or int(optimizer.iterations.numpy()) == 0:
        raise CheckFailed("digits_model has not been trained: compile it and call fit on the MNIST images")
    if digits is None or untrained is None:
        raise CheckFailed("digits_summary is None: run the cell that measures the digit model's kernels first")
    if not isinstance(conclusion, (bool, np.bool_)):
        raise CheckFailed(f"answer True or False, without quotes, not {conclusion!r}")
    holds = _edges_by_section_2(digits, untrained)
    if bool(conclusion) != holds:
        raise CheckFailed(f"your numbers say {holds}: orientation {digits['orientation']:.3f} against "
                          f"{untrained['orientation']:.3f} untrained (needs more than twice), zero sum "
                          f"{digits['zero sum']:.3f} against {untrained['zero sum']:.3f} (needs less than half)")
    numbers = f"orientation {digits['orientation']:.3f}, zero sum {digits['zero sum']:.3f}"
    if holds:
        return (f"training on digits made the kernels nearly zero-sum too ({numbers}): contrast filters, as with "
                "clothes. Read its orientation against the zero-sum random row of the table: the floor for kernels "
                "that are zero-sum and learned nothing.")
    return (f"in your run the digit model's kernels did not pass section 2's test ({numbers}). Train a "
            "second epoch and measure again: do zero-sum kernels appear later?")
