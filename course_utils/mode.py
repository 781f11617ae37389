"""Fast mode vs full mode: one switch, one code path.

Full mode is what learners run. Fast mode (``COURSE_FAST=1``, set by CI) keeps
every notebook cell running but on a small subset with fewer epochs, so the
whole course can be executed in minutes. Its numbers are not representative.
"""

from __future__ import annotations

import os
from typing import TypeVar

import numpy as np

FAST_ENV = "COURSE_FAST"
STRICT_ENV = "COURSE_STRICT"
_TRUE_VALUES = {"1", "true", "yes", "on"}

T = TypeVar("T")


def is_fast() -> bool:
    """Return True when ``COURSE_FAST`` is set to a true value (1/true/yes/on)."""
    return os.environ.get(FAST_ENV, "").strip().lower() in _TRUE_VALUES


def is_strict() -> bool:
    """Return True when ``COURSE_STRICT`` is set: a failed full-mode check then stops the run (CI, reports, tests)."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in _TRUE_VALUES


def name() -> str:
    """Return ``"fast"`` or ``"full"``."""
    return "fast" if is_fast() else "full"


def by_mode(full: T, fast: T) -> T:
    """Return ``full`` in full mode and ``fast`` in fast mode, e.g. ``epochs = by_mode(5, 1)``."""
    return fast if is_fast() else full


def subset(*arrays: np.ndarray, fast: int) -> tuple[np.ndarray, ...]:
    """Return the first ``fast`` rows of each array in fast mode, the arrays unchanged in full mode."""
    if fast < 1:
        raise ValueError(f"fast must be a positive number of samples, got {fast}")
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        raise ValueError(f"all arrays must have the same length, got lengths {sorted(lengths)}")
    if not is_fast():
        return arrays
    return tuple(a[:fast] for a in arrays)


def banner_text() -> str:
    """Return the one-line mode banner that every notebook's setup cell shows."""
    if is_fast():
        return (
            "FAST MODE (COURSE_FAST=1): small data subset and fewer epochs. "
            "The numbers below are NOT representative. Unset COURSE_FAST for the real course."
        )
    return "FULL MODE: the real course settings. Numbers below are what you should expect."
