"""Record a notebook's key figures as data, so that reports read values instead of parsing printed text.

``record("test_accuracy", 0.91, expected=(0.90, 1.0))`` shows one line and stores the value in the cell's
output under :data:`MIME_TYPE`. ``read_recorded`` collects them from an executed notebook.
"""

from __future__ import annotations

import math
from typing import Any

from course_utils import mode

MIME_TYPE = "application/vnd.course-utils.metric+json"


def record(name: str, value: float, *, expected: tuple[float, float] | None = None, unit: str = "") -> None:
    """Display ``name = value`` and store it (with the full-mode expected range) in the cell's output."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: recorded values must be finite numbers, got {value}")
    if expected is not None and expected[0] > expected[1]:
        raise ValueError(f"{name}: expected range {expected} is empty")
    payload = {"name": name, "value": value, "expected": list(expected) if expected else None,
               "unit": unit, "mode": mode.name()}
    text = f"recorded {name} = {value:.4g}{unit}"
    if expected is not None:
        text += f" (full mode expects {expected[0]:g} to {expected[1]:g})"
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": text, MIME_TYPE: payload}, raw=True)
    else:
        print(text)


def read_recorded(notebook: Any) -> list[dict[str, Any]]:
    """Return every value recorded in an executed notebook (an ``nbformat`` node), in cell order."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(MIME_TYPE)
            if payload is not None:
                found.append(dict(payload))
    return found
