"""Exercise checks in the spirit of Kaggle Learn: ``q1.check(answer)``, ``q1.hint()``, ``q1.solution()``.

An exercise is a small object defined outside the notebook. Its ``verify``
function raises :class:`CheckFailed` with feedback when an answer is wrong.
``evaluate`` returns a :class:`CheckResult` without printing (for tests);
``check`` prints it (for learners).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


class CheckFailed(Exception):
    """Raised by a verify function: the message tells the learner what is wrong."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one answer."""

    passed: bool
    message: str

    def __str__(self) -> str:
        return f"{'✅ Correct' if self.passed else '❌ Not yet'}: {self.message}"


class Exercise:
    """One exercise: a title, a verify function, a hint and a solution."""

    def __init__(
        self,
        title: str,
        verify: Callable[[Any], str | None],
        *,
        hint: str,
        solution: str,
    ) -> None:
        self.title = title
        self._verify = verify
        self._hint = hint
        self.solution_code = solution

    def evaluate(self, answer: Any) -> CheckResult:
        """Check ``answer`` and return the result without printing."""
        if answer is None or answer is Ellipsis:
            return CheckResult(False, "no answer yet. Replace the `...` placeholder, then run the check again.")
        try:
            praise = self._verify(answer)
        except CheckFailed as failure:
            return CheckResult(False, str(failure))
        except Exception as error:  # noqa: BLE001 - a learner's bug is feedback, not a crash
            return CheckResult(False, f"checking your answer raised {type(error).__name__}: {error}")
        return CheckResult(True, praise or self.title)

    def check(self, answer: Any) -> None:
        """Check ``answer`` and print feedback."""
        print(self.evaluate(answer))

    def hint(self) -> None:
        """Print a hint."""
        print(f"💡 Hint: {self._hint}")

    def solution(self) -> None:
        """Print a worked solution."""
        print(f"Solution:\n{self.solution_code}")


# Checks that many exercises share, with one wording everywhere.


def expect_function(answer: Any, name: str) -> None:
    """Fail unless ``answer`` is callable (learners sometimes pass a call's result instead of the function)."""
    if not callable(answer):
        raise CheckFailed(f"pass the function itself ({name}), not {type(answer).__name__}")


def expect_returned(result: Any, name: str) -> Any:
    """Fail when a learner's function returned None; otherwise return ``result`` unchanged."""
    if result is None:
        raise CheckFailed(f"{name} returned None. Did you forget `return`?")
    return result


def expect_whole_number(answer: Any) -> None:
    """Fail unless ``answer`` is an int (bool excluded, NumPy integers allowed)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        raise CheckFailed(f"give a whole number (an int), not {type(answer).__name__}")


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
    if isinstance(answer, str) or not hasattr(answer, "__len__"):
        raise CheckFailed(f"give a tuple {fields}, not {answer!r}")
    try:
        return tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        raise CheckFailed(f"give a tuple of whole numbers {fields}, not {answer!r}") from None
