"""Exercises for notebook 03 (deeper CNN, validation, error analysis)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks import *

# Validation loss per epoch (epoch 1 first) for exercise 1.
VALIDATION_LOSS = [0.52, 0.41, 0.36, 0.34, 0.35, 0.33, 0.36, 0.38, 0.40]


@exercise("Which epoch's weights does EarlyStopping(patience=3, restore_best_weights=True) keep?",
          hint="Look for the lowest validation loss, then check that 3 epochs without improvement came after it.",
          solution="restored_epoch = 6  # lowest val_loss 0.33; epochs 7, 8, 9 worse -> stop, restore epoch 6")
def q1(answer: Any) -> str:
    expect_exact(expect_whole_number(answer, "an epoch number, counting from 1"), 6, {
        9: "that is where training stopped. restore_best_weights=True goes back to the best epoch",
        4: "after epoch 4 the loss rose once (epoch 5), but patience=3 allows 3 epochs without improvement, and "
           "epoch 6 improved again",
        5: "indices start at 0 in Python but epochs here count from 1: which epoch has the lowest loss?",
    }, "epoch {answer} is not it. Find the lowest validation loss")
    return "epoch 6 has the lowest validation loss (0.33); epochs 7-9 did not improve, so training stopped after 9."


_MATRIX = np.array([[50, 5, 5], [10, 80, 10], [0, 4, 36]])


@exercise("Write per_class_accuracy(matrix) for a confusion matrix (rows: true class)",
          hint="np.diag(matrix) holds the correct predictions; matrix.sum(axis=1) counts each true class.",
          solution="def per_class_accuracy(matrix):\n    return np.diag(matrix) / matrix.sum(axis=1)",
          callable_name="per_class_accuracy")
def q2(per_class_accuracy: Callable[[np.ndarray], Any]) -> str:
    result = np.asarray(call(per_class_accuracy, "per_class_accuracy", _MATRIX.copy()), dtype=float)
    expected = np.diag(_MATRIX) / _MATRIX.sum(axis=1)
    if result.shape != expected.shape:
        raise CheckFailed(f"return one value per class: shape {expected.shape}, not {result.shape}")
    if np.allclose(result, np.diag(_MATRIX) / _MATRIX.sum(axis=0)):
        raise CheckFailed(
            "you divided by column sums: that is precision (of everything predicted as a class, how much was "
            "right). Rows are the true classes: divide by row sums"
        )
    if np.allclose(result, np.diag(_MATRIX)):
        raise CheckFailed("those are counts. Divide each by the number of images of that true class")
    if not np.allclose(result, expected):
        raise CheckFailed(f"for the probe matrix you returned {result.round(3).tolist()}; expected "
                          f"{expected.round(3).tolist()}")
    return "diagonal / row sums: the share of each true class that was recognised (its recall)."


@exercise("How many parameters does BatchNormalization() have after a 64-filter Conv2D?",
          hint="Per channel: a learned scale (gamma), a learned shift (beta), and two running statistics.",
          solution="batchnorm_parameters = 4 * 64  # 256; model.summary() lists 128 of them as non-trainable")
def q3(answer: Any) -> str:
    expect_exact(expect_whole_number(answer, "a whole number of parameters"), 256, {
        128: "128 are the trainable ones (a scale and a shift per channel). BatchNormalization also keeps a moving "
             "mean and variance per channel, which count as non-trainable parameters",
        64: "each channel has more than one number: a scale, a shift, a moving mean, a moving variance",
    }, "{answer} is not it. Count 4 numbers per channel")
    return "4 x 64 = 256: gamma and beta are learned; the moving mean and variance are tracked, not trained."


STRETCH_NOISE = 0.01  # validation accuracy early in training moves by about a point from seed to seed


@exercise("Stretch: remove BatchNormalization and compare the first epochs",
          hint="Copy build_deeper_cnn; in each block keep Conv2D(filters, (3, 3), padding='same', activation='relu') "
               "and MaxPooling2D(2), drop BatchNormalization and the separate ReLU. Then compare the last validation "
               "accuracy of no_bn_history with section 4's at the same epoch.",
          solution=(
              "def build_no_batchnorm_cnn():\n"
              "    blocks = []\n"
              "    for filters in (16, 32, 64):\n"
              "        blocks += [keras.layers.Conv2D(filters, (3, 3), padding='same', activation='relu'),\n"
              "                   keras.layers.MaxPooling2D(2)]\n"
              "    return keras.Sequential([\n"
              "        keras.Input(shape=(28, 28, 1)),\n"
              "        keras.layers.Rescaling(1 / 255),\n"
              "        *blocks,\n"
              "        keras.layers.Flatten(),\n"
              "        keras.layers.Dropout(0.3),\n"
              "        keras.layers.Dense(128, activation='relu'),\n"
              "        keras.layers.Dense(10, activation='softmax'),\n"
              "    ])",
              "without = no_bn_history.history['val_accuracy']\n"
              "difference = without[-1] - history.history['val_accuracy'][len(without) - 1]\n"
              "no_bn_verdict = 'higher' if difference > 0.01 else 'lower' if difference < -0.01 else 'about the same'\n"
              "\n"
              "ex.stretch.check(no_bn_verdict, model=no_bn_model, history=no_bn_history, baseline_history=history)",
          ))
def stretch(conclusion: Any, *, model: Any = None, history: Any = None,
            baseline_history: Any = None) -> str:
    model = expect_model(model, "no_bn_model")
    layers = layer_types(model)
    if "BatchNormalization" in layers:
        raise CheckFailed("build_no_batchnorm_cnn still has BatchNormalization layers: leave them out of the blocks")
    convolutions = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"]
    if len(convolutions) != 3:
        raise CheckFailed(f"keep the three convolution blocks (16, 32, 64 filters); found {len(convolutions)} Conv2D")
    if not all(layer.use_bias for layer in convolutions):
        raise CheckFailed("the Conv2D layers still have use_bias=False. That was right only because "
                          "BatchNormalization adds its own shift; without it, give the convolutions their bias back")
    if history is None or baseline_history is None:
        raise CheckFailed("no_bn_history is None: run the cell that trains the model without BatchNormalization")
    epochs = len(history.history["val_accuracy"])
    if len(baseline_history.history["val_accuracy"]) < epochs:
        raise CheckFailed("compare with section 4's history, which must have at least as many epochs")
    without = expect_measured(history.history["val_accuracy"][-1], "the validation accuracy without BatchNorm")
    with_bn = expect_measured(baseline_history.history["val_accuracy"][epochs - 1], "section 4's validation accuracy")
    said = expect_verdict(conclusion, without, with_bn, STRETCH_NOISE,
                          f"validation accuracy without BatchNormalization after epoch {epochs}")
    return (f"after epoch {epochs}: {without:.4f} without BatchNormalization, {with_bn:.4f} with it: {said}. "
            f"One seed and {epochs} epoch{'s' if epochs > 1 else ''} show the early effect only; rerun with "
            "COURSE_SEED set to another number to see how much of the gap is noise.")
