"""Exercises for notebook 02 (first CNN)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks import *


@exercise("Count the parameters of Conv2D(32, (5, 5)) on 32x32 RGB images",
          hint="One filter has kernel_height x kernel_width x input_channels weights and one bias. How many filters?",
          solution="conv_parameters = 5 * 5 * 3 * 32 + 32  # 2,432")
def q1(answer: Any) -> str:
    weights, biases = 5 * 5 * 3 * 32, 32
    expect_exact(expect_whole_number(answer, "a whole number of parameters"), weights + biases, {
        weights: "that counts the weights only. Each of the 32 filters also has one bias",
        5 * 5 * 32 + 32: "each filter spans all 3 colour channels: it has 5 x 5 x 3 weights, not 5 x 5",
        5 * 5 * 3 + 1: "that is one filter. The layer has 32 of them",
        32 * 32 * 3 * 32 + 32: "a filter's weights depend on the kernel size (5x5), not on the image size",
    }, "{answer} is not it. Weights per filter: kernel height x width x input channels")
    return f"5 x 5 x 3 x 32 weights + 32 biases = {weights + biases:,}, whatever the image size."


@exercise("Shape after Conv2D(64, 3) -> MaxPooling2D(2) -> Conv2D(64, 3) -> MaxPooling2D(2) on (32, 32, 1)",
          hint="A valid 3x3 convolution removes 2 pixels from height and "
               "width; 2x2 pooling halves them, rounding down.",
          solution="feature_shape = (6, 6, 64)  # 32 -> 30 -> 15 -> 13 -> 6")
def q2(answer: Any) -> str:
    shape = expect_feature_shape(answer)
    if shape[:2] == (6, 6) and shape[2] != 64:
        raise CheckFailed("the height and width are right; the channels are the second Conv2D's filter count")
    expect_exact(shape, (6, 6, 64), {
        (8, 8, 64): "8x8 would need padding='same'. Each valid 3x3 convolution first removes 2 pixels",
        (7, 7, 64): "pooling 13 by 2 gives 6 (floor of 6.5), not 7: a 2x2 window needs 2 rows",
        (5, 5, 64): "that is the 28x28 model's shape, which model.summary() printed. Start from 32 here",
    }, "{answer} is not it. Go layer by layer: 32 -> conv -> pool -> conv -> pool")
    return "32 -> 30 -> 15 -> 13 -> 6, with 64 channels: Flatten would see 6 x 6 x 64 = 2,304 values."


_BATCH = np.arange(3 * 28 * 28, dtype=np.float32).reshape(3, 28, 28)


@exercise("Write add_channel_axis(images) for Conv2D",
          hint="images[..., np.newaxis] (or np.expand_dims(images, -1)) adds a length-1 axis at the end.",
          solution="def add_channel_axis(images):\n    return images[..., np.newaxis]",
          callable_name="add_channel_axis")
def q3(add_channel_axis: Callable[[np.ndarray], Any]) -> str:
    result = np.asarray(call(add_channel_axis, "add_channel_axis", _BATCH.copy()))
    expect_exact(result.shape, (3, 28, 28, 1), {
        (3, 1, 28, 28): "(N, 1, 28, 28) is channels-first. Keras expects channels last: (N, 28, 28, 1)",
        (3, 28 * 28): "that flattens the images, the opposite of what Conv2D needs",
    }, "for a batch shaped (3, 28, 28) you returned {answer}; expected (3, 28, 28, 1)")
    if not np.array_equal(result[..., 0], _BATCH):
        raise CheckFailed("the shape is right but the pixels moved. Add an axis; do not reorder values")
    try:
        other = np.asarray(add_channel_axis(np.zeros((5, 28, 28), dtype=np.float32)))
    except ValueError:
        other = None
    if other is None or other.shape != (5, 28, 28, 1):
        found = "an error" if other is None else other.shape
        raise CheckFailed(f"for 5 images you returned {found}. Do not hard-code the number of images")
    return "(N, 28, 28) -> (N, 28, 28, 1): one grey channel, channels last."


STRETCH_NOISE = 0.05  # the share of accuracy kept on shifted images moves by a few points from seed to seed


def expect_gap_model(model: Any, name: str) -> Any:
    """Fail unless ``model`` is build_first_cnn with Flatten and Dense(128) replaced by GlobalAveragePooling2D."""
    model = expect_model(model, name)
    layers = layer_types(model)
    if "Flatten" in layers:
        raise CheckFailed(f"{name} still has a Flatten layer: replace Flatten and Dense(128) with "
                          "GlobalAveragePooling2D()")
    if "GlobalAveragePooling2D" not in layers:
        raise CheckFailed(f"{name} has no GlobalAveragePooling2D layer: put one after the last MaxPooling2D")
    if layers.count("Conv2D") != 2 or tuple(model.output_shape) != (None, 10):
        raise CheckFailed(f"change the head only: keep the two Conv2D blocks of build_first_cnn and end with "
                          f"Dense(10); found {layers}")
    return model


@exercise("Stretch: replace Flatten with GlobalAveragePooling2D and re-run the shift test",
          hint="Copy build_first_cnn, replace Flatten() and Dense(128) with keras.layers.GlobalAveragePooling2D(), "
               "keep Dense(10, softmax). Then compare stretch_results['GAP']['kept'] with "
               "stretch_results['Flatten']['kept'].",
          solution=(
              "def build_gap_cnn():\n"
              "    return keras.Sequential([\n"
              "        keras.Input(shape=(28, 28, 1)),\n"
              "        keras.layers.Rescaling(1 / 255),\n"
              "        keras.layers.Conv2D(64, (3, 3), activation='relu'),\n"
              "        keras.layers.MaxPooling2D(2),\n"
              "        keras.layers.Conv2D(64, (3, 3), activation='relu'),\n"
              "        keras.layers.MaxPooling2D(2),\n"
              "        keras.layers.GlobalAveragePooling2D(),\n"
              "        keras.layers.Dense(10, activation='softmax'),\n"
              "    ])",
              "difference = stretch_results['GAP']['kept'] - stretch_results['Flatten']['kept']\n"
              "gap_verdict = 'higher' if difference > 0.05 else 'lower' if difference < -0.05 else 'about the same'\n"
              "\n"
              "ex.stretch.check(gap_verdict, results=stretch_results)",
          ))
def stretch(conclusion: Any, *, results: Any = None) -> str:
    if results is None:
        raise CheckFailed("stretch_results is None: run the cell that trains both models first")
    if not isinstance(results, dict) or set(results) != {"Flatten", "GAP"}:
        raise CheckFailed("pass results=stretch_results, the dict the training cell fills for 'Flatten' and 'GAP'")
    model = expect_gap_model(results["GAP"]["model"], "build_gap_cnn")
    kept = {name: expect_measured(run["shifted"], f"{name} shifted accuracy")
            / expect_measured(run["accuracy"], f"{name} accuracy") for name, run in results.items()}
    said = expect_verdict(conclusion, kept["GAP"], kept["Flatten"], STRETCH_NOISE,
                          "the share of its accuracy the GAP model keeps")
    return (f"the GAP model keeps {kept['GAP']:.0%} of its accuracy on shifted images, the Flatten model "
            f"{kept['Flatten']:.0%}: {said}. It has {model.count_params():,} parameters: the Dense(128) that read "
            "1,600 positions is gone. Data augmentation is the other remedy.")
