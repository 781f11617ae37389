"""Exercises for notebook 01 (dense baseline on Fashion-MNIST)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks import *
from course_utils.data import FASHION_CLASS_NAMES


@exercise("Count the parameters of a Dense(256) hidden layer after Flatten",
          hint="Flatten turns 28x28 into how many inputs? Each unit has one weight per input, plus one bias.",
          solution="dense_parameters = 28 * 28 * 256 + 256  # 200,960")
def q1(answer: Any) -> str:
    weights, biases = 28 * 28 * 256, 256
    inputs = "every one of the 784 inputs connects to every one of the 256 units"
    expect_exact(expect_whole_number(answer, "a whole number of parameters"), weights + biases, {
        weights: "that counts the weights only. Each of the 256 units also has one bias",
        28 * 28: inputs, 256: inputs,
        28 * 28 * 128 + 128: "that is the baseline's Dense(128), which model.summary() printed. This layer has 256 "
                             "units: count again with 256",
        weights + biases + 256 * 10 + 10: "that is the whole model. The question asks for the Dense(256) layer only",
    }, "{answer} is not it. Count inputs x units, then add one bias per unit")
    return f"784 x 256 weights + 256 biases = {weights + biases:,} parameters: twice the units, twice the weights."


# Probabilities for three images whose most likely classes are 9, 2 and 1.
_PROBABILITIES = np.full((3, 10), 0.02, dtype=np.float32)
_PROBABILITIES[[0, 1, 2], [9, 2, 1]] = 0.82


@exercise("Turn probabilities into class names",
          hint="probabilities.argmax(axis=1) gives one class number per image; index class_names with each.",
          solution="def predicted_class_names(probabilities):\n"
                   "    return [class_names[i] for i in probabilities.argmax(axis=1)]",
          callable_name="predicted_class_names")
def q2(predicted_class_names: Callable[[np.ndarray], Any]) -> str:
    names = list(call(predicted_class_names, "predicted_class_names", _PROBABILITIES.copy()))
    if len(names) == 10:
        raise CheckFailed("you returned 10 names for 3 images: take argmax along axis=1 (per image), not axis=0")
    if len(names) != 3:
        raise CheckFailed(f"for 3 images you returned {len(names)} items; return one name per image")
    if any(isinstance(n, (int, np.integer)) for n in names):
        raise CheckFailed(f"you returned class numbers {names}; look each one up in class_names")
    if any(isinstance(n, (float, np.floating)) for n in names):
        raise CheckFailed("you returned probabilities; argmax gives the position of the largest one, not its value")
    expected = [FASHION_CLASS_NAMES[i] for i in (9, 2, 1)]
    if names != expected:
        raise CheckFailed(f"for the probe images you returned {names}; expected {expected}")
    return "argmax along axis 1 picks each image's most probable class."


_PROBE_ROW = np.array([[-2.0, -0.5, 0.0, 1.0, 3.0]], dtype="float32")


def _behaves_as(function: Callable[[Any], Any]) -> str:
    """Name an activation by what it computes, so 'relu', tf.nn.relu, ReLU() and Activation('relu') all agree."""
    try:
        out = np.asarray(function(_PROBE_ROW), dtype="float64")
    except Exception:  # noqa: BLE001 - an odd activation is named, not a crash
        return getattr(function, "__name__", type(function).__name__)
    softmax = np.exp(_PROBE_ROW - _PROBE_ROW.max()) / np.exp(_PROBE_ROW - _PROBE_ROW.max()).sum()
    for name, expected in (("relu", np.maximum(_PROBE_ROW, 0)), ("softmax", softmax), ("no activation", _PROBE_ROW)):
        if out.shape == expected.shape and np.allclose(out, expected, atol=1e-6):
            return name
    return getattr(function, "__name__", type(function).__name__)


def _effective_activations(model: Any, keras: Any) -> list[str]:
    """Per Dense layer, the non-linearity applied to its output: its own activation, or the layer right after it."""
    found: list[str] = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            found.append(_behaves_as(layer.activation))
        elif found and found[-1] == "no activation" and not isinstance(layer, keras.layers.Dropout):
            found[-1] = _behaves_as(layer)  # Dense(64) followed by ReLU() or Activation("relu")
    return found


@exercise("Build the baseline with a 64-unit hidden layer",
          hint="Copy the baseline's keras.Sequential([...]) and change one number.",
          solution="small_model = keras.Sequential([\n"
                   "    keras.Input(shape=(28, 28)),\n"
                   "    keras.layers.Flatten(),\n"
                   "    keras.layers.Dense(64, activation='relu'),\n"
                   "    keras.layers.Dense(10, activation='softmax'),\n"
                   "])")
def q3(model: Any) -> str:
    import keras

    if not isinstance(model, keras.Model):
        raise CheckFailed(f"expected a keras model (keras.Sequential([...])), got {type(model).__name__}")
    try:
        output_shape = tuple(model.output_shape)
    except (AttributeError, ValueError):
        raise CheckFailed(
            "the model does not know its input shape yet. Start the list with keras.Input(shape=(28, 28))"
        ) from None
    if tuple(model.input_shape) != (None, 28, 28):
        raise CheckFailed(f"the input shape is {model.input_shape}; Fashion-MNIST images are (28, 28)")
    if output_shape != (None, 10):
        hint = " Did you forget Flatten?" if len(output_shape) > 2 else ""
        raise CheckFailed(f"the output shape is {output_shape}; it must be (None, 10), one score per class.{hint}")
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    hidden = [layer.units for layer in dense[:-1]]
    if hidden != [64]:
        raise CheckFailed(f"the hidden Dense layers have {hidden} units; the exercise asks for one with 64")
    activations = _effective_activations(model, keras)
    if activations[0] != "relu":
        raise CheckFailed(f"the hidden layer uses {activations[0]}; use activation='relu'")
    if activations[-1] != "softmax":
        raise CheckFailed(
            f"the output layer uses {activations[-1]}; use activation='softmax' so the 10 outputs are probabilities"
        )
    return f"{model.count_params():,} parameters, about half of the 128-unit model's."


STRETCH_NOISE = 0.005  # one seed moves the baseline's test accuracy by about this much (docs/results.md)


@exercise("Stretch: does a second hidden layer help the dense baseline?",
          hint="Copy build_dense_baseline and add keras.layers.Dense(128, activation='relu') after the first one. Then "
               "subtract: deeper_accuracy - test_accuracy, and compare the difference with ±0.005.",
          solution=(
              "def build_deeper_dense():\n"
              "    return keras.Sequential([\n"
              "        keras.Input(shape=(28, 28)),\n"
              "        keras.layers.Flatten(),\n"
              "        keras.layers.Dense(128, activation='relu'),\n"
              "        keras.layers.Dense(128, activation='relu'),\n"
              "        keras.layers.Dense(10, activation='softmax'),\n"
              "    ])",
              "difference = deeper_accuracy - test_accuracy\n"
              "deeper_verdict = 'higher' if difference > 0.005 else 'lower' if difference < -0.005 else 'about the same'\n"  # noqa: E501 - a line of the solution's code
              "\n"
              "ex.stretch.check(deeper_verdict, model=deeper_model, accuracy=deeper_accuracy, baseline=test_accuracy)",
          ))
def stretch(conclusion: Any, *, model: Any = None, accuracy: Any = None, baseline: Any = None) -> str:
    model = expect_model(model, "deeper_model")
    accuracy, baseline = expect_measured(accuracy, "deeper_accuracy"), expect_measured(baseline, "test_accuracy")
    hidden = [layer for layer in model.layers if type(layer).__name__ == "Dense"][:-1]
    if len(hidden) != 2:
        raise CheckFailed(f"build_deeper_dense has {len(hidden)} hidden Dense layer(s); the stretch asks for two, "
                          "Dense(128, relu) twice, before Dense(10, softmax)")
    if tuple(model.output_shape) != (None, 10):
        raise CheckFailed(f"the output shape is {model.output_shape}; end with Dense(10, activation='softmax')")
    said = expect_verdict(conclusion, accuracy, baseline, STRETCH_NOISE, "the deeper model's test accuracy")
    return (f"{accuracy:.4f} against {baseline:.4f}: {said}, with {model.count_params():,} parameters instead of "
            "101,770. Keep the size of that change in mind for notebook 02, which changes the *kind* of layer.")
