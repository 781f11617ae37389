"""The exercise-check API, and notebook 01's checks with right and wrong answers."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from course_utils.checks import CheckFailed, CheckResult, Exercise
from course_utils.data import FASHION_CLASS_NAMES
from course_utils.exercises import nb01


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
