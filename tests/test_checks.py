"""The exercise-check API, and notebook 01's checks with right and wrong answers."""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest

from course_utils.checks import (
    CheckFailed,
    CheckResult,
    Exercise,
    expect_function,
    expect_returned,
    expect_whole_number,
    expect_whole_numbers,
)
from course_utils.data import FASHION_CLASS_NAMES
from course_utils.exercises import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08


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
    assert exercise.evaluate(...) == CheckResult(False, exercise.evaluate(None).message)
    assert "placeholder" in exercise.evaluate(...).message
    crashing = Exercise("crash", lambda answer: answer(), hint="", solution="")
    result = crashing.evaluate(lambda: 1 / 0)
    assert not result.passed and "ZeroDivisionError" in result.message


def test_expect_whole_numbers_converts_or_explains():
    assert expect_whole_numbers([np.int64(5), 5.0, "6"], "(a, b, c)") == (5, 5, 6)
    for answer, fragment in [("5x5", "give a tuple (a, b), not '5x5'"), (7, "give a tuple (a, b), not 7"),
                             ((1, None), "whole numbers (a, b)")]:
        with pytest.raises(CheckFailed, match=re.escape(fragment)):
            expect_whole_numbers(answer, "(a, b)")


def test_shared_expectations():
    expect_function(len, "len")
    assert expect_returned(0, "f") == 0
    expect_whole_number(np.int64(3))
    for call, fragment in [
        (lambda: expect_function(3, "f"), "function itself (f), not int"),
        (lambda: expect_returned(None, "f"), "f returned None"),
        (lambda: expect_whole_number(True), "whole number"),
        (lambda: expect_whole_number(3.0), "not float"),
    ]:
        with pytest.raises(CheckFailed, match=fragment.replace("(", r"\(").replace(")", r"\)")):
            call()


def _run_solution(exercise: Exercise, name: str):
    """Execute the solution text exactly as a learner would paste it, and return the answer it defines."""
    namespace = {"keras": keras, "np": np, "class_names": FASHION_CLASS_NAMES}
    exec(exercise.solution_code, namespace)
    return namespace[name]


@pytest.mark.parametrize(
    ("exercise", "name"),
    [(nb01.q1, "dense_parameters"), (nb01.q2, "predicted_class_names"), (nb01.q3, "small_model")],
)
def test_nb01_published_solutions_pass(exercise, name):
    result = exercise.evaluate(_run_solution(exercise, name))
    assert result.passed, result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (100_352, "weights only"),
        (784, "every one of the 784 inputs"),
        (101_770, "whole model"),
        (12345, "is not it"),
        (100480.0, "whole number"),
        (True, "whole number"),
    ],
)
def test_nb01_q1_wrong_answers(answer, fragment):
    result = nb01.q1.evaluate(answer)
    assert not result.passed and fragment in result.message


def _names_from(index_fn):
    return lambda probabilities: [FASHION_CLASS_NAMES[i] for i in index_fn(probabilities)]


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda p: None, "forget `return`"),
        (_names_from(lambda p: p.argmax(axis=0)), "axis=1"),
        (lambda p: p.argmax(axis=1).tolist(), "class numbers"),
        (lambda p: p.max(axis=1).tolist(), "probabilities"),
        (_names_from(lambda p: p.argmin(axis=1)), "expected ['Ankle boot', 'Pullover', 'Trouser']"),
        (lambda p: ["Bag"], "one name per image"),
        ("Ankle boot", "function itself"),
    ],
)
def test_nb01_q2_wrong_answers(answer, fragment):
    result = nb01.q2.evaluate(answer)
    assert not result.passed and fragment in result.message


def _model(*layers, with_input=True):
    stack = [keras.Input(shape=(28, 28))] if with_input else []
    return keras.Sequential(stack + list(layers))


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: _model(keras.layers.Flatten(), keras.layers.Dense(128, "relu"), keras.layers.Dense(10, "softmax")),
         "[128] units"),
        (lambda: _model(keras.layers.Dense(64, "relu"), keras.layers.Dense(10, "softmax")), "forget Flatten"),
        (lambda: _model(keras.layers.Flatten(), keras.layers.Dense(64, "relu"), keras.layers.Dense(10)),
         "activation='softmax'"),
        (lambda: _model(keras.layers.Flatten(), keras.layers.Dense(64, "sigmoid"), keras.layers.Dense(10, "softmax")),
         "activation='relu'"),
        (lambda: _model(keras.layers.Flatten(), keras.layers.Dense(64, "relu"), keras.layers.Dense(10, "softmax"),
                        with_input=False), "keras.Input(shape=(28, 28))"),
        (lambda: "a model", "expected a keras model"),
    ],
)
def test_nb01_q3_wrong_answers(build, fragment):
    result = nb01.q3.evaluate(build())
    assert not result.passed and fragment in result.message


# ---------------------------------------------------------------------------
# Notebook 07: convolution by hand
# ---------------------------------------------------------------------------


def _loops(image, kernel, *, flip=False, shrink=0, pad=False, to_float=True):
    """A learner's convolution with one chosen bug."""
    image = np.asarray(image, dtype=float) if to_float else np.asarray(image)
    kernel = kernel[::-1, ::-1] if flip else kernel
    if pad:
        image = np.pad(image, ((kernel.shape[0] // 2,) * 2, (kernel.shape[1] // 2,) * 2))
    kh, kw = kernel.shape
    out_h, out_w = image.shape[0] - kh + 1 - shrink, image.shape[1] - kw + 1 - shrink
    out = np.zeros((out_h, out_w), dtype=image.dtype)
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel, dtype=image.dtype)
    return out


def _one_wrong_value(image, kernel):
    out = _loops(image, kernel)
    out.flat[3] += 1
    return out


def test_nb07_published_solutions_pass():
    for exercise, name in ((nb07.q1, "my_conv2d"), (nb07.q2, "conv_output_size"), (nb07.q3, "horizontal_edge_kernel")):
        result = exercise.evaluate(_run_solution(exercise, name))
        assert result.passed, result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda image, kernel: _loops(image, kernel, shrink=1), "off by one"),
        (lambda image, kernel: _loops(image, kernel, flip=True), "flipped the kernel"),
        (lambda image, kernel: _loops(image, kernel, pad=True)[: image.shape[0], : image.shape[1]], "padded"),
        (lambda image, kernel: _loops(image, kernel, to_float=False), "uint8 overflow"),
        (lambda image, kernel: _loops(image, kernel).T, "swapped"),
        (_one_wrong_value, "wrong value at output [0, 3]"),
        (lambda image, kernel: None, "forget `return`"),
        ("np.convolve", "function itself"),
    ],
)
def test_nb07_q1_pinpoints_typical_convolution_bugs(answer, fragment):
    result = nb07.q1.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda n, k, p, s: (n - k + 2 * p) // s, "off by one"),
        (lambda n, k, p, s: (n - k) // s + 1, "both* sides"),
        (lambda n, k, p, s: n - k + 2 * p + 1, "stride"),
        (lambda n, k, p, s: (n - k + 2 * p) / s + 1, "floor division"),
        (lambda n, k, p, s: 0, "expected"),
    ],
)
def test_nb07_q2_wrong_formulas(answer, fragment):
    result = nb07.q2.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize(("answer", "fragment"), [("A", "vertical"), ("c", "blur"), ("D", "one of")])
def test_nb07_q3_wrong_choices(answer, fragment):
    result = nb07.q3.evaluate(answer)
    assert not result.passed and fragment in result.message
    assert nb07.q3.evaluate(" b ").passed


# ---------------------------------------------------------------------------
# Notebook 08: pooling by hand
# ---------------------------------------------------------------------------


def test_nb08_published_solutions_pass():
    for exercise, name in ((nb08.q1, "pooled_size"), (nb08.q2, "my_max_pool"), (nb08.q3, "side_after_three_pools")):
        result = exercise.evaluate(_run_solution(exercise, name))
        assert result.passed, result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda n, pool, stride: n // pool, "moves by the stride"),
        (lambda n, pool, stride: (n - pool) // stride, "off by one"),
        (lambda n, pool, stride: (n - pool) / stride + 1, "floor division"),
        (lambda n, pool, stride: None, "forget `return`"),
    ],
)
def test_nb08_q1_wrong_formulas(answer, fragment):
    result = nb08.q1.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


def _pool_loops(x, reduce=np.max, step=2, keep_partial=False):
    rows = range(0, x.shape[0] - (0 if keep_partial else 1), step)
    cols = range(0, x.shape[1] - (0 if keep_partial else 1), step)
    return np.array([[reduce(x[i : i + 2, j : j + 2]) for j in cols] for i in rows])


def _pool_in_place(x):
    x[0, 0] = -1
    return _pool_loops(x)


def _one_wrong_pool_value(x):
    out = _pool_loops(x)
    out[1, 2] += 1
    return out


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda x: _pool_loops(x, reduce=np.mean), "averaged"),
        (lambda x: _pool_loops(x, reduce=np.min), "smallest"),
        (lambda x: _pool_loops(x, step=1), "one pixel at a time"),
        (lambda x: _pool_loops(x, keep_partial=True), "drops the last row"),
        (_pool_in_place, "changed its input"),
        (_one_wrong_pool_value, "wrong value at output [1, 2]"),
        (lambda x: x, "output shape (5, 6)"),
    ],
)
def test_nb08_q2_pinpoints_typical_pooling_bugs(answer, fragment):
    result = nb08.q2.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize(("answer", "fragment"), [(3.5, "7 // 2"), (4, "padding='same'"), (7, "three times"),
                                                  ((3, 3), "one number")])
def test_nb08_q3_wrong_answers(answer, fragment):
    result = nb08.q3.evaluate(answer)
    assert not result.passed and fragment in result.message


# ---------------------------------------------------------------------------
# Notebook 02: first CNN
# ---------------------------------------------------------------------------


def test_nb02_published_solutions_pass():
    for exercise, name in ((nb02.q1, "conv_parameters"), (nb02.q2, "feature_shape"), (nb02.q3, "add_channel_axis")):
        result = exercise.evaluate(_run_solution(exercise, name))
        assert result.passed, result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [(2400, "weights only"), (832, "all 3 colour channels"), (76, "one filter"), (98336, "not on the image size"),
     (1, "is not it"), ("2432", "whole number")],
)
def test_nb02_q1_wrong_answers(answer, fragment):
    result = nb02.q1.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [((7, 7, 64), "padding='same'"), ((5, 5, 1), "channels"), ((4, 4, 64), "floor of 5.5"),
     ((None, 5, 5, 64), "batch axis"), ((1600,), "three numbers"), ("5x5x64", "tuple"), ((6, 6, 64), "layer by layer")],
)
def test_nb02_q2_wrong_answers(answer, fragment):
    result = nb02.q2.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda x: x[:, np.newaxis], "channels-first"),
        (lambda x: x.reshape(len(x), -1), "flattens"),
        (lambda x: x.reshape(3, 28, 28, 1), "hard-code"),
        (lambda x: np.swapaxes(x, 1, 2)[..., np.newaxis], "pixels moved"),
        (lambda x: x[0][..., np.newaxis], "expected (3, 28, 28, 1)"),
    ],
)
def test_nb02_q3_wrong_answers(answer, fragment):
    result = nb02.q3.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


# ---------------------------------------------------------------------------
# Notebook 03: deeper CNN
# ---------------------------------------------------------------------------


def test_nb03_published_solutions_pass():
    for exercise, name in ((nb03.q1, "restored_epoch"), (nb03.q2, "per_class_accuracy"),
                           (nb03.q3, "batchnorm_parameters")):
        result = exercise.evaluate(_run_solution(exercise, name))
        assert result.passed, result.message


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


@pytest.mark.parametrize(("answer", "fragment"), [(9, "stopped"), (4, "patience=3"), (5, "count from 1"),
                                                  (2, "lowest"), (6.0, "an int")])
def test_nb03_q1_wrong_answers(answer, fragment):
    result = nb03.q1.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda m: np.diag(m) / m.sum(axis=0), "precision"),
        (lambda m: np.diag(m), "counts"),
        (lambda m: np.trace(m) / m.sum(), "one value per class"),
        (lambda m: np.diag(m) / m.sum(), "expected"),
    ],
)
def test_nb03_q2_wrong_answers(answer, fragment):
    result = nb03.q2.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize(("answer", "fragment"), [(128, "non-trainable"), (64, "more than one"), (512, "4 numbers")])
def test_nb03_q3_wrong_answers(answer, fragment):
    result = nb03.q3.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


def test_nb03_q3_answer_matches_keras():
    import keras

    layer = keras.layers.BatchNormalization()
    layer.build((None, 7, 7, 64))
    assert layer.count_params() == 256 and nb03.q3.evaluate(256).passed


# ---------------------------------------------------------------------------
# Notebook 04: capacity experiments
# ---------------------------------------------------------------------------


def test_nb04_published_solutions_pass():
    for exercise, name in ((nb04.q1, "conv_parameters"), (nb04.q2, "growth"), (nb04.q3, "recommendation")):
        result = exercise.evaluate(_run_solution(exercise, name))
        assert result.passed, result.message


def test_nb04_q1_formula_matches_keras():
    layer = keras.layers.Conv2D(32, (5, 5))
    layer.build((None, 12, 12, 16))
    assert layer.count_params() == 5 * 5 * 16 * 32 + 32
    assert nb04.q1.evaluate(lambda k, c, f: k * k * c * f + f).passed


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda k, c, f: k * k * c * f, "biases"),
        (lambda k, c, f: k * k * f + f, "every input channel"),
        (lambda k, c, f: k * c * f + f, "kernel * kernel"),
        (lambda k, c, f: 0, "expected"),
    ],
)
def test_nb04_q1_wrong_answers(answer, fragment):
    result = nb04.q1.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize(("answer", "fragment"), [(2, "input channels"), (8, "kernel size"), (16, "which factors")])
def test_nb04_q2_wrong_answers(answer, fragment):
    result = nb04.q2.evaluate(answer)
    assert not result.passed and fragment in result.message


@pytest.mark.parametrize(("answer", "fragment"), [("A", "misses"), ("c", "twice the time"), ("D", "capacity without"),
                                                  ("E", "one of")])
def test_nb04_q3_wrong_answers(answer, fragment):
    result = nb04.q3.evaluate(answer)
    assert not result.passed and fragment in result.message


def test_nb05_published_solutions_pass():
    for exercise, name in ((nb05.q1, "output_shape"), (nb05.q2, "vertical_edge_kernel"),
                           (nb05.q3, "strongest_filter")):
        result = exercise.evaluate(_run_solution(exercise, name))
        assert result.passed, result.message


def test_nb05_q1_answer_matches_keras():
    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(32, 5), keras.layers.MaxPooling2D(2),
                              keras.layers.Conv2D(64, 3, padding="same"), keras.layers.MaxPooling2D(2)])
    assert nb05.q1.evaluate(tuple(model.output_shape[1:])).passed


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [((5, 5, 64), "padding='same'"), ((7, 7, 64), "no padding"), ((6, 6, 32), "filter count"),
     ((12, 12, 64), "pooling layers"), ((1, 6, 6, 64), "batch axis"), ("6x6x64", "tuple"), ((6, 6), "three numbers"),
     ((3, 3, 64), "is not it")],
)
def test_nb05_q1_wrong_answers(answer, fragment):
    result = nb05.q1.evaluate(answer)
    assert not result.passed and fragment in result.message


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


@pytest.mark.parametrize(
    ("answer", "fragment"), [("A", "horizontal edges"), ("B", "blurs"), ("D", "spots"), ("E", "choose one of"),
                             (3, "letter in quotes")],
)
def test_nb05_q2_wrong_answers(answer, fragment):
    result = nb05.q2.evaluate(answer)
    assert not result.passed and fragment in result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda maps: int(np.argmax(maps.max(axis=(0, 1)))), "single largest value"),
        (lambda maps: int(np.argmax(maps)), "flat position"),
        (lambda maps: int(np.argmax(maps.mean(axis=(1, 2)))), "returned"),
        (lambda maps: 3, "9 channels"),
        (lambda maps: float(np.argmax(maps.mean(axis=(0, 1)))), "whole number"),
        (lambda maps: None, "forget `return`"),
    ],
)
def test_nb05_q3_wrong_answers(answer, fragment):
    result = nb05.q3.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


def test_nb06_published_solutions_pass():
    for exercise, name in ((nb06.q1, "StopAtValidationLoss"), (nb06.q2, "most_confused_pair")):
        result = exercise.evaluate(_run_solution(exercise, name))
        assert result.passed, result.message


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


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (_stop_callback(lambda loss, t: loss >= t), "above the threshold"),
        (_stop_callback(lambda loss, t: loss < t - 0.01), "never stopped"),
        (_stop_callback(lambda loss, t: loss < t), "exactly equal"),
        (_stop_callback(lambda loss, t: loss <= t, key="loss"), "training* loss"),
        (_stop_callback(lambda loss, t: False), "never stopped"),
        (_NotACallback, "subclass keras.callbacks.Callback"),
        (_stop_callback(lambda loss, t: loss <= t)(0.05), "class itself"),
    ],
)
def test_nb06_q1_wrong_answers(answer, fragment):
    result = nb06.q1.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message


@pytest.mark.parametrize(
    ("answer", "fragment"),
    [
        (lambda m: np.unravel_index(np.argmax(m), m.shape), "diagonal"),
        (lambda m: np.unravel_index(np.argmax(m - np.diag(np.diag(m))), m.shape)[::-1], "(predicted, true)"),
        (lambda m: (3, 0), "5x5"),
        (lambda m: 7, "(true_class, predicted_class)"),
        (lambda m: None, "forget `return`"),
        (lambda m: (1, 2), "not the largest"),
    ],
)
def test_nb06_q2_wrong_answers(answer, fragment):
    result = nb06.q2.evaluate(answer)
    assert not result.passed and fragment in result.message, result.message
