"""The exercise-check API, and notebook 01's checks with right and wrong answers."""

from __future__ import annotations

import math
import re
from pathlib import Path

import keras
import numpy as np
import pytest

from course_utils import conv
from course_utils.checks import (
    NUMBER_POLICY,
    CheckFailed,
    CheckResult,
    Exercise,
    call,
    expect_exact,
    expect_function,
    expect_letter,
    expect_number,
    expect_returned,
    expect_whole_number,
    expect_whole_numbers,
    is_untouched_stub,
    reject_arrays,
    reject_known,
    verdict,
)
from course_utils.data import FASHION_CLASS_NAMES
from course_utils.exercises import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10, nb11, nb12, nb13


def _exercise() -> Exercise:
    def verify(answer):
        if answer != 42:
            raise CheckFailed("think of the question")
        return "well done"

    return Exercise("The answer", verify, hint="six times seven", solution="answer = 6 * 7")


def test_check_hint_solution_print_feedback(capsys):
    exercise = _exercise()
    exercise.check(42)
    exercise.check(41)
    exercise.hint()
    exercise.solution()
    out = capsys.readouterr().out
    assert "✅ Correct: well done" in out
    assert "❌ Not yet: think of the question" in out
    assert "six times seven" in out and "answer = 6 * 7" in out


def test_placeholder_and_crashing_answers_are_feedback_not_errors():
    exercise = _exercise()
    assert exercise.evaluate(...) == CheckResult(False, exercise.evaluate(None).message, attempted=False)
    assert "`...` placeholder" in exercise.evaluate(...).message
    crashing = Exercise("crash", lambda answer: answer(), hint="", solution="")
    result = crashing.evaluate(lambda: 1 / 0)
    assert not result.passed and result.attempted and "ZeroDivisionError" in result.message


def test_stub_detection_tells_an_untouched_body_from_a_missing_return():
    def documented_stub(x):
        """Return something."""
        ...  # your code here

    def no_return(x):
        x = x + 1

    class Started(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = True

    assert is_untouched_stub(documented_stub) and is_untouched_stub(lambda: None)
    assert not is_untouched_stub(no_return) and not is_untouched_stub(Started) and not is_untouched_stub(len)
    assert not is_untouched_stub(0) and not is_untouched_stub("...")


def test_expect_whole_numbers_converts_or_explains():
    assert expect_whole_numbers([np.int64(5), 5.0, np.float32(6)], "(a, b, c)") == (5, 5, 6)
    for answer, fragment in [("5x5", "give a tuple (a, b), not '5x5'"), (7, "give a tuple (a, b), not 7"),
                             ((1, None), "give whole numbers in (a, b), not NoneType None"),
                             ((5.5, 5), "5.5 is not a whole number"), (["5", "5"], "'5' is text")]:
        with pytest.raises(CheckFailed, match=re.escape(fragment)):
            expect_whole_numbers(answer, "(a, b)")


@pytest.mark.parametrize(("attempt", "fragment"), [
    (lambda: call(3, "f"), "function itself (f), not int"),
    (lambda: call(lambda x: None, "f", 1), "f returned None"),
    (lambda: expect_exact(4, 6, {4: "four is a known slip"}, "{answer} is not it"), "four is a known slip"),
    (lambda: expect_exact(5, 6, {4: "four is a known slip"}, "{answer} is not it"), "5 is not it"),
    (lambda: expect_exact([6], 6, {4: "x"}, "{answer} is not it"), "[6] is not it"),  # unhashable: no table lookup
    (lambda: expect_letter("a", "ABC", {"A": "A blurs"}), "A blurs"),
    (lambda: expect_letter("D", "ABC"), "'D' is not one of the choices; choose one of 'A', 'B', 'C'"),
    (lambda: expect_letter("ab", "abc"), "not one of the choices"),
    (lambda: expect_letter(1, "abc"), "answer with one letter in quotes, one of 'a', 'b', 'c', not 1"),
    (lambda: reject_known("x", {"x": "x is the classic mistake"}), "x is the classic mistake"),
    (lambda: reject_arrays(np.arange(3)[::-1], [(np.arange(3), "same"), (np.arange(3)[::-1], "reversed")]),
     "reversed"),
], ids=["not-callable", "returned-none", "known-wrong", "otherwise", "unhashable", "letter-wrong", "letter-unknown",
        "two-letters", "letter-not-text", "reject-known", "reject-arrays"])
def test_table_helpers_name_the_mistake(attempt, fragment):
    with pytest.raises(CheckFailed, match=re.escape(fragment)):
        attempt()


def test_table_helpers_pass_right_answers_through():
    assert call(lambda x: x + 1, "f", 1) == 2
    assert expect_exact(6, 6, {4: "x"}, "no") == 6
    assert expect_letter(" b ", "ABC", {"A": "x"}) == "B" and expect_letter("B", "abc") == "b"
    assert reject_known([1], {1: "x"}) is None and reject_known(2, {1: "x"}) is None
    assert reject_arrays(np.zeros(2), [(np.ones(2), "x")]) is None


def test_shared_expectations():
    expect_function(len, "len")
    assert expect_returned(0, "f") == 0
    assert expect_whole_number(np.int64(3)) == 3 and expect_whole_number(3.0) == 3
    assert expect_number(np.array(2.5)) == 2.5
    for attempt, fragment in [
        (lambda: expect_function(3, "f"), "function itself (f), not int"),
        (lambda: expect_returned(None, "f"), "f returned None"),
        (lambda: expect_whole_number(True), "give a whole number, not bool"),
        (lambda: expect_whole_number(3.5), "3.5 is not a whole number"),
        (lambda: expect_whole_number("3"), "'3' is text. Give a whole number as a number, without quotes: 3"),
        (lambda: expect_number(float("nan")), "give a number, not nan"),
        (lambda: expect_number([1]), "give a number, not list [1]"),
    ]:
        with pytest.raises(CheckFailed, match=re.escape(fragment)):
            attempt()


class Lazy:
    """An answer built when its test runs (models), not when the table is collected."""

    def __init__(self, build):
        self.make = build


def _forgot_return(*args):
    result = args  # noqa: F841 - a body that computes something but never returns it


def _freeze_top_level_batchnorm(model):
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False


def _freeze_nested_batchnorm(model):
    for layer in model.layers[0].layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False


def _freeze_batchnorm_by_name(model):
    """A right answer written another way: walk every sublayer Keras knows of."""
    for layer in model._flatten_layers(include_self=False):
        if type(layer).__name__ == "BatchNormalization":
            layer.trainable = False


def _unfreeze_everything_then_freeze_batchnorm(model):
    for layer in model._flatten_layers(include_self=False):  # undoes any freezing done before the call
        layer.trainable = type(layer).__name__ != "BatchNormalization"


def _confused_pair_in_place(matrix):
    np.fill_diagonal(matrix, 0)  # zeroes the caller's own matrix
    return np.unravel_index(np.argmax(matrix), matrix.shape)


def _pool_forgot_plus_one(x, pool, stride):
    rows, cols = (x.shape[0] - pool) // stride, (x.shape[1] - pool) // stride  # no +1
    return np.array([[x[i * stride:i * stride + pool, j * stride:j * stride + pool].max() for j in range(cols)]
                     for i in range(rows)])


def _mirror_in_place(images):
    images[:] = images[:, :, ::-1].copy()
    return images


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _ce_summed(z, y):
    """Notebook 11, exercise 1 without the division by N."""
    return _softmax_rows(z) - np.eye(z.shape[1])[y]


def _ce_unstable(z, y):
    """Notebook 11, exercise 1 without subtracting the row's maximum: nan for large logits."""
    with np.errstate(all="ignore"):
        return (np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) - np.eye(z.shape[1])[y]) / len(y)


def _dropout_in_place(x, rate, rng):
    x *= (rng.random(x.shape) >= rate) / (1 - rate)
    return x


def _bottleneck(projection=True, relu_before_add=False, stride_at=1, always_project=False, expand=4,
                final_relu=True, kernels=(1, 3, 1), final="layer", add="layer", batchnorm=True, projection_bn=True,
                middle=1, main_relus=True, fused_relu=False, padding="same", identity_layer=False):
    """Notebook 12, exercise 2, with one chosen bug or one allowed way of writing it: a function to pass to the check.

    stride_at: which main-path convolution gets the stride (1: the 3x3, ResNet v1.5; 0: the first 1x1, v1).
    final: the last ReLU as "layer" (ReLU()), "activation" (Activation('relu')) or "op" (keras.ops.relu).
    add: the addition as "layer" (Add()) or "plus" (main + shortcut).
    batchnorm / projection_bn: BatchNormalization on the main path / the projection; middle: the first two
    convolutions' width in filters (4: no bottleneck); main_relus: the two ReLUs of the main path; fused_relu:
    Conv2D(activation='relu') before the BN; padding: the 3x3's; identity_layer: the shortcut as Identity()(x)."""
    def bottleneck_block(x, filters, stride=1):
        layers = keras.layers
        y = x
        for index, size in enumerate(kernels):
            width = expand * filters if index == 2 else middle * filters
            step = stride if index == stride_at else 1
            relu_inside = fused_relu and index < 2
            y = layers.Conv2D(width, size, strides=step, padding=padding if size == 3 else "same",
                              activation="relu" if relu_inside else None)(y)
            if batchnorm:
                y = layers.BatchNormalization()(y)
            if (index < 2 and main_relus and not relu_inside) or relu_before_add:
                y = layers.ReLU()(y)
        shortcut = layers.Identity()(x) if identity_layer else x
        if always_project or (projection and (stride != 1 or x.shape[-1] != expand * filters)):
            shortcut = layers.Conv2D(expand * filters, 1, strides=stride)(x)
            if projection_bn:
                shortcut = layers.BatchNormalization()(shortcut)
        added = y + shortcut if add == "plus" else layers.Add()([y, shortcut])
        if not final_relu:
            return added
        return {"layer": layers.ReLU(), "activation": layers.Activation("relu"), "op": keras.ops.relu}[final](added)

    return bottleneck_block


def _keras_applications_bottleneck(x, filters, stride=1):
    """keras.applications.ResNet50's own block (ResNet v1: the stride on the first 1x1), shortcut chosen as asked."""
    from keras.src.applications.resnet import residual_block_v1

    return residual_block_v1(x, filters, stride=stride, conv_shortcut=stride != 1 or x.shape[-1] != 4 * filters)


@pytest.mark.parametrize(("block", "named"), [
    (Lazy(lambda: _bottleneck(stride_at=0)), "first 1x1: the original ResNet v1"),
    (Lazy(lambda: _keras_applications_bottleneck), "first 1x1: the original ResNet v1"),
    (Lazy(lambda: _bottleneck(stride_at=1)), "3x3: ResNet v1.5")])
def test_nb12_q2_accepts_both_stride_places_and_names_them(block, named):
    result = nb12.q2.evaluate(block.make())
    assert result.passed and named in result.message, result.message


def _normalise_without_return(heat):
    heat = (heat - heat.min()) / np.ptp(heat)


def _exercise_id(exercise: Exercise) -> str:
    return next(f"{module.__name__[-4:]}.{name}" for module in MODULES for name, value in vars(module).items()
                if value is exercise)


MODULES = (nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10, nb11, nb12, nb13)
EXERCISES = [value for module in MODULES for name, value in sorted(vars(module).items())
             if re.fullmatch(r"q\d+", name)]


def _run_solution(exercise: Exercise, name: str | None = None):
    """Execute the solution text exactly as a learner would paste it, and return the answer it defines."""
    namespace = {"keras": keras, "np": np, "class_names": FASHION_CLASS_NAMES}
    exec(exercise.solution_code, namespace)
    if name is None:  # the first name the solution defines: `x = ...`, `def x(`, `class x(`
        name = re.search(r"^(?:def |class )?(\w+)", exercise.solution_code, re.MULTILINE).group(1)
    return namespace[name]


def _names_from(index_fn):
    return lambda probabilities: [FASHION_CLASS_NAMES[i] for i in index_fn(probabilities)]


def _model(*layers, with_input=True):
    stack = [keras.Input(shape=(28, 28))] if with_input else []
    return keras.Sequential(stack + list(layers))


# ---------------------------------------------------------------------------
# Notebook 07: convolution by hand
# ---------------------------------------------------------------------------


def _strided(image, kernel, stride, padding, *, flip=False, one_sided=False, step=None, shrink=0,
             to_float=True):
    """A learner's strided, padded convolution with one chosen bug."""
    image = np.asarray(image, dtype=float) if to_float else np.asarray(image)
    kernel = kernel[::-1, ::-1] if flip else kernel
    image = np.pad(image, ((0, 2 * padding), (0, 2 * padding)) if one_sided else padding)
    step = stride if step is None else step
    kh, kw = kernel.shape
    out_h, out_w = (image.shape[0] - kh) // step + 1 - shrink, (image.shape[1] - kw) // step + 1 - shrink
    out = np.zeros((out_h, out_w), dtype=image.dtype)
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(image[i * step:i * step + kh, j * step:j * step + kw] * kernel, dtype=image.dtype)
    return out


def _one_wrong_strided_value(image, kernel, stride, padding):
    out = _strided(image, kernel, stride, padding)
    out.flat[3] += 1
    return out


def _channels(image, kernels, *, first_only=False, per_channel=False, filters_first=False):
    """A learner's multi-channel convolution with one chosen bug."""
    if first_only:
        image, kernels = image[..., :1], kernels[:, :, :1, :]
    kh, kw, channels, filters = kernels.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    if per_channel:
        return np.array([[[[np.sum(image[i:i + kh, j:j + kw, c] * kernels[:, :, c, f]) for f in range(filters)]
                           for c in range(channels)] for j in range(out_w)] for i in range(out_h)])
    out = np.array([[[np.sum(image[i:i + kh, j:j + kw, :] * kernels[..., f]) for f in range(filters)]
                     for j in range(out_w)] for i in range(out_h)])
    return np.moveaxis(out, -1, 0) if filters_first else out


def _pool_strided(x, pool, stride, *, reduce=np.max, step=None, keep_partial=False):
    """A learner's strided max pooling with one chosen bug."""
    step = stride if step is None else step
    last = x.shape[0] if keep_partial else x.shape[0] - pool + 1
    last_col = x.shape[1] if keep_partial else x.shape[1] - pool + 1
    return np.array([[reduce(x[i:i + pool, j:j + pool]) for j in range(0, last_col, step)]
                     for i in range(0, last, step)])


def _pool_in_place(x, pool, stride):
    x[0, 0] = -1
    return _pool_strided(x, pool, stride)


def _one_wrong_pool_value(x, pool, stride):
    out = _pool_strided(x, pool, stride)
    out[1, 1] += 1
    return out


# ---------------------------------------------------------------------------
# Notebook 02: first CNN
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# Notebook 03: deeper CNN
# ---------------------------------------------------------------------------


def test_nb03_q1_answer_matches_what_keras_early_stopping_does():
    """The expected answer is not just asserted: replay the losses through the real callback."""
    import keras

    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=False)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.stop_training = False
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, loss in enumerate(nb03.VALIDATION_LOSS):
        callback.on_epoch_end(epoch, {"val_loss": loss})
        if callback.model.stop_training:
            break
    assert callback.stopped_epoch + 1 == len(nb03.VALIDATION_LOSS)
    assert callback.best_epoch + 1 == 6 and nb03.q1.evaluate(6).passed


def test_nb03_q3_answer_matches_keras():
    import keras

    layer = keras.layers.BatchNormalization()
    layer.build((None, 7, 7, 64))
    assert layer.count_params() == 256 and nb03.q3.evaluate(256).passed


# ---------------------------------------------------------------------------
# Notebook 04: capacity experiments
# ---------------------------------------------------------------------------


def test_nb04_q1_formula_matches_keras():
    layer = keras.layers.Conv2D(32, (5, 5))
    layer.build((None, 12, 12, 16))
    assert layer.count_params() == 5 * 5 * 16 * 32 + 32
    assert nb04.q1.evaluate(lambda k, c, f: k * k * c * f + f).passed


def test_nb05_q1_answer_matches_keras():
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(32, 5), keras.layers.MaxPooling2D(2),
                              keras.layers.Conv2D(64, 3, padding="same"), keras.layers.MaxPooling2D(2)])
    assert nb05.q1.evaluate(tuple(model.output_shape[1:])).passed


def test_nb05_q2_kernel_c_is_the_one_that_fires_on_vertical_edges():
    vertical_edge = np.zeros((5, 5))
    vertical_edge[:, 3:] = 1.0  # dark left, bright right
    horizontal_edge = vertical_edge.T
    response = {letter: (abs((np.lib.stride_tricks.sliding_window_view(vertical_edge, (3, 3)) * kernel).sum(
        axis=(2, 3))).max(), abs((np.lib.stride_tricks.sliding_window_view(horizontal_edge, (3, 3)) * kernel).sum(
        axis=(2, 3))).max()) for letter, kernel in nb05.KERNELS.items()}
    assert response["C"][0] > 0 and response["C"][1] == 0
    assert response["A"][0] == 0 and response["A"][1] > 0
    assert nb05.q2.evaluate(" c ").passed


def test_nb06_q1_solution_stops_a_real_fit():
    namespace = {"keras": keras}
    exec(nb06.q1.solution_code, namespace)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = np.random.default_rng(0).normal(size=(64, 2)).astype("float32")
    y = x @ np.array([[1.0], [-2.0]], dtype="float32")
    history = model.fit(x, y, validation_data=(x, y), epochs=50, verbose=0,
                        callbacks=[namespace["StopAtValidationLoss"](0.05)])
    losses = history.history["val_loss"]
    assert losses[-1] <= 0.05 and all(loss > 0.05 for loss in losses[:-1]) and len(losses) < 50


def _stop_callback(compare, key="val_loss"):
    class Stop(keras.callbacks.Callback):
        def __init__(self, threshold):
            super().__init__()
            self.threshold = threshold

        def on_epoch_end(self, epoch, logs=None):
            if key in logs and compare(logs[key], self.threshold):
                self.model.stop_training = True

    return Stop


class _NotACallback:
    def __init__(self, threshold):
        self.threshold = threshold


# One table for every exercise of every notebook: (exercise, answer, fragment of the feedback).
# Each answer is a typical wrong answer a learner gives; the feedback must say what is wrong.
WRONG_ANSWERS = [
    (nb01.q1, 200_704, "weights only"),
    (nb01.q1, 784, "every one of the 784 inputs"),
    (nb01.q1, 203_530, "whole model"),
    (nb01.q1, 100_480, "the baseline's Dense(128), which model.summary() printed"),
    (nb01.q1, 12345, "is not it"),
    (nb01.q1, True, "whole number"),
    (nb01.q2, _forgot_return, "forget `return`"),
    (nb01.q2, _names_from(lambda p: p.argmax(axis=0)), "axis=1"),
    (nb01.q2, lambda p: p.argmax(axis=1).tolist(), "class numbers"),
    (nb01.q2, lambda p: p.max(axis=1).tolist(), "probabilities"),
    (nb01.q2, _names_from(lambda p: p.argmin(axis=1)), "expected ['Ankle boot', 'Pullover', 'Trouser']"),
    (nb01.q2, lambda p: ["Bag"], "one name per image"),
    (nb01.q2, "Ankle boot", "function itself"),
    (nb01.q3, Lazy(lambda: _model(keras.layers.Flatten(), keras.layers.Dense(128, "relu"),
                                  keras.layers.Dense(10, "softmax"))), "[128] units"),
    (nb01.q3, Lazy(lambda: _model(keras.layers.Dense(64, "relu"), keras.layers.Dense(10, "softmax"))),
     "forget Flatten"),
    (nb01.q3, Lazy(lambda: _model(keras.layers.Flatten(), keras.layers.Dense(64, "relu"), keras.layers.Dense(10))),
     "activation='softmax'"),
    (nb01.q3, Lazy(lambda: _model(keras.layers.Flatten(), keras.layers.Dense(64, "sigmoid"),
                                  keras.layers.Dense(10, "softmax"))), "activation='relu'"),
    (nb01.q3, Lazy(lambda: _model(keras.layers.Flatten(), keras.layers.Dense(64, "relu"),
                                  keras.layers.Dense(10, "softmax"), with_input=False)), "keras.Input(shape=(28, 28))"),
    (nb01.q3, Lazy(lambda: "a model"), "expected a keras model"),
    (nb07.q1, lambda im, k, s, p: _strided(im, k, s, p, shrink=1), "off by one"),
    (nb07.q1, lambda im, k, s, p: _strided(im, k, s, p, flip=True), "flipped the kernel"),
    (nb07.q1, lambda im, k, s, p: _strided(im, k, s, 0), "what no padding gives"),
    (nb07.q1, lambda im, k, s, p: _strided(im, k, s, p, one_sided=True), "on *each* side"),
    (nb07.q1, lambda im, k, s, p: _strided(im, k, s, p, step=1), "moved 1 pixel at a time"),
    (nb07.q1, lambda im, k, s, p: _strided(im, k, s, p, to_float=False), "uint8 overflow"),
    (nb07.q1, _one_wrong_strided_value, "wrong value at output [0, 3]"),
    (nb07.q1, _forgot_return, "forget `return`"),
    (nb07.q1, "np.convolve", "function itself"),
    (nb07.q2, lambda image, kernels: _channels(image, kernels, first_only=True), "only input channel 0"),
    (nb07.q2, lambda image, kernels: _channels(image, kernels, per_channel=True), "one result per input channel"),
    (nb07.q2, lambda image, kernels: _channels(image, kernels, filters_first=True), "filters-first"),
    (nb07.q2, lambda image, kernels: _channels(image, kernels) + 1, "wrong value at output [0, 0, 0]"),
    (nb07.q2, lambda image, kernels: _channels(image, kernels)[:, :, :1], "output shape"),
    (nb07.q2, _forgot_return, "forget `return`"),
    (nb07.q4, lambda image, grad: nb07.grad_kernel_reference(image, grad)[::-1, ::-1], "turned by 180 degrees"),
    (nb07.q4, lambda image, grad: nb07.grad_kernel_reference(image, grad).T, "rows and columns are swapped"),
    (nb07.q4, lambda image, grad: conv.conv2d(np.pad(grad, ((2, 2), (1, 1))), np.ones((3, 2))), "kernel's shape"),
    (nb07.q4, lambda image, grad: nb07.grad_kernel_reference(image, grad) * 2, "wrong value at [0, 0]"),
    (nb07.q4, lambda image, grad: nb07.grad_kernel_reference(image, grad)[:2], "expected shape"),
    (nb07.q4, _forgot_return, "forget `return`"),
    (nb07.q3, "A", "vertical"),
    (nb07.q3, "c", "blur"),
    (nb07.q3, "D", "one of"),
    (nb08.q1, lambda n, pool, stride: n // pool, "moves by the stride"),
    (nb08.q1, lambda n, pool, stride: (n - pool) // stride, "off by one"),
    (nb08.q1, lambda n, pool, stride: (n - pool) / stride + 1, "floor division"),
    (nb08.q1, _forgot_return, "forget `return`"),
    (nb08.q2, lambda x, pool, stride: _pool_strided(x, pool, stride, reduce=np.mean), "averaged"),
    (nb08.q2, lambda x, pool, stride: _pool_strided(x, pool, stride, step=pool), "moved by its own size"),
    (nb08.q2, lambda x, pool, stride: _pool_strided(x, pool, stride, keep_partial=True), "hang over the edge"),
    (nb08.q2, _pool_in_place, "changed its input"),
    (nb08.q2, _one_wrong_pool_value, "wrong value at output [1, 1]"),
    (nb08.q2, lambda x, pool, stride: x, "output shape (5, 7)"),
    (nb08.q1, lambda n, pool, stride: round((n - pool) / stride) + 1, "not round()"),
    (nb08.q1, lambda n, pool, stride: math.ceil((n - pool) / stride) + 1, "one window too many"),
    (nb08.q1, lambda n, pool, stride: math.ceil(n / stride), "padding='same'"),
    (nb08.q1, lambda n, pool, stride: n // stride, "whole length"),
    (nb08.q1, lambda n, pool, stride: (n - stride) // pool + 1, "swapped"),
    (nb08.q2, _pool_forgot_plus_one, "the +1 counts the first window"),
    (nb08.q3, 3.5, "7 // 2"),
    (nb08.q3, 4, "padding='same'"),
    (nb08.q3, 7, "three times"),
    (nb08.q3, (3, 3), "one number"),
    (nb09.q1, {"translation", "rotation", "zoom", "horizontal flip"}, "horizontal flip can change"),
    (nb09.q1, {"translation", "vertical flip"}, "a 6 into a backwards 9"),
    (nb09.q1, {"translation", "zoom"}, "you left out rotation"),
    (nb09.q1, "translation", "you left out rotation, zoom"),
    (nb09.q1, {"translation", "shear"}, "'shear' is not one of the choices"),
    (nb09.q1, 3, "give a set of names"),
    (nb09.q2, 1280, "weights only"),
    (nb09.q2, 11530, "Flatten -> Dense(10)"),
    (nb09.q2, 650, "that is for 64 maps"),
    (nb09.q2, 0, "no parameters, but the Dense(10)"),
    (nb09.q2, 74, "is not it"),
    (nb09.q2, "1290", "is text"),
    (nb09.q3, lambda x: x[:, ::-1, :], "top to bottom only"),
    (nb09.q3, lambda x: x[:, :, ::-1], "mirrors left to right only"),
    (nb09.q3, lambda x: np.rot90(x, 2), "axes=(1, 2)"),
    (nb09.q3, lambda x: x[::-1, ::-1, ::-1], "also in reverse order"),
    (nb09.q3, lambda x: np.rot90(x, 1, axes=(1, 2)), "shape must not change"),
    (nb09.q3, lambda x: x[::-1], "not each image turned"),
    (nb09.q3, lambda x: x + 1, "not each image turned"),
    (nb09.q3, _mirror_in_place, "changed the array"),
    (nb09.q3, _forgot_return, "forget `return`"),
    (nb10.q1, 74_368, "weights only"),
    (nb10.q1, 73_856, "Dense(128) alone"),
    (nb10.q1, 8_965, "576 values, not 64"),
    (nb10.q1, 98_133, "includes the base"),
    (nb10.q1, 1, "is not it"),
    (nb10.q1, "74501", "is text"),
    (nb10.q2, lambda model: setattr(model, "trainable", False), "the model itself"),
    (nb10.q2, _freeze_top_level_batchnorm, "nested base are still trainable"),
    (nb10.q2, lambda model: model.layers, "no BatchNormalization layer is frozen"),
    (nb10.q2, lambda model: setattr(model.layers[0], "trainable", False), "you also froze Conv2D"),
    (nb10.q2, _freeze_nested_batchnorm, "at the top level"),
    (nb10.q2, _unfreeze_everything_then_freeze_batchnorm, "frozen before the call is trainable after it"),
    (nb10.q3, "first block", "carries over best"),
    # Notebook 11: the typical wrong computations, each named by its own message (nb11._WRONG_*).
    (nb11.q1, _ce_summed, "divide by N"),
    (nb11.q1, lambda z, y: -_ce_summed(z, y) / len(y), "sign is flipped"),
    (nb11.q1, lambda z, y: _softmax_rows(z) / len(y), "subtract 1 at the true class"),
    (nb11.q1, lambda z, y: -np.eye(z.shape[1])[y] / len(y), "probabilities are missing"),
    (nb11.q1, _ce_unstable, "overflows"),
    (nb11.q1, lambda z, y: np.zeros_like(z), "differs from the right one"),
    (nb11.q1, lambda z, y: _ce_summed(z, y)[:, :2] / len(y), "expected"),
    (nb11.q1, lambda z, y: "gradient", "not an array of numbers"),
    (nb11.q2, lambda g, xh, gamma, s: g * gamma * s, "inference-mode gradient"),
    (nb11.q2, lambda g, xh, gamma, s: s * (g - g.mean(0) - xh * (g * xh).mean(0)), "gamma is missing"),
    (nb11.q2, lambda g, xh, gamma, s: gamma * s * (g - g.mean(0)), "path through the variance"),
    (nb11.q2, lambda g, xh, gamma, s: gamma * s * (g - xh * (g * xh).mean(0)), "path through the mean"),
    (nb11.q2, lambda g, xh, gamma, s: gamma * s * (g - g.sum(0) - xh * (g * xh).sum(0)), "not the sums"),
    (nb11.q2, lambda g, xh, gamma, s: gamma / s * (g - g.mean(0) - xh * (g * xh).mean(0)), "do not divide"),
    (nb11.q3, lambda x, rate, rng: x * (rng.random(x.shape) >= rate), "unscaled"),
    (nb11.q3, lambda x, rate, rng: x * (rng.random(x.shape) >= rate) * (1 - rate), "multiplied the kept values"),
    (nb11.q3, lambda x, rate, rng: x * (rng.random(x.shape) < rate) / rate, "share to drop, not to keep"),
    (nb11.q3, lambda x, rate, rng: x / (1 - rate), "expected about"),
    (nb11.q3, _dropout_in_place, "changed x itself"),
    (nb12.q1, 55_808, "projection shortcut is missing"),
    (nb12.q1, 57_344, "BatchNormalization layers are missing"),
    (nb12.q1, 57_728, "moving mean and variance"),
    (nb12.q1, 76_544, "reads the block's 32 input channels"),
    (nb12.q1, 58_304, "no biases"),
    (nb12.q1, 1, "is not it"),
    (nb12.q1, "58112", "whole number"),
    (nb12.q2, Lazy(lambda: _bottleneck(projection=False)), "projection"),
    (nb12.q2, Lazy(lambda: _bottleneck(relu_before_add=True)), "ReLU before the addition"),
    (nb12.q2, Lazy(lambda: _bottleneck(stride_at=2)), "or on the first 1x1 (the original ResNet v1"),
    (nb12.q2, Lazy(lambda: _bottleneck(always_project=True)), "should be the input itself"),
    (nb12.q2, Lazy(lambda: _bottleneck(expand=1)), "expands to 4 * filters"),
    (nb12.q2, Lazy(lambda: _bottleneck(final_relu=False)), "end with a ReLU"),
    (nb12.q2, Lazy(lambda: _bottleneck(kernels=(3, 3, 1))), "expected 1x1, 3x3, 1x1"),
    (nb12.q2, Lazy(lambda: _bottleneck(batchnorm=False, projection_bn=False)), "no BatchNormalization"),
    (nb12.q2, Lazy(lambda: _bottleneck(projection_bn=False)), "its own BatchNormalization"),
    (nb12.q2, Lazy(lambda: _bottleneck(middle=4)), "a bottleneck reduces"),
    (nb12.q2, Lazy(lambda: _bottleneck(main_relus=False)), "expected Conv2D(filters, 1x1) -> BN -> ReLU"),
    (nb12.q2, Lazy(lambda: _bottleneck(fused_relu=True)), "ReLU comes before the BatchNormalization"),
    (nb12.q2, Lazy(lambda: _bottleneck(padding="valid")), "padding='same'"),
    (nb12.q3, "a", "only where x >= 0"),
    (nb12.q3, "c", "still adds x"),
    (nb12.q3, "d", "not one of the choices"),
    (nb13.q1, 121, "positions in each 11x11"),
    (nb13.q1, 128, "Dense layer's width"),
    (nb13.q1, 10, "number of classes"),
    (nb13.q1, 7744, "every value of the last Conv2D"),
    (nb13.q1, 32, "is not it"),
    (nb13.q1, "64", "whole number"),
    (nb13.q2, lambda heat: heat / heat.max(), "divided by the maximum only"),
    (nb13.q2, lambda heat: heat / heat.sum(), "dividing by the sum"),
    (nb13.q2, lambda heat: (heat - heat.min()) / (heat.max() - heat.min()), "0 / 0 = nan"),
    (nb13.q2, lambda heat: np.zeros_like(heat, dtype=float), "should run from 0 to 1"),
    (nb13.q2, lambda heat: np.ones(heat.shape) if np.ptp(heat) == 0 else (heat - heat.min()) / np.ptp(heat),
     "should become all zeros"),
    (nb13.q2, lambda heat: ((heat - heat.min()) / np.ptp(heat)).ravel(), "returned shape"),
    (nb13.q2, lambda heat: "map", "not an array of numbers"),
    (nb13.q2, _normalise_without_return, "returned None"),
    (nb13.q3, "a", "says nothing about learning"),
    (nb13.q3, "b", "says nothing either"),
    (nb13.q3, "d", "not one of the choices"),
    (nb10.q3, "middle block", "not one of the choices"),
    (nb02.q1, 2400, "weights only"),
    (nb02.q1, 832, "all 3 colour channels"),
    (nb02.q1, 76, "one filter"),
    (nb02.q1, 98336, "not on the image size"),
    (nb02.q1, 1, "is not it"),
    (nb02.q1, "2432", "whole number"),
    (nb02.q2, (8, 8, 64), "padding='same'"),
    (nb02.q2, (6, 6, 1), "channels"),
    (nb02.q2, (7, 7, 64), "floor of 6.5"),
    (nb02.q2, (5, 5, 64), "which model.summary() printed"),
    (nb02.q2, (None, 6, 6, 64), "batch axis"),
    (nb02.q2, (2304,), "three numbers"),
    (nb02.q2, "6x6x64", "tuple"),
    (nb02.q2, (4, 4, 64), "layer by layer"),
    (nb02.q3, lambda x: x[:, np.newaxis], "channels-first"),
    (nb02.q3, lambda x: x.reshape(len(x), -1), "flattens"),
    (nb02.q3, lambda x: x.reshape(3, 28, 28, 1), "hard-code"),
    (nb02.q3, lambda x: np.swapaxes(x, 1, 2)[..., np.newaxis], "pixels moved"),
    (nb02.q3, lambda x: x[0][..., np.newaxis], "expected (3, 28, 28, 1)"),
    (nb03.q1, 9, "stopped"),
    (nb03.q1, 4, "patience=3"),
    (nb03.q1, 5, "count from 1"),
    (nb03.q1, 2, "lowest"),
    (nb03.q2, lambda m: np.diag(m) / m.sum(axis=0), "precision"),
    (nb03.q2, lambda m: np.diag(m), "counts"),
    (nb03.q2, lambda m: np.trace(m) / m.sum(), "one value per class"),
    (nb03.q2, lambda m: np.diag(m) / m.sum(), "expected"),
    (nb03.q3, 128, "non-trainable"),
    (nb03.q3, 64, "more than one"),
    (nb03.q3, 512, "4 numbers"),
    (nb04.q1, lambda k, c, f: k * k * c * f, "biases"),
    (nb04.q1, lambda k, c, f: k * k * f + f, "every input channel"),
    (nb04.q1, lambda k, c, f: k * c * f + f, "kernel * kernel"),
    (nb04.q1, lambda k, c, f: 0, "expected"),
    (nb04.q2, 2, "input channels"),
    (nb04.q2, 8, "kernel size"),
    (nb04.q2, 16, "which factors"),
    (nb04.q3, "A", "misses"),
    (nb04.q3, "c", "twice the time"),
    (nb04.q3, "D", "capacity without"),
    (nb04.q3, "E", "one of"),
    (nb05.q1, (5, 5, 64), "padding='same'"),
    (nb05.q1, (7, 7, 64), "no padding"),
    (nb05.q1, (6, 6, 32), "filter count"),
    (nb05.q1, (12, 12, 64), "pooling layers"),
    (nb05.q1, (1, 6, 6, 64), "batch axis"),
    (nb05.q1, "6x6x64", "tuple"),
    (nb05.q1, (6, 6), "three numbers"),
    (nb05.q1, (3, 3, 64), "is not it"),
    (nb05.q2, "A", "horizontal edges"),
    (nb05.q2, "B", "blurs"),
    (nb05.q2, "D", "spots"),
    (nb05.q2, "E", "choose one of"),
    (nb05.q2, 3, "letter in quotes"),
    (nb05.q3, lambda maps: int(np.argmax(maps.max(axis=(0, 1)))), "single largest value"),
    (nb05.q3, lambda maps: int(np.argmax(maps)), "flat position"),
    (nb05.q3, lambda maps: int(np.argmax(maps.mean(axis=(1, 2)))), "returned"),
    (nb05.q3, lambda maps: 3, "9 channels"),
    (nb05.q3, _forgot_return, "forget `return`"),
    (nb06.q1, _stop_callback(lambda loss, t: loss >= t), "above the threshold"),
    (nb06.q1, _stop_callback(lambda loss, t: loss < t - 0.01), "never stopped"),
    (nb06.q1, _stop_callback(lambda loss, t: loss < t), "exactly equal"),
    (nb06.q1, _stop_callback(lambda loss, t: loss <= t, key="loss"), "training* loss"),
    (nb06.q1, _stop_callback(lambda loss, t: False), "never stopped"),
    (nb06.q1, _NotACallback, "subclass keras.callbacks.Callback"),
    (nb06.q1, _stop_callback(lambda loss, t: loss <= t)(0.05), "class itself"),
    (nb06.q2, lambda m: np.unravel_index(np.argmax(m), m.shape), "diagonal"),
    (nb06.q2, lambda m: np.unravel_index(np.argmax(m - np.diag(np.diag(m))), m.shape)[::-1], "(predicted, true)"),
    (nb06.q2, lambda m: (3, 0), "5x5"),
    (nb06.q2, lambda m: 7, "(true_class, predicted_class)"),
    (nb06.q2, _forgot_return, "forget `return`"),
    (nb06.q2, lambda m: (1, 2), "not the largest"),
    (nb06.q2, _confused_pair_in_place, "changed the matrix it was given"),
    (nb06.q1, _stop_callback(lambda loss, t: loss <= 0.05), "not a fixed number"),
]


@pytest.mark.parametrize(("exercise", "answer", "fragment"), WRONG_ANSWERS,
                         ids=[f"{_exercise_id(e)}-{i}" for i, (e, _, _) in enumerate(WRONG_ANSWERS)])
def test_wrong_answers_get_feedback_that_names_the_mistake(exercise, answer, fragment):
    result = exercise.evaluate(answer.make() if isinstance(answer, Lazy) else answer)
    assert not result.passed and result.attempted and fragment in result.message, result.message


@pytest.mark.parametrize("exercise", EXERCISES, ids=_exercise_id)
def test_every_published_solution_passes(exercise):
    result = exercise.evaluate(_run_solution(exercise))
    assert result.passed and result.attempted, result.message


# Right answers written the other ways the number policy allows, or with harmless differences.
RIGHT_ANSWERS = [
    (nb01.q1, 200960.0), (nb01.q1, np.int64(200_960)), (nb02.q1, 2432.0), (nb03.q1, np.int32(6)), (nb03.q1, 6.0),
    (nb03.q3, 256.0), (nb04.q2, 4.0), (nb04.q2, np.float32(4)), (nb04.q3, " b "), (nb05.q1, [6, 6, 64]),
    (nb05.q1, np.array([6, 6, 64])), (nb02.q2, (6.0, 6.0, 64.0)), (nb07.q3, " b "), (nb08.q3, 3.0),
    (nb05.q3, lambda maps: np.argmax(maps.mean(axis=(0, 1)))),
    (nb09.q1, ["Translation", " zoom", "rotation"]), (nb09.q1, ("translation", "rotation", "zoom")),
    (nb09.q2, 1290.0), (nb09.q3, lambda x: np.flip(x, axis=(1, 2))), (nb09.q3, lambda x: x[:, ::-1, ::-1].copy()),
    (nb09.q3, lambda x: np.rot90(x, 2, axes=(1, 2))),
    (nb10.q1, 74_501.0), (nb10.q3, " Last Block "), (nb10.q2, _freeze_batchnorm_by_name),
    (nb11.q1, lambda z, y: (_softmax_rows(z) - np.eye(z.shape[1])[y]).tolist() / np.float64(len(y))),
    (nb11.q2, lambda g, xh, gamma, s: (gamma * s / len(g)) * (len(g) * g - g.sum(0) - xh * (g * xh).sum(0))),
    (nb11.q3, lambda x, rate, rng: np.where(rng.random(x.shape) < rate, 0.0, x / (1 - rate))),
    (nb12.q1, 58_112.0), (nb12.q3, " B "), (nb12.q2, Lazy(lambda: _bottleneck())),
    # Notebook 12's bottleneck: the stride on the first 1x1 (ResNet v1, keras.applications.ResNet50) or on the 3x3
    # (v1.5); the last ReLU as a layer, an Activation or keras.ops.relu; the addition as Add() or +.
    (nb12.q2, Lazy(lambda: _bottleneck(stride_at=0))), (nb12.q2, Lazy(lambda: _bottleneck(final="activation"))),
    (nb12.q2, Lazy(lambda: _bottleneck(final="op", add="plus"))), (nb12.q2, Lazy(lambda: _bottleneck(add="plus"))),
    (nb12.q2, Lazy(lambda: _bottleneck(stride_at=0, final="activation", add="plus"))),
    (nb12.q2, Lazy(lambda: _bottleneck(identity_layer=True))),
    (nb13.q1, 64.0), (nb13.q1, np.int64(64)), (nb13.q3, " C "),
    (nb13.q2, lambda heat: (heat - heat.min()) / max(np.ptp(heat), 1e-300) if np.ptp(heat) else np.zeros(heat.shape)),
    (nb13.q2, lambda heat: ((heat - heat.min()) / np.ptp(heat)).tolist() if np.ptp(heat) else [[0.0] * heat.shape[1]]
     * heat.shape[0]),
    (nb05.q3, lambda maps: float(np.argmax(maps.mean(axis=(0, 1))))),
    # The same model written the other ways Keras allows: a function, a separate ReLU layer, an Activation layer.
    (nb01.q3, Lazy(lambda: _model(keras.layers.Flatten(), keras.layers.Dense(64, activation=keras.ops.relu),
                                  keras.layers.Dense(10, activation=keras.activations.softmax)))),
    (nb01.q3, Lazy(lambda: _model(keras.layers.Flatten(), keras.layers.Dense(64), keras.layers.ReLU(),
                                  keras.layers.Dense(10), keras.layers.Activation("softmax")))),
    (nb01.q3, Lazy(lambda: _model(keras.layers.Flatten(), keras.layers.Dense(64), keras.layers.Activation("relu"),
                                  keras.layers.Dense(10), keras.layers.Softmax()))),
]


@pytest.mark.parametrize(("exercise", "answer"), RIGHT_ANSWERS,
                         ids=[f"{_exercise_id(e)}-{i}" for i, (e, _) in enumerate(RIGHT_ANSWERS)])
def test_right_answers_in_any_allowed_form_pass(exercise, answer):
    result = exercise.evaluate(answer.make() if isinstance(answer, Lazy) else answer)
    assert result.passed, result.message


def _untouched_function(*args):
    ...  # your code here


class _UntouchedClass(keras.callbacks.Callback):
    ...  # your code here: __init__(self, threshold) and on_epoch_end(self, epoch, logs=None)


@pytest.mark.parametrize("exercise", EXERCISES, ids=_exercise_id)
@pytest.mark.parametrize("placeholder", [..., None, _untouched_function, _UntouchedClass],
                         ids=["ellipsis", "none", "stub-function", "stub-class"])
def test_an_untouched_placeholder_is_reported_as_not_attempted(exercise, placeholder):
    if placeholder is None and exercise.callable_name:
        pytest.skip("None for a function is a call's result: test_a_call_instead_of_a_function_is_named")
    result = exercise.evaluate(placeholder)
    assert not result.passed and not result.attempted and "`...` placeholder" in result.message
    assert str(result).startswith("✏️ Not attempted yet")


FUNCTION_EXERCISES = [exercise for exercise in EXERCISES if exercise.callable_name]


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES, ids=_exercise_id)
def test_a_call_instead_of_a_function_is_named(exercise):
    # `check(f(x))` with a body still `...`, or without `return`, passes None: that is a call, not "not attempted".
    result = exercise.evaluate(None)
    assert not result.passed and result.attempted
    assert f"Pass {exercise.callable_name} itself, without brackets" in result.message


def test_every_exercise_that_takes_a_function_says_so():
    defines = {e for e in EXERCISES if re.match(r"(def|class) ", e.solution_cells[0])}
    assert set(FUNCTION_EXERCISES) == defines and len(defines) == 19


# What learners actually type: every one must get feedback, and none may pass or crash the checker.
ODD_ANSWERS = [
    "", "80", "5", "(5, 5, 64)", 5.5, -1, 0, 10**30, float("nan"), float("inf"), True, [], {}, set(), (),
    ["5", "5", "64"], (5.5, 5.5, 64), (6.5, 6.5, 64), [[1, 2]], np.zeros(3), np.zeros((2, 2)), np.array("x"),
    object(), lambda *args: 1 / 0, lambda *args: "text", lambda *args: [None], lambda *args: np.full(3, np.nan),
    keras.Sequential, Exercise, print,
]


@pytest.mark.parametrize("exercise", EXERCISES, ids=_exercise_id)
def test_no_check_ever_raises_and_odd_answers_never_pass(exercise, capsys):
    for answer in ODD_ANSWERS:
        result = exercise.evaluate(answer)
        assert isinstance(result, CheckResult) and not result.passed, (answer, result)
        assert result.message.strip(), answer
        exercise.check(answer)  # prints, never raises
    assert capsys.readouterr().out.count("❌ Not yet") == len(ODD_ANSWERS)


# The number policy, the same for every exercise that takes a number or a shape.
@pytest.mark.parametrize(("exercise", "answer", "fragment"), [
    (nb01.q1, "200960", "is text. Give a whole number of parameters as a number, without quotes"),
    (nb01.q1, 200960.5, "not a whole number"),
    (nb02.q1, "2432", "is text"),
    (nb02.q2, (5.5, 5.5, 64), "5.5 is not a whole number"),
    (nb02.q2, ["5", "5", "64"], "'5' is text"),
    (nb03.q1, 6.5, "not a whole number; give an epoch number"),
    (nb03.q1, "6", "is text"),
    (nb03.q3, True, "give a whole number of parameters, not bool"),
    (nb04.q2, "4", "is text. Give a growth factor"),
    (nb04.q2, 4.5, "4.5 is not it"),
    (nb04.q3, 2, "one letter in quotes"),
    (nb05.q1, (6.5, 6.5, 64), "6.5 is not a whole number"),
    (nb08.q3, "3", "is text"),
    (nb08.q3, 3.5, "7 // 2"),
    (nb08.q3, 2.5, "not a whole number"),
])
def test_one_number_policy_everywhere(exercise, answer, fragment):
    result = exercise.evaluate(answer)
    assert not result.passed and result.attempted and fragment in result.message, result.message


def test_nb07_kernel_b_is_the_one_that_answers_horizontal_edges():
    """Exercise 3's data: only B is silent on flat areas and on vertical edges, and answers a horizontal one."""
    flat, horizontal = np.ones((9, 9)), np.zeros((9, 9))
    horizontal[:4] = 1.0  # bright above, dark below
    vertical = horizontal.T.copy()

    def answers(kernel, image):
        return bool(np.abs(conv.conv2d(image, kernel)).max() > 0)

    edge_detectors = [label for label, kernel in nb07.KERNELS.items()
                      if not answers(kernel, flat) and not answers(kernel, vertical) and answers(kernel, horizontal)]
    assert edge_detectors == ["B"]
    assert nb07.q3.evaluate("B").passed


@pytest.mark.parametrize("answer", ["100480", 100480.5, [100480], True], ids=["text", "fraction", "list", "bool"])
def test_number_feedback_states_the_policy(answer):
    result = nb01.q1.evaluate(answer)
    assert not result.passed and NUMBER_POLICY in result.message, result.message


# The stretch checks' rule, tested directly: tests/test_stretch.py uses it to work out the supported conclusion, so a
# swapped "higher"/"lower" there would agree with itself.
@pytest.mark.parametrize(("value", "baseline", "noise", "expected"), [
    (0.90, 0.80, 0.05, "higher"), (0.80, 0.90, 0.05, "lower"), (0.82, 0.80, 0.05, "about the same"),
    (0.78, 0.80, 0.05, "about the same"), (0.85, 0.80, 0.05, "about the same"),  # exactly at the band: the same
    (0.8501, 0.80, 0.05, "higher"), (-3.0, -1.0, 0.5, "lower"), (1.0, 1.0, 0.0, "about the same"),
])
def test_verdict_names_the_direction_beyond_the_noise_band(value, baseline, noise, expected):
    assert verdict(value, baseline, noise) == expected


def test_the_exercise_decorator_turns_a_verify_function_into_an_exercise(capsys):
    from course_utils.checks import Exercise, exercise

    @exercise("Say 2", hint="one more than 1", solution="answer = 2")
    def q9(answer):
        expect_exact(answer, 2, {1: "one short"}, "{answer} is not it")
        return "two"

    assert isinstance(q9, Exercise) and q9.title == "Say 2" and q9.solution_code == "answer = 2"
    assert q9.evaluate(2).passed and q9.evaluate(2).message == "two"
    assert not q9.evaluate(1).passed and "one short" in q9.evaluate(1).message
    q9.hint()
    assert "one more than 1" in capsys.readouterr().out


def test_no_exercise_module_keeps_a_separate_verify_function():
    # Each exercise is one decorated function (checks.exercise), not a private _verify_* and an Exercise(...) apart.
    for module in (nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10, nb11, nb12, nb13):
        source = Path(module.__file__).read_text()
        assert "_verify_" not in source and "= Exercise(" not in source, module.__name__
