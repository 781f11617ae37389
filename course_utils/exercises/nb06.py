"""Exercises for notebook 06 (MNIST with callbacks)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from course_utils.checks import *

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


@exercise("Write the callback StopAtValidationLoss(threshold)",
          hint="Copy StopAtValidationAccuracy: read logs['val_loss'] and stop when it is <= the threshold.",
          solution="class StopAtValidationLoss(keras.callbacks.Callback):\n"
                   "    def __init__(self, threshold):\n"
                   "        super().__init__()\n"
                   "        self.threshold = threshold\n\n"
                   "    def on_epoch_end(self, epoch, logs=None):\n"
                   "        if logs['val_loss'] <= self.threshold:\n"
                   "            self.model.stop_training = True",
          callable_name="StopAtValidationLoss")
def q1(callback_class: Any) -> str:
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
    expect_exact(stopped, 4, {5: "it stopped one epoch late: 0.049 is already below 0.05"},
                 "it stopped after epoch {answer}; expected 4 (the first val_loss <= 0.05)")
    if _run_epochs(callback_class(0.05), [0.3, 0.05]) != 2:
        raise CheckFailed("a validation loss exactly equal to the threshold should stop training (use <=)")
    # A second threshold: a callback that ignores its own threshold (a hard-coded 0.05) stops at the wrong epoch.
    for threshold, expected in ((0.2, 2), (0.01, None)):
        stopped = _run_epochs(callback_class(threshold), _VAL_LOSSES)
        if stopped != expected:
            raise CheckFailed(f"with threshold {threshold} it stopped after epoch {stopped}, expected "
                              f"{expected or 'never'}: compare with self.threshold, the value passed to __init__, "
                              "not a fixed number")
    return "it stops after the first epoch whose val_loss is at or below the threshold."


_MATRIX = np.array(
    [
        [50, 1, 0, 2],
        [0, 45, 7, 0],
        [1, 3, 40, 0],
        [9, 0, 0, 48],
    ]
)


@exercise("Write most_confused_pair(matrix) returning (true_class, predicted_class)",
          hint="Copy the matrix, np.fill_diagonal(copy, 0), then np.unravel_index(np.argmax(copy), copy.shape).",
          solution="def most_confused_pair(matrix):\n"
                   "    errors = np.array(matrix, copy=True)\n"
                   "    np.fill_diagonal(errors, 0)\n"
                   "    true_class, predicted_class = np.unravel_index(np.argmax(errors), errors.shape)\n"
                   "    return int(true_class), int(predicted_class)",
          callable_name="most_confused_pair")
def q2(most_confused_pair: Any) -> str:
    probe = _MATRIX.copy()
    got = call(most_confused_pair, "most_confused_pair", probe)
    if not np.array_equal(probe, _MATRIX):
        raise CheckFailed("most_confused_pair changed the matrix it was given (its diagonal is now zero): the "
                          "notebook's own matrix would lose its correct predictions. Work on a copy: "
                          "errors = matrix.copy()")
    pair = expect_whole_numbers(got, "(true_class, predicted_class)")
    if len(pair) != 2:
        raise CheckFailed(f"return two numbers (true_class, predicted_class), not {len(pair)}")
    expect_exact(pair, (3, 0), {
        (0, 0): "(0, 0) is a correct prediction: the diagonal holds the right answers. Zero it first",
        (0, 3): "that is (predicted, true): rows are the true class, columns the prediction",
    }, "{answer} is not the largest off-diagonal count in the test matrix")
    other = np.eye(5, dtype=int) * 100
    other[2, 4] = 6
    second = expect_whole_numbers(call(most_confused_pair, "most_confused_pair", other),
                                  "(true_class, predicted_class)")
    if second != (2, 4):
        raise CheckFailed(f"on a 5x5 matrix you returned {second}; expected (2, 4). Do not hard-code sizes")
    return "zero the diagonal, then np.unravel_index(np.argmax(...)) gives (row, column) = (true, predicted)."


STOPS = ("earlier", "later", "at the same epoch")


@exercise("Stretch: stop a real run on validation loss, and compare with the accuracy target",
          hint="For loss_target, take a value a little above section 4's last val_loss, e.g. 1.2 * "
               "history.history['val_loss'][-1]. Then read the printed epochs: after which epoch did the loss run "
               "stop, and after which did section 4's run (epochs_run)? Fewer epochs is 'earlier'.",
          solution=(
              "loss_target = 1.2 * history.history['val_loss'][-1]  # a little above the loss section 4's run stopped at",  # noqa: E501 - a line of the solution's code
              "loss_epochs = len(loss_history.history['val_loss'])\n"
              "loss_stops = ('earlier' if loss_epochs < epochs_run else 'later' if loss_epochs > epochs_run\n"
              "              else 'at the same epoch')\n"
              "\n"
              "ex.stretch.check(loss_stops, callback=stop_on_loss, history=loss_history, accuracy_epochs=epochs_run)",
          ))
def stretch(conclusion: Any, *, callback: Any = None, history: Any = None,
            accuracy_epochs: Any = None) -> str:
    if callback is None or history is None:
        raise CheckFailed("loss_history is None: run the cell that trains with your StopAtValidationLoss first")
    threshold = expect_number(getattr(callback, "threshold", None), "the callback's threshold (self.threshold)")
    val_losses = [float(loss) for loss in history.history["val_loss"]]
    reached = [epoch for epoch, loss in enumerate(val_losses, start=1) if loss <= threshold]
    if not reached:
        raise CheckFailed(f"val_loss never reached {threshold} in {len(val_losses)} epochs, so nothing stopped the "
                          "run but the epoch limit. Choose a higher loss_target from the printed val_loss values")
    if len(val_losses) != reached[0]:
        raise CheckFailed(f"the run lasted {len(val_losses)} epochs, but val_loss first reached {threshold} at epoch "
                          f"{reached[0]}: your callback did not stop where it should. Recheck exercise 1")
    accuracy_epochs = expect_whole_number(accuracy_epochs, "epochs_run")
    said = expect_choice(conclusion, STOPS, "when the loss rule stopped, compared with the accuracy rule")
    stopped = reached[0]
    actual = "earlier" if stopped < accuracy_epochs else "later" if stopped > accuracy_epochs else STOPS[2]
    if said != actual:
        raise CheckFailed(f"your run says {actual!r}: the loss rule stopped after epoch {stopped}, the accuracy "
                          f"rule of section 4 after epoch {accuracy_epochs}")
    return (f"stopping on val_loss <= {threshold:.4g} ended after epoch {stopped}, section 4's run after epoch "
            f"{accuracy_epochs}. Both are targets you choose; which fires first depends on the numbers you pick, "
            "and the loss, which also measures confidence, can keep improving after the accuracy has levelled off.")
