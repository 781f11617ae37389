"""Exercises for notebook 09 (data augmentation and global pooling)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks import *

AUGMENTATIONS = ("translation", "rotation", "zoom", "horizontal flip", "vertical flip")
_DIGIT_SAFE = {"translation", "rotation", "zoom"}


@exercise("Which augmentations keep every MNIST digit's label?",
          hint="For each one, picture a 2, a 6 and a 7 after it. Is it still the same digit?",
          solution='digit_augmentations = {"translation", "rotation", "zoom"}')
def q1(answer: Any) -> str:
    if isinstance(answer, str):
        answer = {answer}
    if not isinstance(answer, (set, frozenset, list, tuple)):
        raise CheckFailed(f"give a set of names, e.g. {{'translation', 'zoom'}}, not {type(answer).__name__}")
    chosen = {expect_choice(name, AUGMENTATIONS, "each augmentation") for name in answer}
    flips = sorted(chosen & {"horizontal flip", "vertical flip"})
    if flips:
        why = {"horizontal flip": "a horizontal flip mirrors a 2, 3, 4, 7 or 9 into a shape that is no digit",
               "vertical flip": "a vertical flip turns a 7 or a 4 into no digit and a 6 into a backwards 9 (a 6 "
                                "becomes a 9 only by a half turn, far beyond a small rotation)"}
        raise CheckFailed(f"{' and '.join(flips)} can change a digit's meaning: {'; '.join(why[f] for f in flips)}. "
                          "Keep only transformations that never change the label")
    missing = sorted(_DIGIT_SAFE - chosen)
    if missing:
        raise CheckFailed(f"you left out {', '.join(missing)}: a digit moved, turned a little or zoomed a little is "
                          "still the same digit, so it is a safe augmentation")
    return ("small moves, turns and zooms keep every digit's label; flips do not. Notebook 06's digits would gain "
            "from the first three, not from a flip.")


@exercise("Parameters of GlobalAveragePooling2D -> Dense(10) after 128 feature maps",
          hint="GlobalAveragePooling2D turns each of the 128 maps into one "
               "number and learns nothing. Then count Dense(10).",
          solution="gap_head_parameters = 128 * 10 + 10  # 1,290")
def q2(answer: Any) -> str:
    expect_exact(expect_whole_number(answer, "a whole number of parameters"), 128 * 10 + 10, {
        128 * 10: "that counts the weights only. Dense(10) also has one bias per output",
        3 * 3 * 128 * 10 + 10: "that is Flatten -> Dense(10): 3 x 3 x 128 inputs. GlobalAveragePooling2D hands on "
                               "one number per map, 128 in all",
        64 * 10 + 10: "that is for 64 maps, as in section 6's blocks. This block ends with 128",
        0: "GlobalAveragePooling2D has no parameters, but the Dense(10) after it has",
    }, "{answer} is not it. GlobalAveragePooling2D gives 128 numbers; Dense(10) has a weight for each input per "
       "output, plus a bias per output")
    return ("GlobalAveragePooling2D has no parameters and gives 128 averages; Dense(10) has 128 x 10 + 10 = 1,290, "
            "whatever the size of the maps: doubling the filters only doubles the head.")


_BATCH = np.arange(3 * 4 * 5, dtype=np.float32).reshape(3, 4, 5)


@exercise("Write half_turn(images): turn every image of a batch (N, height, width) by 180 degrees",
          hint="Slicing with ::-1 reverses an axis. A half turn reverses two of the three axes: which two?",
          solution="def half_turn(images):\n    return images[:, ::-1, ::-1]",
          callable_name="half_turn")
def q3(half_turn: Callable[[np.ndarray], Any]) -> str:
    given = _BATCH.copy()
    result = call(half_turn, "half_turn", given)
    if not np.array_equal(given, _BATCH):
        raise CheckFailed("half_turn changed the array it was given. Return a new (or view) array; leave the input "
                          "as it is")
    result = np.asarray(result)
    if result.shape != _BATCH.shape:
        raise CheckFailed(f"for a batch shaped {_BATCH.shape} you returned shape {result.shape}; the shape must "
                          "not change (a quarter turn would swap height and width; a half turn does not)")
    reject_arrays(result, [
        (_BATCH[:, :, ::-1], "that mirrors left to right only (section 3's flip). A half turn also turns each image "
                             "upside down: reverse the rows too"),
        (_BATCH[:, ::-1, :], "that flips top to bottom only. A half turn also mirrors left to right: reverse the "
                             "columns too"),
        (np.rot90(_BATCH, 2), "np.rot90 turns the first two axes by default, here the batch and the height. Give "
                              "the image axes: np.rot90(images, 2, axes=(1, 2))"),
        (_BATCH[::-1, ::-1, ::-1], "each image is turned, but the images are also in reverse order. Leave the batch "
                                   "axis, the first, alone"),
    ])
    if not np.array_equal(result, _BATCH[:, ::-1, ::-1]):
        raise CheckFailed("the result is not each image turned by 180 degrees. Reverse the height and the width "
                          "axes, and only those")
    return ("images[:, ::-1, ::-1] reverses both image axes: a half turn is a vertical flip and a horizontal flip "
            "together. It turns a 6 into a 9, which is why exercise 1 keeps rotations small.")


STRETCH_NOISE = 0.02  # one seed moves the shifted accuracy by about this much (docs/results.md, section 7's sd)


@exercise("Stretch: global pooling and augmentation together",
          hint="build_cnn('gap', shift_augmentation()) is the whole model. Then compare stretch_run['shifted'] with "
               "stretch_run['baseline shifted'], within ±0.02.",
          solution=(
              "def build_gap_augmented():\n"
              "    return build_cnn('gap', shift_augmentation())",
              "difference = stretch_run['shifted'] - stretch_run['baseline shifted']\n"
              "both_verdict = 'higher' if difference > 0.02 else 'lower' if difference < -0.02 else 'about the same'\n"
              "\n"
              "ex.stretch.check(both_verdict, run=stretch_run)",
          ))
def stretch(conclusion: Any, *, run: Any = None) -> str:
    if run is None:
        raise CheckFailed("stretch_run is None: run the cell that trains build_gap_augmented() first")
    if not isinstance(run, dict) or not {"model", "shifted", "baseline shifted"} <= set(run):
        raise CheckFailed("pass run=stretch_run, the dict the training cell fills")
    model = expect_model(run["model"], "the GAP + shifts model")
    layers = layer_types(model)
    if "Flatten" in layers or "GlobalAveragePooling2D" not in layers:
        raise CheckFailed(f"the model should end with the GAP head (GlobalAveragePooling2D -> Dense(10)), no "
                          f"Flatten; found {layers}. build_cnn('gap', ...) builds it")
    if "RandomTranslation" not in layers:
        raise CheckFailed("the model has no RandomTranslation layer: pass shift_augmentation() to build_cnn")
    if layers.index("RandomTranslation") > layers.index("Conv2D"):
        raise CheckFailed("the augmentation must come before the first Conv2D, right after the input")
    shifted = expect_measured(run["shifted"], "the shifted accuracy")
    baseline = expect_measured(run["baseline shifted"], "the GAP model's shifted accuracy")
    said = expect_verdict(conclusion, shifted, baseline, STRETCH_NOISE, "GAP + shifts on shifted images")
    return (f"{shifted:.4f} against {baseline:.4f} for GAP alone: {said}. Both remedies target position; your "
            "numbers say whether they add up. Compare with section 7's Flatten + shifts too.")
