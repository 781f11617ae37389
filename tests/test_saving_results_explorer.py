"""Model saving never leaves a broken file; recorded values round-trip; the explorer works with and without widgets."""

from __future__ import annotations

import sys

import matplotlib

matplotlib.use("Agg")

import keras
import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest

from course_utils import explorer, plots, results, saving


@pytest.fixture
def output_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path))
    return tmp_path


def _tiny_model() -> keras.Model:
    return keras.Sequential([keras.Input(shape=(4, 4, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten()])


def test_save_model_writes_atomically_and_loads_back(output_folder):
    model = _tiny_model()
    path = saving.save_model(model, "tiny.keras")
    assert path == output_folder / "tiny.keras" and sorted(p.name for p in output_folder.iterdir()) == ["tiny.keras"]
    loaded, why = saving.load_model("tiny.keras", input_shape=(4, 4, 1))
    assert loaded is not None and why.startswith("loaded")
    np.testing.assert_array_equal(loaded.layers[0].kernel.numpy(), model.layers[0].kernel.numpy())


def test_load_model_explains_missing_broken_and_mismatched_files(output_folder):
    assert saving.load_model("absent.keras") == (None, f"no saved model at {output_folder / 'absent.keras'}")
    broken = output_folder / "broken.keras"
    broken.write_bytes(b"not a zip file")
    model, why = saving.load_model("broken.keras")
    assert model is None and "could not be loaded" in why and broken.read_bytes() == b"not a zip file"
    saving.save_model(_tiny_model(), "tiny.keras")
    model, why = saving.load_model("tiny.keras", input_shape=(28, 28, 1))
    assert model is None and "expects inputs (4, 4, 1)" in why


def test_promote_refuses_a_half_written_checkpoint_and_keeps_the_good_model(output_folder):
    good = saving.save_model(_tiny_model(), "best.keras")
    good_bytes = good.read_bytes()
    candidate = saving.partial_path(good)
    candidate.write_bytes(good_bytes[: len(good_bytes) // 2])
    with pytest.raises(ValueError, match="does not load as a Keras model.*left unchanged"):
        saving.promote(candidate, "best.keras")
    assert good.read_bytes() == good_bytes and candidate.exists()
    _tiny_model().save(candidate)
    assert saving.promote(candidate, "best.keras") == good and not candidate.exists()


def test_model_checkpoint_writes_to_the_candidate_path(output_folder):
    final = output_folder / "ckpt.keras"
    candidate = saving.partial_path(final)
    assert candidate.name == ".ckpt.partial.keras"
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 2), dtype="float32")
    model.fit(x, x[:, :1], validation_data=(x, x[:, :1]), epochs=2, verbose=0,
              callbacks=[keras.callbacks.ModelCheckpoint(candidate, save_best_only=True)])
    assert candidate.is_file() and not final.exists()
    saving.promote(candidate, "ckpt.keras")
    assert final.is_file()


def test_record_prints_outside_ipython_and_validates(capsys):
    results.record(accuracy=0.9, loss=0.25)
    assert capsys.readouterr().out.splitlines() == ["recorded accuracy = 0.9", "recorded loss = 0.25"]
    results.expect("accuracy", 0.9, full=(0.8, 1.0))
    assert "recorded accuracy = 0.9 (full mode expects 0.8 to 1)" in capsys.readouterr().out
    with pytest.raises(ValueError, match="finite"):
        results.record(accuracy=float("nan"))
    with pytest.raises(ValueError, match="empty"):
        results.expect("accuracy", 0.5, full=(1.0, 0.0))
    with pytest.raises(TypeError, match="at least one name=value"):
        results.record()


def test_record_groups_values_ranges_and_claims_in_one_call(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_FAST", "")
    monkeypatch.setenv("COURSE_STRICT", "1")
    results.record(gap=0.02, expect={"accuracy": (0.93, (0.9, 1.0))}, claims={"cnn_wins": (True, "the CNN wins")})
    out = capsys.readouterr().out.splitlines()
    assert out == ["recorded gap = 0.02", "recorded accuracy = 0.93 (full mode expects 0.9 to 1)", "✓ the CNN wins"]
    with pytest.raises(results.ExpectationError, match="accuracy = 0.85 is outside"):
        results.record(expect={"accuracy": (0.85, (0.9, 1.0))})
    with pytest.raises(results.ExpectationError, match="claim 'cnn_wins' does not hold"):
        results.record(claims={"cnn_wins": (False, "the CNN wins")})
    with pytest.raises(TypeError, match=r"the entry for 'cnn_wins' must be a pair \(holds, statement\)"):
        results.record(claims={"cnn_wins": False})
    with pytest.raises(TypeError, match="at least one"):
        results.record(expect={}, claims={})


def test_read_recorded_finds_values_in_notebook_outputs():
    notebook = nbformat.v4.new_notebook()
    payload = {"name": "test_accuracy", "value": 0.91, "expected": [0.9, 1.0], "unit": "", "mode": "full"}
    cell = nbformat.v4.new_code_cell("results.record(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "x", results.MIME_TYPE: payload}),
                    nbformat.v4.new_output("stream", name="stdout", text="hello")]
    notebook.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
    assert results.read_recorded(notebook) == [payload]


def _panel(image: int, layer: int, filter_index: int) -> None:
    activations = [np.arange(26 * 26 * 4, dtype="float32").reshape(26, 26, 4), np.ones((13, 13, 4))]
    plots.feature_map_panel(np.zeros((28, 28, 1)), activations, ["conv 1", "pool 1"], layer, filter_index)


def test_explore_builds_int_sliders_when_widgets_exist():
    pytest.importorskip("ipywidgets")
    widget = explorer.explore(_panel, image=(0, 3, 0), layer=(0, 1, 1), filter_index=(0, 3, 2))
    sliders = {child.description: child for child in widget.widget.children if hasattr(child, "max")}
    assert {name: (s.min, s.max, s.value) for name, s in sliders.items()} == {
        "image": (0, 3, 0), "layer": (0, 1, 1), "filter_index": (0, 3, 2)}
    plt.close("all")


def test_explore_falls_back_to_a_static_figure_without_widgets(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # makes `import ipywidgets` raise ImportError
    drawn = []
    monkeypatch.setattr(plt, "show", lambda: drawn.append(plt.gcf()))
    assert explorer.explore(_panel, image=(0, 3, 1), layer=(0, 1, 0), filter_index=(0, 3, 3)) is None
    assert "static figure" in capsys.readouterr().out
    assert len(drawn) == 1 and "conv 1, filter 3" in drawn[0].axes[1].get_title()
    plt.close("all")
    with pytest.raises(ValueError, match="outside"):
        explorer.explore(_panel, image=(0, 3, 9))


def test_feature_map_panel_and_channel_grid_report_bad_indices():
    maps = [np.zeros((26, 26, 4)), np.zeros((13, 13, 4))]
    fig = plots.feature_map_panel(np.zeros((28, 28)), maps, ["conv 1", "pool 1"], 1, 3)
    assert "13×13" in fig.axes[1].get_title()
    with pytest.raises(IndexError, match="choose 0 to 3"):
        plots.feature_map_panel(np.zeros((28, 28)), maps, ["conv 1", "pool 1"], 0, 4)
    with pytest.raises(IndexError, match="layer 2 does not exist"):
        plots.feature_map_panel(np.zeros((28, 28)), maps, ["conv 1", "pool 1"], 2, 0)
    with pytest.raises(ValueError, match="pick one image first"):
        plots.channel_grid(np.zeros((2, 5, 5, 3)))
    grid = plots.channel_grid(np.random.default_rng(0).normal(size=(3, 3, 10)), count=6, columns=4, symmetric=True,
                              cmap="RdBu_r")
    assert sum(1 for ax in grid.axes if ax.get_title()) == 6
    plt.close("all")


def test_expect_records_and_stops_a_strict_full_mode_run_outside_the_range(monkeypatch, capsys):
    monkeypatch.delenv("COURSE_FAST", raising=False)
    monkeypatch.setenv("COURSE_STRICT", "1")
    assert results.expect("accuracy", 0.93, full=(0.9, 1.0)) is None  # nothing to echo at the end of a cell
    assert "recorded accuracy = 0.93" in capsys.readouterr().out
    with pytest.raises(results.ExpectationError, match=r"accuracy = 0.85 is outside the range full mode expects"):
        results.expect("accuracy", 0.85, full=(0.9, 1.0))


def test_expect_and_claim_only_report_in_fast_mode(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_FAST", "1")
    results.expect("accuracy", 0.5, full=(0.9, 1.0))
    results.claim("cnn_wins", False, "the CNN wins")
    assert "not in this fast-mode run (full mode checks it): the CNN wins" in capsys.readouterr().out


def test_claim_passes_or_stops_in_strict_full_mode(monkeypatch, capsys):
    monkeypatch.delenv("COURSE_FAST", raising=False)
    monkeypatch.setenv("COURSE_STRICT", "1")
    assert results.claim("cnn_wins", True, "the CNN wins") is None
    assert "✓ the CNN wins" in capsys.readouterr().out
    with pytest.raises(results.ExpectationError, match="claim 'cnn_wins' does not hold"):
        results.claim("cnn_wins", False, "the CNN wins")


@pytest.mark.parametrize("strict", ["", "0", "no"])
def test_a_learners_full_mode_run_warns_and_goes_on(monkeypatch, capsys, strict):
    monkeypatch.delenv("COURSE_FAST", raising=False)
    monkeypatch.setenv("COURSE_STRICT", strict)
    results.expect("accuracy", 0.85, full=(0.9, 1.0))  # no exception: the learner's "Run all" continues
    results.claim("cnn_wins", False, "the CNN wins")
    out = capsys.readouterr().out
    assert "WARNING (the notebook goes on): accuracy = 0.85 is outside the range full mode expects (0.9 to 1)" in out
    assert "claim 'cnn_wins' does not hold in this full-mode run: the CNN wins" in out
    assert out.count("report it to the course") == 2  # how to report it, every time
    results.expect("accuracy", 0.95, full=(0.9, 1.0))
    assert "WARNING" not in capsys.readouterr().out  # a value inside its range warns nothing


def test_strict_mode_is_on_for_the_test_suite():
    import os

    assert os.environ.get("COURSE_STRICT") == "1", "conftest.py turns strict mode on for every test and notebook"


def test_outputs_folder_is_ignored_by_git():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    ignored = subprocess.run(["git", "check-ignore", "-q", "outputs/x.keras"], cwd=root).returncode
    assert ignored == 0, "outputs/ must stay out of the repository"
