"""A wall-clock timer for training runs."""

from __future__ import annotations

import time
from types import TracebackType


def format_seconds(seconds: float) -> str:
    """Format a duration for people: ``"4.2 s"`` or ``"2 min 05 s"``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class Timer:
    """Context manager that measures wall time: ``with Timer() as t: ...; t.seconds``."""

    def __init__(self) -> None:
        self.seconds: float = 0.0
        self._start: float | None = None

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._start is not None
        self.seconds = time.perf_counter() - self._start

    def __str__(self) -> str:
        return format_seconds(self.seconds)
