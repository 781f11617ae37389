"""Figures the notebooks reuse: labelled image grids and training curves.

Each function builds and returns a matplotlib Figure; the notebook calls
``plt.show()``. Nothing here trains or changes a model.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def _label_text(index: int, class_names: Sequence[str] | None) -> str:
    return class_names[index] if class_names is not None else str(index)


def image_grid(
    images: np.ndarray,
    labels: Sequence[int] | np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    *,
    predicted: Sequence[int] | np.ndarray | None = None,
    columns: int = 8,
    title: str | None = None,
) -> Figure:
    """Show images in a grid, titled with their labels (and predictions, red when wrong)."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]  # (N, H, W, 1) -> (N, H, W) for imshow
    if images.ndim != 3:
        raise ValueError(f"expected images shaped (N, H, W) or (N, H, W, 1), got {images.shape}")
    count = len(images)
    columns = max(1, min(columns, count))
    rows = int(np.ceil(count / columns))
    fig, axes = plt.subplots(rows, columns, figsize=(1.5 * columns, 1.7 * rows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        ax.imshow(images[index], cmap="gray_r")
        if labels is None:
            continue
        text = _label_text(int(labels[index]), class_names)
        colour = "black"
        if predicted is not None:
            guess = int(predicted[index])
            colour = "black" if guess == int(labels[index]) else "red"
            text = f"{text}\n→ {_label_text(guess, class_names)}"
        ax.set_title(text, fontsize=8, color=colour)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _history_dict(history: Any) -> Mapping[str, Sequence[float]]:
    return history.history if hasattr(history, "history") else history


def history_curves(
    histories: Mapping[str, Any],
    metrics: Sequence[str] = ("loss", "accuracy"),
) -> Figure:
    """Plot training (solid) and validation (dashed) curves for one or more Keras histories."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes.flat, metrics, strict=True):
        for (run_name, history), colour in zip(histories.items(), itertools.cycle(colours)):
            values = _history_dict(history)
            if metric not in values:
                raise KeyError(f"history {run_name!r} has no {metric!r}; it has {sorted(values)}")
            epochs = np.arange(1, len(values[metric]) + 1)
            ax.plot(epochs, values[metric], "-o", color=colour, label=f"{run_name} train")
            if f"val_{metric}" in values:
                ax.plot(epochs, values[f"val_{metric}"], "--s", color=colour, label=f"{run_name} validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
