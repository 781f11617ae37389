"""Exercise checks in the spirit of Kaggle Learn: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

An exercise is a small object defined outside the notebook. Its ``verify``
function raises :class:`CheckFailed` with feedback when an answer is wrong.
``evaluate`` returns a :class:`CheckResult` without printing (for tests);
``check`` prints it (for learners). Neither ever raises, whatever the answer.

One number policy for every exercise (:data:`NUMBER_POLICY`): a number is an ``int`` or a ``float`` (NumPy
scalars too); a whole-number answer may be written ``6`` or ``6.0`` but never as a fraction, which is reported,
not rounded; text such as ``"6"`` is not a number. An answer still equal to its placeholder (``...``, or a
function or class whose body is still ``...``) is reported as not attempted, not as wrong.
"""

from __future__ import annotations

import dis
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# What an exercise module takes with `from course_utils.checks import *`, as learntools' modules take learntools.core.
__all__ = ["NUMBER_POLICY", "CheckFailed", "CheckResult", "Exercise", "call", "exercise", "expect_choice",
           "expect_exact", "expect_feature_shape", "expect_function", "expect_letter", "expect_measured",
           "expect_model", "expect_number", "expect_returned", "expect_verdict", "expect_whole_number",
           "expect_whole_numbers", "is_untouched_stub", "layer_types", "reject_arrays", "reject_known", "verdict"]

NUMBER_POLICY = ("numbers are ints or floats; a whole number may be written 6 or 6.0, a fraction is never rounded "
                 "for you, and text such as '6' is not a number")


class CheckFailed(Exception):
    """Raised by a verify function: the message tells the learner what is wrong."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one answer: passed, or not yet (attempted or still the placeholder)."""

    passed: bool
    message: str
    attempted: bool = True

    def __str__(self) -> str:
        if not self.attempted:
            return f"✏️ Not attempted yet: {self.message}"
        return f"{'✅ Correct' if self.passed else '❌ Not yet'}: {self.message}"


def _stub(*args: Any, **kwargs: Any) -> None: ...


def is_untouched_stub(answer: Any) -> bool:
    """True for ``...``/None, a function whose body is only ``...`` (or pass), or a class with no methods yet."""
    if answer is None or answer is Ellipsis:
        return True
    if isinstance(answer, type):
        own = [value for name, value in vars(answer).items()
               if callable(value) and (not name.startswith("__") or name == "__init__")]
        return all(is_untouched_stub(method) for method in own)
    code = getattr(answer, "__code__", None)
    # A body made only of `...`, `pass`, comments or a docstring compiles to the instructions of an empty function
    # (learntools' trick), whatever the arguments; compare by name and value, since a docstring shifts indices.
    return code is not None and _instructions(code) == _instructions(_stub.__code__)


def _instructions(code: Any) -> list[tuple[str, Any]]:
    return [(op.opname, op.argval) for op in dis.get_instructions(code)]


class Exercise:
    """One exercise: a title, a verify function, a hint and a solution (one cell, or several for a stretch)."""

    def __init__(
        self,
        title: str,
        verify: Callable[..., str | None],
        *,
        hint: str,
        solution: str | Sequence[str],
        callable_name: str | None = None,
    ) -> None:
        self.title = title
        self.callable_name = callable_name  # the function or class the learner passes, for exercises that take one
        self._verify = verify
        self._hint = hint
        self.solution_cells = (solution,) if isinstance(solution, str) else tuple(solution)
        self.solution_code = "\n\n".join(self.solution_cells)

    def evaluate(self, answer: Any, **measured: Any) -> CheckResult:
        """Check ``answer`` (with what the learner ``measured``, for a stretch) without printing; never raises."""
        try:
            if answer is None and self.callable_name:
                return CheckResult(False, f"got None, not {self.callable_name}. Pass {self.callable_name} itself, "
                                          f"without brackets: `check({self.callable_name})`. Writing "
                                          f"`{self.callable_name}(...)` calls it and passes what it returned, and "
                                          "None is what a body without `return` (or still `...`) returns.")
            if is_untouched_stub(answer):
                where = "the body of your code" if callable(answer) else "the answer"
                return CheckResult(False, f"{where} is still the `...` placeholder. Replace `...` with your "
                                          "answer, then run this cell again.", attempted=False)
            praise = self._verify(answer, **measured)
        except CheckFailed as failure:
            return CheckResult(False, str(failure))
        except Exception as error:  # noqa: BLE001 - a learner's bug is feedback, not a crash
            return CheckResult(False, f"checking your answer raised {type(error).__name__}: {_short(error)}. "
                                      "Run your code on a small example to find the line that fails.")
        return CheckResult(True, praise or self.title)

    def check(self, answer: Any, **measured: Any) -> None:
        """Check ``answer`` and print feedback."""
        print(self.evaluate(answer, **measured))

    def ready(self, answer: Any) -> bool:
        """True once ``answer`` is no longer its `...` placeholder; otherwise print what to do and return False."""
        if not is_untouched_stub(answer):
            return True
        name = getattr(answer, "__name__", "the answer")
        print(f"✏️ Not attempted yet: {name} is still the `...` placeholder. Write it in the cell above, run that "
              "cell, then run this one again.")
        return False

    def hint(self) -> None:
        """Print a hint."""
        print(f"💡 Hint: {self._hint}")

    def solution(self) -> None:
        """Print a worked solution."""
        if len(self.solution_cells) == 1:
            print(f"Solution:\n{self.solution_code}")
            return
        for number, cell in enumerate(self.solution_cells, start=1):
            print(f"Solution, cell {number} of {len(self.solution_cells)}:\n{cell}\n")


def exercise(title: str, *, hint: str, solution: str | Sequence[str],
             callable_name: str | None = None) -> Callable[[Callable[..., str | None]], Exercise]:
    """Decorator: the verify function below becomes an :class:`Exercise` of that name (``@exercise(...) def q1``)."""
    return lambda verify: Exercise(title, verify, hint=hint, solution=solution, callable_name=callable_name)


# Checks that many exercises share, with one wording everywhere.


def expect_function(answer: Any, name: str) -> None:
    """Fail unless ``answer`` is callable (learners sometimes pass a call's result instead of the function)."""
    if not callable(answer):
        raise CheckFailed(f"pass the function itself ({name}), not {type(answer).__name__}")


def expect_returned(result: Any, name: str) -> Any:
    """Fail when a learner's function returned None (a body without `return`); otherwise return ``result``."""
    if result is None:
        raise CheckFailed(f"{name} returned None. Did you forget `return`?")
    return result


def call(function: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call a learner's ``function`` (named ``name`` in feedback) and return what it returned, which is not None."""
    expect_function(function, name)
    return expect_returned(function(*args, **kwargs), name)


def reject_known(answer: Any, wrong: Mapping[Any, str]) -> None:
    """Fail with the message that ``wrong`` keeps for ``answer``, when ``answer`` is a known wrong answer."""
    try:
        message = wrong.get(answer)
    except TypeError:  # unhashable answers (lists, arrays) are never table keys
        return
    if message is not None:
        raise CheckFailed(message)


def expect_exact(answer: Any, right: Any, wrong: Mapping[Any, str], otherwise: str) -> Any:
    """Return ``answer`` if it equals ``right``; else fail with its ``wrong`` message, or ``otherwise`` ({answer})."""
    if answer == right:
        return answer
    reject_known(answer, wrong)
    raise CheckFailed(otherwise.format(answer=answer))


def reject_arrays(result: Any, wrong: Sequence[tuple[Any, str]]) -> None:
    """Fail with the message of the first known wrong array in ``wrong`` that ``result`` equals exactly."""
    for known, message in wrong:
        if np.array_equal(result, known):
            raise CheckFailed(message)


def expect_letter(answer: Any, letters: str, wrong: Mapping[str, str] | None = None) -> str:
    """Return the one of ``letters`` (e.g. "ABC") that ``answer`` names, in any case, or fail; ``wrong`` explains."""
    listed = ", ".join(f"'{letter}'" for letter in letters)
    if not isinstance(answer, str):
        raise CheckFailed(f"answer with one letter in quotes, one of {listed}, not {_short(answer)}")
    given = answer.strip().lower()
    found = [letter for letter in letters if letter.lower() == given]
    if not found:
        raise CheckFailed(f"{_short(answer)} is not one of the choices; choose one of {listed}")
    reject_known(found[0], wrong or {})
    return found[0]


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value) if not isinstance(value, BaseException) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def expect_number(answer: Any, what: str = "a number") -> float:
    """Return ``answer`` as a float, or fail for text, booleans, containers and NaN (see NUMBER_POLICY)."""
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.reshape(()).item()
    if isinstance(answer, str):
        raise CheckFailed(f"{_short(answer)} is text. Give {what} as a number, without quotes: {answer.strip()} "
                          f"({NUMBER_POLICY})")
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.integer, np.floating)):
        raise CheckFailed(f"give {what}, not {type(answer).__name__} {_short(answer)} ({NUMBER_POLICY})")
    value = float(answer)
    if not math.isfinite(value):
        raise CheckFailed(f"give {what}, not {value}")
    return value


def expect_whole_number(answer: Any, what: str = "a whole number") -> int:
    """Return ``answer`` as an int; fail for fractions (never rounded), text and non-numbers (see NUMBER_POLICY)."""
    value = expect_number(answer, what)
    if not value.is_integer():
        raise CheckFailed(f"{_short(answer)} is not a whole number; give {what}. Counts and sizes are whole: "
                          "when a division leaves a fraction, work out whether the layer rounds it down "
                          f"({NUMBER_POLICY})")
    return int(value)


def expect_feature_shape(answer: Any) -> tuple[int, int, int]:
    """Return one image's ``(height, width, channels)`` as ints, or fail (batch axis included, wrong length, text)."""
    if hasattr(answer, "__len__") and not isinstance(answer, str) and len(answer) == 4:
        raise CheckFailed("leave out the batch axis: give (height, width, channels)")
    shape = expect_whole_numbers(answer, "(height, width, channels)")
    if len(shape) != 3:
        raise CheckFailed(f"give three numbers (height, width, channels), not {len(shape)}")
    return shape  # type: ignore[return-value]


def expect_whole_numbers(answer: Any, fields: str) -> tuple[int, ...]:
    """Return ``answer`` as a tuple of ints, or fail naming the expected ``fields``, e.g. "(height, width)"."""
    if isinstance(answer, (str, dict)) or not hasattr(answer, "__len__") or getattr(answer, "ndim", 1) != 1:
        raise CheckFailed(f"give a tuple {fields}, not {_short(answer)}")
    try:
        return tuple(expect_whole_number(v, f"whole numbers in {fields}") for v in answer)
    except CheckFailed as failure:
        raise CheckFailed(f"in {_short(tuple(answer))}: {failure}") from None


# Stretch exercises: the learner runs an experiment and states a conclusion; the check holds it against their numbers.

VERDICTS = ("higher", "lower", "about the same")


def expect_choice(answer: Any, choices: Sequence[str], what: str) -> str:
    """Return ``answer`` trimmed and in lower case if it is one of ``choices``; otherwise fail listing them."""
    listed = ", ".join(repr(choice) for choice in choices)
    if not isinstance(answer, str):
        raise CheckFailed(f"give {what} as one of {listed}, in quotes, not {type(answer).__name__} {_short(answer)}")
    if answer.strip().lower() not in choices:
        raise CheckFailed(f"{_short(answer)} is not one of the choices; give {what} as one of {listed}")
    return answer.strip().lower()


def expect_measured(value: Any, name: str) -> float:
    """Return a measurement as a float, or fail saying which cell to run when it is still None."""
    if value is None:
        raise CheckFailed(f"{name} is None: the experiment has not run yet. Run the cell that trains and measures, "
                          "then this one")
    return expect_number(value, name)


def verdict(value: float, baseline: float, noise: float) -> str:
    """'higher', 'lower' or 'about the same': ``value`` against ``baseline``; a gap within ``noise`` is the same."""
    if value > baseline + noise:
        return "higher"
    if value < baseline - noise:
        return "lower"
    return "about the same"


def expect_verdict(answer: Any, value: float, baseline: float, noise: float, what: str,
                   why_noise: str = "a different seed alone moves the result about that much") -> str:
    """Fail unless ``answer`` is the verdict that ``value`` against ``baseline`` supports; return it."""
    said = expect_choice(answer, VERDICTS, "your conclusion")
    supported = verdict(value, baseline, noise)
    if said != supported:
        raise CheckFailed(f"your own numbers say {supported!r}: {what} {value:.4f} against {baseline:.4f}, a "
                          f"difference of {value - baseline:+.4f}. A difference within ±{noise:g} is 'about the "
                          f"same': {why_noise}")
    return supported


def expect_model(model: Any, name: str) -> Any:
    """Fail unless ``model`` is a built Keras model; a None says the training cell has not run."""
    if model is None:
        raise CheckFailed(f"{name} is None: run the cell that builds and trains it first")
    if not (hasattr(model, "layers") and hasattr(model, "count_params")):
        raise CheckFailed(f"{name} should be a Keras model, not {type(model).__name__} {_short(model)}")
    return model


def layer_types(model: Any) -> list[str]:
    """The class names of a model's layers, in order, e.g. ['Rescaling', 'Conv2D', ...]."""
    return [type(layer).__name__ for layer in model.layers]
