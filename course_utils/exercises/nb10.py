"""Exercises for notebook 10 (transfer learning)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course_utils.checks import *

_HEAD_WEIGHTS = (3 * 3 * 64) * 128 + 128 + 128 * 5 + 5  # Flatten(576) -> Dense(128) -> Dense(5)


@exercise("Trainable parameters of the transfer model with a frozen base",
          hint="Only the head trains. Flatten turns 3x3x64 into one vector; a Dense "
               "layer has inputs x units weights and one bias per unit.",
          solution="trainable_parameters = (3 * 3 * 64) * 128 + 128 + 128 * 5 + 5  # 74,501")
def q1(answer: Any) -> str:
    answer = expect_whole_number(answer, "a whole number of parameters")
    if answer >= _HEAD_WEIGHTS + 20_000:  # the base holds 23,632, of which 224 are BatchNorm statistics
        raise CheckFailed("that includes the base. A frozen base's weights are not trainable: count the head only")
    expect_exact(answer, _HEAD_WEIGHTS, {
        (3 * 3 * 64) * 128 + 128 * 5: "that counts the weights only. Each Dense unit also has a bias",
        (3 * 3 * 64) * 128 + 128: "that is Dense(128) alone. The new Dense(5) output layer trains too",
        64 * 128 + 128 + 128 * 5 + 5: "Flatten hands on all 3 x 3 x 64 = 576 values, not 64",
    }, "{answer} is not it. Flatten gives 3 x 3 x 64 values; count Dense(128) and Dense(5), weights and biases; "
       "Flatten and Dropout learn nothing")
    return (f"576 x 128 + 128 = 73,856 for Dense(128), 128 x 5 + 5 = 645 for Dense(5): {_HEAD_WEIGHTS:,}. The base's "
            "weights are frozen, and so are BatchNormalization's statistics.")


def _test_model() -> Any:
    """A small model shaped like notebook 10's: a nested base with BatchNormalization, then a head."""
    import keras  # imported here: the checks of the other notebooks must not need Keras

    base = keras.Sequential([keras.Input(shape=(8, 8, 1)), keras.layers.Conv2D(2, 3, use_bias=False),
                             keras.layers.BatchNormalization(), keras.layers.ReLU(),
                             keras.layers.Conv2D(2, 3, use_bias=False), keras.layers.BatchNormalization()],
                            name="base")
    return keras.Sequential([base, keras.layers.Flatten(), keras.layers.BatchNormalization(),
                             keras.layers.Dense(3)], name="model")


def _layers(model: Any) -> list[Any]:
    found = []
    for layer in model.layers:
        found.append(layer)
        if hasattr(layer, "layers"):
            found += _layers(layer)
    return found


@exercise("Write freeze_batchnorm(model), nested models included",
          hint="for layer in model.layers: if isinstance(layer, keras.layers.BatchNormalization), set layer.trainable "
               "= False; elif hasattr(layer, 'layers'), call freeze_batchnorm(layer).",
          solution="def freeze_batchnorm(model):\n"
                   "    for layer in model.layers:\n"
                   "        if isinstance(layer, keras.layers.BatchNormalization):\n"
                   "            layer.trainable = False\n"
                   "        elif hasattr(layer, 'layers'):\n"
                   "            freeze_batchnorm(layer)",
          callable_name="freeze_batchnorm")
def q2(freeze_batchnorm: Callable[[Any], Any]) -> str:
    import keras

    expect_function(freeze_batchnorm, "freeze_batchnorm")
    model = _test_model()
    kept_frozen = model.layers[0].layers[0]  # the first Conv2D, frozen before the call: it must stay frozen
    kept_frozen.trainable = False
    freeze_batchnorm(model)  # it changes the model in place: None is a fine return value here
    layers = _layers(model)
    norms = [layer for layer in layers if isinstance(layer, keras.layers.BatchNormalization)]
    others = [layer for layer in layers if not isinstance(layer, keras.layers.BatchNormalization)]
    if kept_frozen.trainable:
        raise CheckFailed("a Conv2D layer that was frozen before the call is trainable after it: leave every layer "
                          "that is not BatchNormalization as it is (do not set model.trainable = True or loop "
                          "over every layer setting trainable)")
    if not model.trainable or any(not layer.trainable for layer in others if layer is not kept_frozen):
        frozen = sorted({type(layer).__name__ for layer in others if not layer.trainable and layer is not kept_frozen}
                        | (set() if model.trainable else {"the model itself"}))
        raise CheckFailed(f"you also froze {', '.join(frozen)}. Set trainable = False on BatchNormalization layers "
                          "only: setting it on a model freezes every layer inside")
    nested = [layer for layer in norms if layer in _layers(model.layers[0])]
    if all(layer.trainable for layer in norms):
        raise CheckFailed("no BatchNormalization layer is frozen. Loop over the layers and set "
                          "layer.trainable = False where isinstance(layer, keras.layers.BatchNormalization)")
    if any(layer.trainable for layer in nested):
        raise CheckFailed("the BatchNormalization layers inside the nested base are still trainable. A layer "
                          "that has .layers is a model: look inside it too (recursion)")
    if any(layer.trainable for layer in norms):
        raise CheckFailed("a BatchNormalization layer at the top level is still trainable; freeze every one")
    return ("every BatchNormalization layer, nested ones included, is frozen and runs in inference mode; the "
            "Conv2D and Dense layers can still learn.")


_BLOCKS = ("first block", "last block")


@exercise("Which block to unfreeze first when fine-tuning only a part of the base",
          hint="Notebook 05 looked at what each layer responds to: which layers are general, which specific?",
          solution='unfreeze_first = "last block"')
def q3(answer: Any) -> str:
    reject_known(expect_choice(answer, _BLOCKS, "the block"), {
        "first block": "the first block finds edges and blobs that almost any image task needs, so it carries over "
                       "best as it is. The last block combines them into parts of the source classes: that is what "
                       "the new task most needs to change"})
    return ("the last block holds the most task-specific features, so it is the one the new task most needs to "
            "change; the first block's edges and blobs carry over as they are.")


# About two binomial standard errors of one accuracy on 1,000 validation images (sqrt(0.7 * 0.3 / 1000) = 0.0145):
# a smaller difference between two fine-tunings cannot be told from noise.
STRETCH_NOISE = 0.03


@exercise("Stretch: fine-tune only the last block",
          hint="base.trainable = True, then loop over base.layers: every layer frozen (trainable = False) except the "
               "last Conv2D. Then compare stretch_run['accuracy'] with stretch_run['baseline'], within ±0.03.",
          solution=(
              "def unfreeze_last_block(base):\n"
              "    base.trainable = True\n"
              "    last_conv = [layer for layer in base.layers if isinstance(layer, keras.layers.Conv2D)][-1]\n"
              "    for layer in base.layers:\n"
              "        layer.trainable = layer is last_conv",
              "difference = stretch_run['accuracy'] - stretch_run['baseline']\n"
              "last_block_verdict = 'higher' if difference > 0.03 else 'lower' if difference < -0.03 else 'about the same'\n"  # noqa: E501 - a line of the solution's code
              "\n"
              "ex.stretch.check(last_block_verdict, run=stretch_run)",
          ))
def stretch(conclusion: Any, *, run: Any = None) -> str:
    import keras

    if run is None:
        raise CheckFailed("stretch_run is None: run the cell that fine-tunes with unfreeze_last_block first")
    if not isinstance(run, dict) or not {"base", "accuracy", "baseline"} <= set(run):
        raise CheckFailed("pass run=stretch_run, the dict the training cell fills")
    layers = run["base"].layers
    convolutions = [layer for layer in layers if isinstance(layer, keras.layers.Conv2D)]
    norms = [layer for layer in layers if isinstance(layer, keras.layers.BatchNormalization)]
    if not run["base"].trainable:
        raise CheckFailed("the base itself is still frozen (base.trainable is False), so nothing inside it can "
                          "learn. Set base.trainable = True first, then freeze the layers that must stay frozen")
    if not convolutions[-1].trainable:
        raise CheckFailed("the last block's Conv2D is frozen: make it trainable")
    if any(layer.trainable for layer in convolutions[:-1]):
        raise CheckFailed("an earlier block's Conv2D is trainable too: only the last block's may be")
    if any(layer.trainable for layer in norms):
        raise CheckFailed("a BatchNormalization layer is trainable: keep them all frozen (inference mode)")
    accuracy = expect_measured(run["accuracy"], "the last-block accuracy")
    baseline = expect_measured(run["baseline"], "section 4's fine-tuning accuracy")
    said = expect_verdict(conclusion, accuracy, baseline, STRETCH_NOISE, "the last-block fine-tuning")
    why = {"about the same": " The difference is smaller than the noise of one accuracy on 1,000 images: these "
                             "numbers cannot rank the two. Fine-tuning less of the base is then the cheaper choice.",
           "higher": " Check it with another seed before you rely on it.",
           "lower": " Check it with another seed before you rely on it."}[said]
    return f"{accuracy:.4f} against {baseline:.4f} with the whole base: {said}.{why}"
