"""Interactive sliders for a plotting function, with a static figure where widgets are unavailable.

Uses only ``interact`` and ``IntSlider``, which behave the same in ipywidgets 7.7 (Colab) and 8.x.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt


def widgets_available() -> bool:
    """Return True when ipywidgets can be imported."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def explore(plot: Callable[..., Any], **sliders: tuple[int, int, int]) -> Any:
    """Call ``plot`` under one integer slider per keyword, given as (min, max, start); static when no widgets."""
    for name, (low, high, start) in sliders.items():
        if not low <= start <= high:
            raise ValueError(f"slider {name!r}: start {start} is outside [{low}, {high}]")

    def draw(**values: int) -> None:
        plot(**values)
        plt.show()  # inside interact, this puts the figure in the widget's output area

    if not widgets_available():
        print("ipywidgets is not installed, so here is a static figure for the start values. "
              "`pip install ipywidgets` (then restart the kernel) gives you sliders.")
        draw(**{name: start for name, (_, _, start) in sliders.items()})
        return None
    from ipywidgets import IntSlider, interact

    controls = {
        name: IntSlider(min=low, max=high, value=start, description=name, continuous_update=False)
        for name, (low, high, start) in sliders.items()
    }
    return interact(draw, **controls)
