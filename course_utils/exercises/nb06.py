"""Exercises for notebook 06 (MNIST with callbacks)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from course_utils.checks import CheckFailed, Exercise, expect_function, expect_returned, expect_whole_numbers

_VAL_LOSSES = [0.30, 0.12, 0.061, 0.049, 0.05]  # the threshold 0.05 is first reached at epoch 4 (index 3)


def _run_epochs(callback: Any, val_losses: list[float], train_loss: float = 0.9) -> int | None:
    """Feed ``on_epoch_end`` like ``fit`` does; return the 1-based epoch after which it asked to stop."""
    model = SimpleNamespace(stop_training=False)
    callback.set_model(model)
    for epoch, val_loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"loss": train_loss, "val_loss": val_loss})
        if model.stop_training:
            return epoch + 1
    return None


def _verify_stop_callback(callback_class: Any) -> str:
    if not isinstance(callback_class, type):
        raise CheckFailed("pass the class itself (StopAtValidationLoss), not an instance or a call's result")
    try:
        import keras
    except ImportError:  # pragma: no cover - the course always has Keras
        keras = None
    if keras is not None and not issubclass(callback_class, keras.callbacks.Callback):
        raise CheckFailed("subclass keras.callbacks.Callback, so that fit() can call it")
    try:
        callback = callback_class(0.05)
    except TypeError as error:
        raise CheckFailed(f"StopAtValidationLoss(0.05) failed ({error}): take the threshold in __init__ "
                          "and call super().__init__()") from None
    if _run_epochs(callback, [0.3, 0.2], train_loss=0.01) is not None:
        if _run_epochs(callback_class(0.05), [0.3, 0.2], train_loss=0.9) is not None:
            raise CheckFailed("it stopped while val_loss (0.3) was above the threshold: stop when val_loss <= "
                              "threshold (lower is better for a loss)")
        raise CheckFailed("it reacted to the *training* loss. Read logs['val_loss'], not logs['loss']")
    stopped = _run_epochs(callback_class(0.05), _VAL_LOSSES)
    if stopped is None:
        raise CheckFailed("with validation losses 0.30, 0.12, 0.061, 0.049 it never stopped: set "
                          "self.model.stop_training = True in on_epoch_end when logs['val_loss'] <= threshold")
    if stopped == 5:
        raise CheckFailed("it stopped one epoch late: 0.049 is already below 0.05")
    if stopped != 4:
        raise CheckFailed(f"it stopped after epoch {stopped}; expected 4 (the first val_loss <= 0.05)")
    if _run_epochs(callback_class(0.05), [0.3, 0.05]) != 2:
        raise CheckFailed("a validation loss exactly equal to the threshold should stop training (use <=)")
    return "it stops after the first epoch whose val_loss is at or below the threshold."


q1 = Exercise(
    "Write the callback StopAtValidationLoss(threshold)",
    _verify_stop_callback,
    hint="Copy StopAtValidationAccuracy: read logs['val_loss'] and stop when it is <= the threshold.",
    solution=(
        "class StopAtValidationLoss(keras.callbacks.Callback):\n"
        "    def __init__(self, threshold):\n"
        "        super().__init__()\n"
        "        self.threshold = threshold\n\n"
        "    def on_epoch_end(self, epoch, logs=None):\n"
        "        if logs['val_loss'] <= self.threshold:\n"
        "            self.model.stop_training = True"
    ),
)

_MATRIX = np.array(
    [
        [50, 1, 0, 2],
        [0, 45, 7, 0],
        [1, 3, 40, 0],
        [9, 0, 0, 48],
    ]
)


def _verify_most_confused(most_confused_pair: Any) -> str:
    expect_function(most_confused_pair, "most_confused_pair")
    got = expect_returned(most_confused_pair(_MATRIX.copy()), "most_confused_pair")
    pair = expect_whole_numbers(got, "(true_class, predicted_class)")
    if len(pair) != 2:
        raise CheckFailed(f"return two numbers (true_class, predicted_class), not {len(pair)}")
    if pair == (0, 0):
        raise CheckFailed("(0, 0) is a correct prediction: the diagonal holds the right answers. Zero it first")
    if pair == (0, 3):
        raise CheckFailed("that is (predicted, true): rows are the true class, columns the prediction")
    if pair != (3, 0):
        raise CheckFailed(f"{pair} is not the largest off-diagonal count in the test matrix")
    other = np.eye(5, dtype=int) * 100
    other[2, 4] = 6
    second = expect_whole_numbers(expect_returned(most_confused_pair(other), "most_confused_pair"),
                                  "(true_class, predicted_class)")
    if second != (2, 4):
        raise CheckFailed(f"on a 5x5 matrix you returned {second}; expected (2, 4). Do not hard-code sizes")
    return "zero the diagonal, then np.unravel_index(np.argmax(...)) gives (row, column) = (true, predicted)."


q2 = Exercise(
    "Write most_confused_pair(matrix) returning (true_class, predicted_class)",
    _verify_most_confused,
    hint="Copy the matrix, np.fill_diagonal(copy, 0), then np.unravel_index(np.argmax(copy), copy.shape).",
    solution=(
        "def most_confused_pair(matrix):\n"
        "    errors = np.array(matrix, copy=True)\n"
        "    np.fill_diagonal(errors, 0)\n"
        "    true_class, predicted_class = np.unravel_index(np.argmax(errors), errors.shape)\n"
        "    return int(true_class), int(predicted_class)"
    ),
)
