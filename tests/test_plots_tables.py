"""Plot helpers build figures without error on small inputs; tables format as promised."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import plots
from course_utils.tables import format_table

NAMES = [f"class {i}" for i in range(3)]


def test_image_grid_accepts_channel_axis_and_marks_wrong_predictions():
    images = np.zeros((5, 28, 28, 1))
    fig = plots.image_grid(images, [0, 1, 2, 0, 1], NAMES, predicted=[0, 2, 2, 0, 1], columns=3)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == 5 and "→ class 2" in titles[1]
    # a wrong prediction is red *and* says so in words; a right one is neither
    wrong, right = [ax for ax in fig.axes if ax.get_title()][1:3]
    assert wrong.get_title().endswith("(wrong)") and wrong.title.get_color() == "red"
    assert "wrong" not in right.get_title() and right.title.get_color() == "black"
    plt.close(fig)
    with pytest.raises(ValueError, match="expected images shaped"):
        plots.image_grid(np.zeros((28, 28)))


def test_history_curves_reports_missing_metric():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    plt.close(plots.history_curves({"run": history}, title="t"))
    with pytest.raises(KeyError, match="has no 'precision'"):
        plots.history_curves({"run": history}, metrics=("precision",), title="t")


def test_confusion_matrix_and_gallery():
    matrix = np.array([[5, 1, 0], [2, 3, 0], [0, 0, 4]])
    fig = plots.confusion_matrix(matrix, NAMES)
    assert "class 0 (83%)" in [label.get_text() for label in fig.axes[0].get_yticklabels()]
    plt.close(fig)
    with pytest.raises(ValueError, match="square"):
        plots.confusion_matrix(matrix[:2], NAMES)
    probabilities = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1]])
    fig = plots.misclassified_gallery(np.zeros((3, 28, 28)), np.array([1, 1, 2]), probabilities, NAMES)
    assert "2 most confident mistakes (of 2)" in fig._suptitle.get_text()
    plt.close(fig)


def test_format_table_aligns_and_formats_numbers():
    rows = [
        {"model": "dense", "parameters": 101770, "accuracy": 0.87094},
        {"model": "cnn", "parameters": 243786, "accuracy": 0.9},
    ]
    table = format_table(rows)
    lines = table.splitlines()
    assert lines[0].split() == ["model", "parameters", "accuracy"]
    assert "101,770" in lines[2] and "0.8709" in lines[2] and lines[3].startswith("cnn ")
    assert format_table([]) == "(no rows)"


def test_multiply_adds_counts_conv_and_dense_work():
    import keras

    from course_utils.costs import multiply_adds

    model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(64, 3), keras.layers.MaxPooling2D(2),
                              keras.layers.Flatten(), keras.layers.Dense(10)])
    assert multiply_adds(model) == 26 * 26 * 64 * 9 + 13 * 13 * 64 * 10
    dense = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(), keras.layers.Dense(128),
                              keras.layers.Dense(10)])
    assert multiply_adds(dense) == 784 * 128 + 128 * 10


def test_image_rows_names_each_row_and_rejects_bad_shapes():
    rows = {"original": np.zeros((1, 28, 28)), "shifted": np.ones((4, 28, 28, 1)) * 255}
    fig = plots.image_rows(rows, title="t")
    assert [ax.get_ylabel() for ax in fig.axes[::4]] == ["original", "shifted"]
    assert len(fig.axes) == 8
    with pytest.raises(ValueError, match="row 'flat'"):
        plots.image_rows({"flat": np.zeros((3, 784))}, title="t")
    with pytest.raises(ValueError, match="at least one row"):
        plots.image_rows({}, title="t")
