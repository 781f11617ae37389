"""Exercises for notebook 03 (deeper CNN, validation, error analysis)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks import CheckFailed, Exercise, expect_function, expect_returned, expect_whole_number

# Validation loss per epoch (epoch 1 first) for exercise 1.
VALIDATION_LOSS = [0.52, 0.41, 0.36, 0.34, 0.35, 0.33, 0.36, 0.38, 0.40]


def _verify_restored_epoch(answer: Any) -> str:
    answer = expect_whole_number(answer, "an epoch number, counting from 1")
    if answer == 9:
        raise CheckFailed("that is where training stopped. restore_best_weights=True goes back to the best epoch")
    if answer == 4:
        raise CheckFailed(
            "after epoch 4 the loss rose once (epoch 5), but patience=3 allows 3 epochs without improvement, "
            "and epoch 6 improved again"
        )
    if answer == 5:
        raise CheckFailed("indices start at 0 in Python but epochs here count from 1: which epoch has the lowest loss?")
    if answer != 6:
        raise CheckFailed(f"epoch {answer} is not it. Find the lowest validation loss")
    return "epoch 6 has the lowest validation loss (0.33); epochs 7-9 did not improve, so training stopped after 9."


q1 = Exercise(
    "Which epoch's weights does EarlyStopping(patience=3, restore_best_weights=True) keep?",
    _verify_restored_epoch,
    hint="Look for the lowest validation loss, then check that 3 epochs without improvement came after it.",
    solution="restored_epoch = 6  # lowest val_loss 0.33; epochs 7, 8, 9 worse -> stop, restore epoch 6",
)

_MATRIX = np.array([[50, 5, 5], [10, 80, 10], [0, 4, 36]])


def _verify_per_class_accuracy(per_class_accuracy: Callable[[np.ndarray], Any]) -> str:
    expect_function(per_class_accuracy, "per_class_accuracy")
    result = per_class_accuracy(_MATRIX.copy())
    expect_returned(result, "per_class_accuracy")
    result = np.asarray(result, dtype=float)
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


q2 = Exercise(
    "Write per_class_accuracy(matrix) for a confusion matrix (rows: true class)",
    _verify_per_class_accuracy,
    hint="np.diag(matrix) holds the correct predictions; matrix.sum(axis=1) counts each true class.",
    solution="def per_class_accuracy(matrix):\n    return np.diag(matrix) / matrix.sum(axis=1)",
)


def _verify_batchnorm_parameters(answer: Any) -> str:
    answer = expect_whole_number(answer, 'a whole number of parameters')
    if answer == 128:
        raise CheckFailed(
            "128 are the trainable ones (a scale and a shift per channel). BatchNormalization also keeps a "
            "moving mean and variance per channel, which count as non-trainable parameters"
        )
    if answer == 64:
        raise CheckFailed("each channel has more than one number: a scale, a shift, a moving mean, a moving variance")
    if answer != 256:
        raise CheckFailed(f"{answer} is not it. Count 4 numbers per channel")
    return "4 x 64 = 256: gamma and beta are learned; the moving mean and variance are tracked, not trained."


q3 = Exercise(
    "How many parameters does BatchNormalization() have after a 64-filter Conv2D?",
    _verify_batchnorm_parameters,
    hint="Per channel: a learned scale (gamma), a learned shift (beta), and two running statistics.",
    solution="batchnorm_parameters = 4 * 64  # 256; model.summary() lists 128 of them as non-trainable",
)
