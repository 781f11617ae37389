"""Record a notebook's key figures as data, and check them where full mode promises them.

``expect("test_accuracy", 0.91, full=(0.89, 1.0))`` shows one line, stores the value in the cell's output under
:data:`MIME_TYPE`, and in full mode flags a value outside its range; ``record(gap=0.02, drop=0.3)`` stores figures
that the text quotes without a promised range. ``claim("cnn_beats_dense", cnn > dense, "the CNN beats the dense
baseline")`` stores a comparison the text relies on and, in full mode, flags it when it does not hold. A cell with
several figures records them in one call: ``record(gap=0.02, expect={"test_accuracy": (0.91, (0.89, 1.0))},
claims={"cnn_beats_dense": (cnn > dense, "the CNN beats the dense baseline")})``.

A learner's run is never stopped by these: a failed one shows a visible warning (what differs, what it means for
the text, how to report it) and the notebook goes on. With ``COURSE_STRICT=1`` (CI, ``make report``, ``make
seed-study``, ``make execute`` and the tests) it raises :class:`ExpectationError` instead. ``read_recorded``
collects both from an executed notebook; the report and the tests read them.
All three return nothing, so a call that ends a notebook cell shows its own line and no stray ``True``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from course_utils import mode

MIME_TYPE = "application/vnd.course-utils.metric+json"


class ExpectationError(AssertionError):
    """A full-mode figure or claim did not hold (raised only with ``COURSE_STRICT=1``)."""


REPORT_HINT = ("Check that every cell above ran in order in a fresh kernel (Kernel → Restart and run all). If it "
               "still differs, please report it to the course (an issue on its repository) with the environment "
               "report printed by the setup cell.")


def _fail(message: str) -> None:
    """Raise in strict mode; otherwise show ``message`` as a visible warning and let the notebook go on."""
    if mode.is_strict():
        raise ExpectationError(message)
    text = f"⚠ WARNING (the notebook goes on): {message}"
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is not None and get_ipython() is not None:
        import html

        display(HTML('<div style="background:#fff3cd;color:#664d03;border-left:6px solid #b58100;padding:6px 10px;'
                     f'font-weight:600">{html.escape(text)}</div>'))
    else:
        print(text)


def _show(text: str, payload: dict[str, Any]) -> None:
    """Display ``text`` with ``payload`` attached in Jupyter; print it elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": text, MIME_TYPE: payload}, raw=True)
    else:
        print(text)


def _record(name: str, value: float, expected: tuple[float, float] | None = None) -> None:
    """Display ``name = value`` and store it, with its full-mode range, in the cell's output."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: recorded values must be finite numbers, got {value}")
    if expected is not None and expected[0] > expected[1]:
        raise ValueError(f"{name}: expected range {expected} is empty")
    payload = {"name": name, "value": value, "expected": list(expected) if expected else None,
               "unit": "", "mode": mode.name()}
    text = f"recorded {name} = {value:.4g}"
    if expected is not None:
        text += f" (full mode expects {expected[0]:g} to {expected[1]:g})"
    _show(text, payload)


def record(*, expect: dict[str, tuple[float, tuple[float, float]]] | None = None,
           claims: dict[str, tuple[bool, str]] | None = None, **values: float) -> None:
    """Record a cell's figures in one call: values, ``expect={name: (value, full)}``, ``claims={name: (ok, why)}``."""
    if not (values or expect or claims):
        raise TypeError("record() needs at least one name=value, e.g. record(test_accuracy=0.91)")
    for name, value in values.items():
        _record(name, value)
    for name, pair in (expect or {}).items():
        value, full = _pair(name, pair, "(value, (low, high))")
        _expect(name, value, full)
    for name, pair in (claims or {}).items():
        claim(name, *_pair(name, pair, "(holds, statement)"))


def _pair(name: str, pair: Any, form: str) -> tuple[Any, Any]:
    """Return ``pair`` as two items, or say which entry is malformed and what it should look like."""
    if not isinstance(pair, tuple) or len(pair) != 2:
        raise TypeError(f"record(): the entry for {name!r} must be a pair {form}, got {pair!r}")
    return pair


def expect(name: str, value: float, *, full: tuple[float, float]) -> None:
    """Record ``value``; in full mode warn (raise when strict) unless it lies within ``full``."""
    _expect(name, value, full)


def _expect(name: str, value: float, full: tuple[float, float]) -> None:
    """Record ``value`` with its full-mode range and flag it when outside."""
    _record(name, value, expected=full)
    value = float(value)
    if not mode.is_fast() and not full[0] <= value <= full[1]:
        _fail(f"{name} = {value:.4g} is outside the range full mode expects ({full[0]:g} to {full[1]:g}), "
              "which comes from a study over several seeds (docs/results.md). The figures quoted in the text above "
              f"may not match this run. {REPORT_HINT}")


def claim(name: str, holds: bool, statement: str) -> None:
    """Record a comparison the text relies on; in full mode warn (raise when strict) if it does not hold."""
    holds = bool(holds)
    payload = {"name": name, "value": float(holds), "expected": [1.0, 1.0], "unit": "", "mode": mode.name(),
               "statement": statement}
    if holds:
        text = f"✓ {statement}"
    elif mode.is_fast():
        text = f"✗ not in this fast-mode run (full mode checks it): {statement}"
    else:
        text = f"✗ does not hold: {statement}"
    _show(text, payload)
    if not holds and not mode.is_fast():
        _fail(f"claim {name!r} does not hold in this full-mode run: {statement}. The text around this cell says it "
              f"does, so read it with care for this run. {REPORT_HINT}")


def read_recorded(notebook: Any) -> list[dict[str, Any]]:
    """Return every value recorded in an executed notebook (an ``nbformat`` node), in cell order."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(MIME_TYPE)
            if payload is not None:
                found.append(dict(payload))
    return found


VERIFIED_FILE = "verified.json"  # in the JupyterLite site's data folder: what the stored full-mode runs recorded


def show_verified(*names: str) -> None:
    """Where TensorFlow is missing (the browser), print what the stored, tested full-mode run recorded for ``names``."""
    for name in names:
        _show_verified(name)


def _show_verified(name: str) -> None:
    """Print the stored full-mode value of ``name``, or where the comparison runs when none is stored."""
    from course_utils import data

    folder = data.mirror_dir()
    path = folder / VERIFIED_FILE if folder is not None else None
    recorded = json.loads(path.read_text()).get(name) if path is not None and path.is_file() else None
    note = "TensorFlow is not available here (a browser has none), so this comparison did not run."
    if recorded is None:
        print(f"{note} It runs wherever TensorFlow is installed: Colab, Binder or your own machine.")
        return
    low, high = recorded.get("expected") or (None, None)
    bounds = f" (expected {low:g} to {high:g})" if low is not None else ""
    print(f"{note} In the course's full-mode run, which the test suite checks, it recorded "
          f"{name} = {recorded['value']:.3g}{bounds}.")
