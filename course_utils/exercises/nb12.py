"""Exercises for notebook 12 (residual connections)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks import *

# Exercise 1: basic_block(x, 64, stride=2) on 32 channels
_CONV = 3 * 3 * 32 * 64 + 3 * 3 * 64 * 64  # the two 3x3 kernels: 55,296
_PROJECTION = 32 * 64  # the 1x1 projection: 2,048
_BN = 3 * 4 * 64  # three BatchNormalization layers, 4 numbers per channel: 768
_BLOCK = _CONV + _PROJECTION + _BN  # 58,112
_WRONG_COUNTS = {
    _CONV + _BN - 4 * 64: "the projection shortcut is missing: the shape changes (stride 2, 32 -> 64 channels), so "
                          "the shortcut is a 1x1 Conv2D (32 x 64 weights) with its own BatchNormalization",
    _CONV + _PROJECTION: "the BatchNormalization layers are missing: three of them, 4 numbers per channel (gamma, "
                         "beta and the two moving averages)",
    _CONV + _PROJECTION + 3 * 2 * 64: "that counts BatchNormalization's gamma and beta only: the moving mean and "
                                      "variance are parameters too (not trainable)",
    3 * 3 * 64 * 64 * 2 + _PROJECTION + _BN: "the first 3x3 convolution reads the block's 32 input channels: "
                                             "3 x 3 x 32 x 64, not 3 x 3 x 64 x 64",
    _BLOCK + 64 * 3: "Conv2D here has use_bias=False (BatchNormalization's beta does the shifting): no biases",
}


@exercise("Parameters of basic_block(x, 64, stride=2) on a 32-channel input",
          hint="3x3x32x64 + 3x3x64x64 for the two convolutions, 1x1x32x64 for the projection, 4x64 for each of the "
               "three BatchNormalization layers. No biases.",
          solution="block_parameters = 3 * 3 * 32 * 64 + 3 * 3 * 64 * 64 + 32 * 64 + 3 * 4 * 64  # 58,112")
def q1(answer: Any) -> str:
    expect_exact(expect_whole_number(answer, "a number of parameters"), _BLOCK, _WRONG_COUNTS,
                 "{answer:,} is not it. Add up: two 3x3 kernels, the 1x1 projection, and three BatchNormalization "
                 "layers of 4 x 64")
    return (f"{_CONV:,} in the two 3x3 kernels, {_PROJECTION:,} in the projection, {_BN} in the three "
            "BatchNormalization layers: the projection costs under 4% of the block.")


# Exercise 2: the bottleneck block

def _producer(tensor: Any) -> Any:
    """The layer (or operation, for `+` and `keras.ops.relu`) that produced a Keras tensor."""
    return tensor._keras_history[0]


def _inputs_of(layer: Any) -> list:
    inputs = layer.input
    return list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]


def _is_relu(operation: Any) -> bool:
    """A ReLU written any way Keras allows: ReLU(), Activation('relu'), keras.ops.relu, keras.activations.relu."""
    import keras

    if isinstance(operation, keras.layers.ReLU):
        return True
    if isinstance(operation, keras.layers.Activation):
        return getattr(operation.activation, "__name__", "") == "relu"
    return not isinstance(operation, keras.layers.Layer) and type(operation).__name__.lower() == "relu"


def _is_add(operation: Any) -> bool:
    """An addition written any way Keras allows: layers.Add()([a, b]), layers.add, a + b, keras.ops.add."""
    return type(operation).__name__ == "Add"


_SKIPPED = ("Identity", "ZeroPadding2D", "InputLayer")  # layers that change nothing the check looks at


def _path(add_input: Any, block_input: Any) -> list[tuple]:
    """The layers from the block's input to one input of the addition, nearest the input first, as tokens:
    ("conv", filters, kernel size, stride, padding), ("bn",), ("relu",) or ("other", name). A Conv2D with
    activation='relu' gives a "conv" then a "relu" token; padding and Identity layers are skipped."""
    import keras

    found, tensor = [], add_input
    while tensor is not block_input:
        layer = _producer(tensor)
        if isinstance(layer, keras.layers.InputLayer):
            break
        if isinstance(layer, keras.layers.Conv2D):
            activation = getattr(layer.activation, "__name__", "linear")
            if activation != "linear":
                found.append(("relu",) if activation == "relu" else ("other", f"activation={activation!r}"))
            found.append(("conv", layer.filters, layer.kernel_size[0], layer.strides[0], layer.padding))
        elif isinstance(layer, keras.layers.BatchNormalization):
            found.append(("bn",))
        elif _is_relu(layer):
            found.append(("relu",))
        elif type(layer).__name__ not in _SKIPPED:
            found.append(("other", type(layer).__name__))
        parents = _inputs_of(layer)
        if len(parents) != 1:
            break
        tensor = parents[0]
    return found[::-1]


def _describe(tokens: list[tuple]) -> str:
    names = {"bn": "BN", "relu": "ReLU"}
    return " -> ".join(f"Conv2D({t[1]}, {t[2]}x{t[2]})" if t[0] == "conv" else names.get(t[0], t[-1])
                       for t in tokens) or "nothing"


def _kernels(tokens: list[tuple]) -> list[tuple]:
    return [token for token in tokens if token[0] == "conv"]


def _check_shortcut(tokens: list[tuple], needs_projection: bool, filters: int, stride: int, case: str) -> None:
    if not needs_projection:
        if tokens:
            raise CheckFailed(f"{case}: the shapes already match, so the shortcut should be the input itself "
                              "(an identity shortcut costs nothing)")
        return
    if not tokens:
        raise CheckFailed(f"{case}: the shortcut is the input itself, but the shape changes")
    if [(t[1], t[2], t[3]) for t in _kernels(tokens)] != [(4 * filters, 1, stride)]:
        raise CheckFailed(f"{case}: the projection shortcut should be one 1x1 Conv2D with {4 * filters} "
                          f"(4 * filters) filters and strides={stride} (then BatchNormalization); yours is "
                          f"{_describe(tokens)}")
    if [t[0] for t in tokens] != ["conv", "bn"]:
        raise CheckFailed(f"{case}: the projection shortcut should be the 1x1 Conv2D followed by its own "
                          f"BatchNormalization, and nothing else; yours is {_describe(tokens)}")


def _bottleneck_output(bottleneck_block: Callable[..., Any], x: Any, filters: int, stride: int, case: str) -> Any:
    """The learner's block applied to ``x``; a failed addition or a missing return is named."""
    try:
        y = bottleneck_block(x, filters, stride) if stride != 1 else bottleneck_block(x, filters)
    except ValueError as error:
        if "shape" in str(error).lower():
            shapes = [tuple(int(n) for n in re.findall(r"\d+", found))
                      for found in re.findall(r"\(([\d, None]+)\)", str(error))]
            shapes = [shape[-3:] for shape in shapes if len(shape) >= 3]
            if len(shapes) >= 2 and shapes[0][:2] != shapes[1][:2] and shapes[0][-1] == shapes[1][-1]:
                raise CheckFailed(f"{case}: Keras could not add the two paths: their maps have different sizes "
                                  f"({str(error).splitlines()[0][:100]}). Give the 3x3 convolution "
                                  "padding='same': with the default 'valid' it shrinks each map by 2") from None
            raise CheckFailed(f"{case}: Keras could not add the two paths ({str(error).splitlines()[0][:100]}). "
                              "Check that the 3x3 convolution has padding='same', and that when the stride is not "
                              "1 or the channels change, the shortcut is a 1x1 projection with that stride and "
                              "4 * filters filters") from None
        raise
    return expect_returned(y, "bottleneck_block")


# Where the stride sits on the main path (1x1, 3x3, 1x1), and which published ResNet does it that way.
_STRIDE_PLACES = {
    "v1": "Your stride sits on the first 1x1: the original ResNet v1 (He et al.'s block, "
          "keras.applications.ResNet50); v1.5 (torchvision's ResNet-50) moves it to the 3x3.",
    "v1.5": "Your stride sits on the 3x3: ResNet v1.5 (torchvision's ResNet-50); the original v1 (He et al.'s "
            "block, keras.applications.ResNet50) puts it on the first 1x1.",
}



_MAIN = ["conv", "bn", "relu", "conv", "bn", "relu", "conv", "bn"]


def _check_paths(add: Any, x: Any, channels: int, filters: int, stride: int, case: str) -> str | None:
    """The two inputs of the addition: a shortcut (identity or 1x1 projection + BN) and the main path
    Conv(f, 1x1) -> BN -> ReLU -> Conv(f, 3x3) -> BN -> ReLU -> Conv(4f, 1x1) -> BN.

    Returns "v1" or "v1.5" for where the stride sits when the stride is not 1, else None."""
    (_, short), (main, tokens) = sorted(
        ((tensor, _path(tensor, x)) for tensor in _inputs_of(add)), key=lambda pair: len(_kernels(pair[1])))
    _check_shortcut(short, stride != 1 or channels != 4 * filters, filters, stride, case)
    if _is_relu(_producer(main)):
        raise CheckFailed(f"{case}: the main path ends with a ReLU before the addition; end it with the last "
                          "BatchNormalization and apply ReLU after adding")
    convolutions = _kernels(tokens)
    if [t[2] for t in convolutions] != [1, 3, 1]:
        raise CheckFailed(f"{case}: the main path's convolutions have kernel sizes {[t[2] for t in convolutions]}; "
                          "expected 1x1, 3x3, 1x1")
    widths = [t[1] for t in convolutions]
    if widths[-1] == filters:
        raise CheckFailed(f"{case}: the output has {filters} channels; the last 1x1 convolution expands to "
                          f"4 * filters = {4 * filters}")
    if widths != [filters, filters, 4 * filters]:
        raise CheckFailed(f"{case}: the main path's convolutions have {widths} filters; a bottleneck reduces to "
                          f"filters = {filters} in the first 1x1 and the 3x3, and only the last 1x1 expands to "
                          f"4 * filters = {4 * filters}")
    kinds = [t[0] for t in tokens]
    if kinds != _MAIN:
        if "bn" not in kinds:
            raise CheckFailed(f"{case}: the main path has no BatchNormalization: put one after each convolution")
        if (kinds.index("relu") if "relu" in kinds else len(kinds)) < kinds.index("bn"):
            raise CheckFailed(f"{case}: a ReLU comes before the BatchNormalization (Conv2D(activation='relu') "
                              "applies it inside the convolution); the order is Conv2D -> BatchNormalization -> "
                              "ReLU: leave the convolution's activation out and add the ReLU after the BN")
        raise CheckFailed(f"{case}: the main path is {_describe(tokens)}; expected Conv2D(filters, 1x1) -> BN -> "
                          "ReLU -> Conv2D(filters, 3x3) -> BN -> ReLU -> Conv2D(4 * filters, 1x1) -> BN")
    return _stride_version([t[3] for t in convolutions], stride, case)


def _stride_version(steps: list[int], stride: int, case: str) -> str | None:
    """ "v1.5" (stride on the 3x3), "v1" (on the first 1x1) or None (stride 1); any other placement fails."""
    if steps == [1, stride, 1]:
        return "v1.5" if stride != 1 else None
    if steps == [stride, 1, 1]:
        return "v1"
    raise CheckFailed(f"{case}: the main path's strides are {steps}; put the stride on the 3x3 convolution "
                      f"(ResNet v1.5: strides [1, {stride}, 1]) or on the first 1x1 (the original ResNet v1: "
                      f"[{stride}, 1, 1]), and only there")


@exercise("Write bottleneck_block(x, filters, stride=1)",
          hint="main = Conv2D(filters, 1) -> BN -> ReLU -> Conv2D(filters, 3, strides=stride, padding='same') -> BN -> "
               "ReLU -> Conv2D(4 * filters, 1) -> BN; shortcut = x, or Conv2D(4 * filters, 1, strides=stride) -> BN "
               "when the shape changes; return ReLU()(Add()([main, shortcut])). (The stride may sit on the first "
               "1x1 instead: that is the original ResNet v1.)",
          solution="def bottleneck_block(x, filters, stride=1):\n"
                   "    layers = keras.layers\n"
                   "    y = layers.ReLU()(layers.BatchNormalization()(layers.Conv2D(filters, 1, use_bias=False)(x)))\n"
                   "    y = layers.Conv2D(filters, 3, strides=stride, padding='same', use_bias=False)(y)\n"
                   "    y = layers.ReLU()(layers.BatchNormalization()(y))\n"
                   "    y = layers.BatchNormalization()(layers.Conv2D(4 * filters, 1, use_bias=False)(y))\n"
                   "    shortcut = x\n"
                   "    if stride != 1 or x.shape[-1] != 4 * filters:\n"
                   "        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, use_bias=False)(x)\n"
                   "        shortcut = layers.BatchNormalization()(shortcut)\n"
                   "    return layers.ReLU()(layers.Add()([y, shortcut]))",
          callable_name="bottleneck_block")
def q2(bottleneck_block: Callable[..., Any]) -> str:
    import keras

    expect_function(bottleneck_block, "bottleneck_block")
    variant = None
    for channels, filters, stride in ((64, 16, 1), (64, 32, 2), (32, 32, 1)):
        case = f"bottleneck_block(x, {filters}, stride={stride}) on an 8x8x{channels} input"
        x = keras.Input((8, 8, channels))
        y = _bottleneck_output(bottleneck_block, x, filters, stride, case)
        expect_exact(tuple(y.shape[1:]), (8 // stride, 8 // stride, 4 * filters), {
            (8 // stride, 8 // stride, filters): f"{case}: the output has {filters} channels; the last 1x1 "
                                                 f"convolution expands to 4 * filters = {4 * filters}",
        }, f"{case}: output shape {{answer}}, expected {(8 // stride, 8 // stride, 4 * filters)}")
        last = _producer(y)
        if not _is_relu(last):
            raise CheckFailed(f"{case}: the block should end with a ReLU after the addition")
        add = _producer(_inputs_of(last)[0])
        if not _is_add(add):
            raise CheckFailed(f"{case}: no addition right before the final ReLU: add the shortcut to the main path "
                              "(keras.layers.Add()([main, shortcut]), or main + shortcut)")
        variant = _check_paths(add, x, channels, filters, stride, case) or variant
    return ("1x1 reduce, 3x3, 1x1 expand to 4x; an identity shortcut when the shapes match, a projection otherwise. "
            f"{_STRIDE_PLACES[variant]} Both are in use.")


@exercise("A ReLU after the addition, on a stream that can be negative",
          hint="F(x) with all weights and biases at zero is 0 everywhere, so the block outputs relu(x + 0) = relu(x). "
               "What does relu do to the negative values of x?",
          solution='zero_block_output = "b"')
def q3(answer: Any) -> str:
    expect_letter(answer, "abc", {
        "a": "that holds only where x >= 0: relu(x + 0) = relu(x) sets x's negative values to 0, so the block is "
             "not the identity",
        "c": "the branch F(x) is 0, but the shortcut still adds x: relu(x + 0) = relu(x), which keeps x's "
             "positive values"})
    return ("relu(x + 0) = relu(x): x's negative values become 0. On a stream that can be negative, a ReLU after "
            "the addition keeps even a zeroed block from being the identity; the pre-activation block puts nothing "
            "after the addition.")


# Stretch: the signal left at depth 40 against depth 20

STRETCH_NOISE = 0.5  # in powers of ten: ratios within a factor of about 3 count as the same


@exercise("Stretch: how much signal is left at depth 40?",
          hint="For each seed: keras.utils.set_random_seed(seed); model = deep_cnn(40, residual=False); stds, _ = "
               "layer_by_layer(model); ratio = stds[-1] / stds[0]. Compare the medians' log10.",
          solution=(
              "deeper_ratios = []\n"
              "for seed in gradient_seeds:\n"
              "    keras.utils.set_random_seed(seed)\n"
              "    deeper_model = deep_cnn(40, residual=False)\n"
              "    deeper_stds, _ = layer_by_layer(deeper_model)\n"
              "    deeper_ratios.append(deeper_stds[-1] / deeper_stds[0])",
              "difference = np.log10(np.median(deeper_ratios)) - np.log10(np.median(plain_kept))\n"
              "deeper_verdict = 'higher' if difference > 0.5 else 'lower' if difference < -0.5 else 'about the same'\n"
              "\n"
              "ex.stretch.check(deeper_verdict, ratios=deeper_ratios, baseline=plain_kept, model=deeper_model)",
          ))
def stretch(conclusion: Any, *, ratios: Any = None, baseline: Any = None, model: Any = None) -> str:
    if ratios is None or ratios is Ellipsis or model is None or model is Ellipsis:
        raise CheckFailed("deeper_ratios and deeper_model are not set yet: run the cell above, which measures them")
    if not hasattr(model, "layers"):
        raise CheckFailed("deeper_model should be the Keras model deep_cnn(40, residual=False) returned")
    convolutions = sum(type(layer).__name__ == "Conv2D" for layer in model.layers)
    if any(type(layer).__name__ == "Add" for layer in model.layers):
        raise CheckFailed("deeper_model has shortcuts (Add layers): measure the plain network, residual=False")
    if convolutions != 41:
        raise CheckFailed(f"deeper_model has {convolutions - 1} convolution layers after the stem; the exercise asks "
                          "for depth 40: deep_cnn(40, residual=False)")
    if isinstance(ratios, (str, bytes)) or not hasattr(ratios, "__len__"):
        raise CheckFailed("deeper_ratios should be a list with one ratio per seed")
    values = [expect_measured(value, "each ratio in deeper_ratios") for value in ratios]
    if isinstance(baseline, (str, bytes)) or not hasattr(baseline, "__len__"):
        raise CheckFailed("pass baseline=plain_kept, section 2a's ratios at depth 20")
    reference = [expect_measured(value, "each of section 2a's ratios (plain_kept)") for value in baseline]
    if len(values) != len(reference):
        raise CheckFailed(f"deeper_ratios has {len(values)} ratios; measure one per seed in gradient_seeds "
                          f"({len(reference)})")
    if any(value <= 0 for value in values):
        raise CheckFailed("a ratio of standard deviations is positive: divide layer 40's output std by layer 1's")
    if any(value >= 1 for value in values):
        raise CheckFailed("a ratio is 1 or more: divide the LAST layer's output std (layer 40's) by layer 1's, "
                          "not the other way round; a plain Glorot network loses signal with depth")
    if np.allclose(values, reference, rtol=1e-6):
        raise CheckFailed("deeper_ratios equal section 2a's ratios at depth 20: build and measure the depth-40 "
                          "networks, deep_cnn(40, residual=False), one per seed")
    deeper, shallower = math.log10(float(np.median(values))), math.log10(float(np.median(reference)))
    said = expect_verdict(conclusion, deeper, shallower, STRETCH_NOISE,
                          "the median ratio's power of ten at depth 40")
    return (f"median signal kept {10 ** deeper:.2g} at depth 40 against {10 ** shallower:.2g} at depth 20: {said}. "
            "Each extra plain layer multiplies the signal by another factor below 1.")
