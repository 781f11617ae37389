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


def _grid_title(label: int, guess: int | None, class_names: Sequence[str] | None) -> tuple[str, str]:
    """An image's title and colour: its label, and the prediction, red and marked "(wrong)" when wrong."""
    text = _label_text(label, class_names)
    if guess is None:
        return text, "black"
    right = guess == label  # said in words too: colour alone does not reach every reader
    return f"{text}\n→ {_label_text(guess, class_names)}" + ("" if right else " (wrong)"), "black" if right else "red"


def image_grid(
    images: np.ndarray,
    labels: Sequence[int] | np.ndarray | None = None,
    class_names: Sequence[str] | None = None,
    *,
    predicted: Sequence[int] | np.ndarray | None = None,
    columns: int = 8,
    title: str | None = None,
) -> Figure:
    """Show images in a grid, titled with their labels (and predictions, red and marked "(wrong)" when wrong)."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]  # (N, H, W, 1) -> (N, H, W) for imshow
    if images.ndim != 3:
        raise ValueError(f"expected images shaped (N, H, W) or (N, H, W, 1), got {images.shape}")
    count = len(images)
    columns = max(1, min(columns, count))
    rows = int(np.ceil(count / columns))
    title_lines = 0 if labels is None else (2 if predicted is not None else 1)
    # Room for each title's lines above its image, so a row's titles never cover the row above.
    fig, axes = plt.subplots(rows, columns, figsize=(1.5 * columns, (1.5 + 0.22 * title_lines) * rows + 0.4),
                             squeeze=False)
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        ax.imshow(images[index], cmap="gray")
        if labels is not None:
            guess = None if predicted is None else int(predicted[index])
            text, colour = _grid_title(int(labels[index]), guess, class_names)
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
    *,
    title: str,
) -> Figure:
    """Plot training (solid) and validation (dashed) curves for one or more Keras histories, under ``title``."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.8), squeeze=False)
    fig.suptitle(title)
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
        ax.xaxis.set_major_locator(plt.MaxNLocator(nbins=10, integer=True))  # readable for 5 or 50 epochs
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def confusion_matrix(
    matrix: np.ndarray, class_names: Sequence[str], *, title: str | None = None, log_colour: bool = False
) -> Figure:
    """Draw a confusion matrix (rows: true class, columns: predicted) with counts, coloured by share of the row.

    With ``log_colour=True`` the colours follow the row share on a log scale, so that a few errors out of a thousand
    still show next to a diagonal of 99%.
    """
    from matplotlib.colors import LogNorm

    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] != len(class_names):
        raise ValueError(f"expected a square ({len(class_names)}, {len(class_names)}) matrix, got {matrix.shape}")
    row_share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(8.6, 7))
    if log_colour:
        floor = 1 / max(int(matrix.sum(axis=1).max()), 1)
        shown = ax.imshow(np.where(row_share > 0, row_share, np.nan), cmap="Blues", norm=LogNorm(floor, 1))
    else:
        shown = ax.imshow(row_share, cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(shown, ax=ax, fraction=0.046, label="share of the true class's images" +
                 (" (log scale)" if log_colour else ""))
    for (row, column), count in np.ndenumerate(matrix):
        colour = "white" if row_share[row, column] > 0.5 else "black"
        ax.text(column, row, str(count), ha="center", va="center", fontsize=8, color=colour)
    recall = np.diag(row_share)
    ax.set_xticks(range(len(class_names)), class_names, rotation=45, ha="right")
    ax.set_yticks(range(len(class_names)), [f"{name} ({r:.0%})" for name, r in zip(class_names, recall, strict=True)])
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class (share of it predicted correctly)")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def misclassified_gallery(
    images: np.ndarray,
    true_labels: np.ndarray,
    probabilities: np.ndarray,
    class_names: Sequence[str],
    *,
    count: int = 16,
    columns: int = 8,
) -> Figure:
    """Show the most confidently wrong predictions: true label, predicted label and its probability."""
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    wrong = np.flatnonzero(predicted != true_labels)
    worst = wrong[np.argsort(confidence[wrong])[::-1][:count]]
    images = np.asarray(images)
    images = images[..., 0] if images.ndim == 4 else images
    columns = max(1, min(columns, len(worst)))
    rows = max(1, int(np.ceil(len(worst) / columns)))
    fig, axes = plt.subplots(rows, columns, figsize=(1.6 * columns, 2.4 * rows + 0.4), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, index in zip(axes.flat, worst, strict=False):  # more axes than images in the last row
        ax.imshow(images[index], cmap="gray")
        ax.set_title(
            f"true {class_names[true_labels[index]]}\npred {class_names[predicted[index]]}\n{confidence[index]:.0%}",
            fontsize=7,
            color="red",
        )
    fig.suptitle(f"The {len(worst)} most confident mistakes (of {len(wrong):,})")
    fig.tight_layout()
    return fig


def channel_grid(
    maps: np.ndarray,
    *,
    count: int | None = None,
    columns: int = 8,
    cmap: str = "viridis",
    symmetric: bool = False,
    limit: float | None = None,
    title: str | None = None,
) -> Figure:
    """Show the channels of one (H, W, C) array on one shared colour scale, with a colourbar."""
    maps = np.asarray(maps)
    if maps.ndim != 3:
        raise ValueError(
            f"expected one (height, width, channels) array, got shape {maps.shape}; "
            "for a batch, pick one image first, e.g. maps[0]"
        )
    count = maps.shape[-1] if count is None else min(count, maps.shape[-1])
    columns = max(1, min(columns, count))
    rows = int(np.ceil(count / columns))
    # One scale for every panel (``limit`` shares it across figures), so brightness compares between panels.
    limit = limit if limit is not None else (float(np.abs(maps[..., :count]).max()) or 1.0)
    low = -limit if symmetric else min(0.0, float(maps[..., :count].min()))
    fig, axes = plt.subplots(rows, columns, figsize=(1.2 * columns + 0.8, 1.3 * rows + 0.2), squeeze=False)
    shown = None
    for index, ax in enumerate(axes.flat):
        ax.axis("off")
        if index >= count:
            continue
        shown = ax.imshow(maps[..., index], cmap=cmap, vmin=low, vmax=limit)
        ax.set_title(str(index), fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    if shown is not None:
        fig.colorbar(shown, ax=axes.ravel().tolist(), fraction=0.02, pad=0.01)
    return fig


def feature_map_panel(
    image: np.ndarray,
    activations: Sequence[np.ndarray],
    layer_names: Sequence[str],
    layer: int,
    filter_index: int,
) -> Figure:
    """Show an input image next to one filter's map at one layer; ``activations`` holds one (H, W, C) per layer."""
    if len(activations) != len(layer_names):
        raise ValueError(f"{len(activations)} activation arrays but {len(layer_names)} layer names")
    if not 0 <= layer < len(activations):
        raise IndexError(f"layer {layer} does not exist: choose 0 to {len(activations) - 1}")
    maps = np.asarray(activations[layer])
    if maps.ndim != 3:
        raise ValueError(f"activations[{layer}] must be (height, width, channels) for one image, got {maps.shape}")
    if not 0 <= filter_index < maps.shape[-1]:
        raise IndexError(f"{layer_names[layer]} has {maps.shape[-1]} filters: choose 0 to {maps.shape[-1] - 1}")
    image = np.asarray(image)
    image = image[..., 0] if image.ndim == 3 else image
    fig, (left, right) = plt.subplots(1, 2, figsize=(6, 3))
    left.imshow(image, cmap="gray")
    left.set_title("input", fontsize=9)
    shown = right.imshow(maps[..., filter_index], cmap="viridis")
    right.set_title(f"{layer_names[layer]}, filter {filter_index}\n{maps.shape[0]}×{maps.shape[1]} map", fontsize=9)
    fig.colorbar(shown, ax=right, fraction=0.046)
    for ax in (left, right):
        ax.axis("off")
    fig.tight_layout()
    return fig


def _number_grid(ax: Any, values: np.ndarray, fmt: str, cmap: str, title: str) -> None:
    """Draw a small 2-D array as coloured cells with each value written in its cell."""
    limit = float(np.abs(values).max()) or 1.0
    if cmap == "gray":  # pixels as the data has them: 0 black (the background), 1 white (ink)
        ax.imshow(values, cmap=cmap, vmin=0, vmax=max(1.0, limit))
    else:  # signed values: blue negative, red positive, white 0
        ax.imshow(values, cmap=cmap, vmin=-limit, vmax=limit)
    for (row, col), value in np.ndenumerate(values):
        dark_cell = value < 0.45 * max(1.0, limit) if cmap == "gray" else abs(value) > 0.7 * limit
        ax.text(col, row, format(value + 0.0, fmt), ha="center", va="center", fontsize=8,  # + 0.0: no "-0.00"
                color="white" if dark_cell else "black")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


def conv_window(patch: np.ndarray, kernel: np.ndarray, row: int, col: int) -> Figure:
    """Show one step of a valid convolution: the window at (row, col), the kernel, the sum, and the output map."""
    patch, kernel = np.asarray(patch, dtype=float), np.asarray(kernel, dtype=float)
    if patch.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"patch and kernel must be 2-D, got shapes {patch.shape} and {kernel.shape}")
    kh, kw = kernel.shape
    out_h, out_w = patch.shape[0] - kh + 1, patch.shape[1] - kw + 1
    if not (0 <= row < out_h and 0 <= col < out_w):
        raise ValueError(f"(row, col) = ({row}, {col}) is outside the {out_h}x{out_w} output")
    output = np.array([[np.sum(patch[r:r + kh, c:c + kw] * kernel) for c in range(out_w)] for r in range(out_h)])
    window = patch[row:row + kh, col:col + kw]
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.6), gridspec_kw={"width_ratios": [patch.shape[1], kw, kw, out_w]})
    _number_grid(axes[0], patch, ".2f", "gray", f"input patch {patch.shape[0]}x{patch.shape[1]}")
    axes[0].add_patch(plt.Rectangle((col - 0.5, row - 0.5), kw, kh, fill=False, edgecolor="tab:red", linewidth=3))
    _number_grid(axes[1], kernel, ".0f", "bwr", f"kernel {kh}x{kw}")
    _number_grid(axes[2], window * kernel, ".2f", "bwr", "window × kernel,\ncell by cell")
    axes[2].set_xlabel(f"sum = {output[row, col]:.2f}", fontsize=11)
    _number_grid(axes[3], output, ".2f", "bwr", f"output {out_h}x{out_w}")
    axes[3].add_patch(plt.Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=3))
    fig.suptitle(f"One output value: the red {kh}x{kw} window times the kernel, summed, is the output at "
                 f"({row}, {col}) (black)")
    fig.tight_layout()
    return fig


def padding_and_stride(size: int, kernel: int, settings: Sequence[tuple[str, int]]) -> Figure:
    """Draw where a kernel lands on a ``size`` x ``size`` input for each ("valid" or "same", stride) setting."""
    fig, axes = plt.subplots(1, len(settings), figsize=(3.3 * len(settings), 3.8), squeeze=False)
    for ax, (padding, stride) in zip(axes.flat, settings, strict=True):
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
        out = -(-size // stride) if padding == "same" else (size - kernel) // stride + 1
        total = max((out - 1) * stride + kernel - size, 0) if padding == "same" else 0
        before = total // 2  # TensorFlow puts the odd extra zero after (bottom/right)
        grid = size + total
        for r in range(grid):
            for c in range(grid):
                inside = before <= r < before + size and before <= c < before + size
                ax.add_patch(plt.Rectangle((c, r), 1, 1, facecolor="white" if inside else "#dddddd",
                                           edgecolor="grey", linewidth=0.6, hatch=None if inside else "//"))
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        for j in range(out):  # the windows of the first output row, one colour each, inset so overlaps show
            inset = 0.1 * (j % 2)
            ax.add_patch(plt.Rectangle((j * stride + inset, inset), kernel - 2 * inset, kernel - 2 * inset,
                                       fill=False, edgecolor=colours[j % len(colours)], linewidth=2.2))
        for i in range(out):  # every window's centre
            for j in range(out):
                ax.plot(j * stride + kernel / 2, i * stride + kernel / 2, "k.", markersize=5)
        ax.set_xlim(-0.2, grid + 0.2)
        ax.set_ylim(grid + 0.2, -0.2)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(f'padding="{padding}", stride {stride}\n{size}x{size} in -> {out}x{out} out', fontsize=10)
    fig.suptitle(f"A {kernel}x{kernel} kernel: hatched cells are zero padding; coloured squares are the first "
                 "row's windows; dots mark every window's centre", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return fig


def image_rows(rows: Mapping[str, np.ndarray], *, title: str) -> Figure:
    """Show one row of images per entry, its name on the left: e.g. several random augmentations of one image."""
    if not rows:
        raise ValueError("image_rows needs at least one row of images")
    batches = {name: np.asarray(images) for name, images in rows.items()}
    for name, images in batches.items():
        if images.ndim == 4 and images.shape[-1] == 1:
            batches[name] = images = images[..., 0]
        if images.ndim != 3:
            raise ValueError(f"row {name!r}: expected images shaped (N, H, W) or (N, H, W, 1), got {images.shape}")
    columns = max(len(images) for images in batches.values())
    fig, axes = plt.subplots(len(batches), columns, figsize=(1.3 * columns + 2.2, 1.35 * len(batches) + 0.5),
                             squeeze=False)
    for ax_row, (name, images) in zip(axes, batches.items(), strict=True):
        for index, ax in enumerate(ax_row):
            ax.set_xticks([])
            ax.set_yticks([])
            if index < len(images):
                ax.imshow(images[index], cmap="gray", vmin=0, vmax=255 if images.max() > 1.5 else 1)
            else:
                ax.axis("off")
        ax_row[0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
