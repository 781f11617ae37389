"""The generated links are up to date, and the report writer states targets and failures honestly."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import ROOT

from tools import (
    links,
    report,
)


def test_every_badge_and_colab_install_line_matches_pyproject():
    done = subprocess.run([sys.executable, "-m", "tools.links", "--check"], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, f"run `make links`:\n{done.stdout}{done.stderr}"


def test_links_follow_the_configured_repository_and_ref():
    repository, ref = links.course_config()
    assert repository.count("/") == 1 and ref
    pair = (ROOT / "notebooks" / "05_feature_maps.py").read_text(encoding="utf-8")
    colab = links.colab_url(repository, ref, "05_feature_maps.ipynb")
    binder = links.binder_url(repository, ref, "05_feature_maps.ipynb")
    assert colab in pair and binder in pair and "urlpath=lab/tree/notebooks/05_feature_maps.ipynb" in binder
    assert f'git+https://github.com/{repository}@{ref}"' in pair
    forked = links.updated_pair(pair, "someone/fork", "v9", "05_feature_maps.ipynb")
    assert "someone/fork/blob/v9/notebooks/05_feature_maps.ipynb" in forked and repository not in forked


def test_the_course_map_puts_notebooks_after_the_core_under_going_further():
    rows = [(number, f"title {number}", "goal", "1 s") for number in ("07", "08", "09", "10")]
    table = links.course_map("owner/name", "v1", rows)
    lines = table.splitlines()
    further = lines.index("**Going further**")
    assert [line[:4] for line in lines if line.startswith("| 0") or line.startswith("| 1")] == [
        "| 07", "| 08", "| 09", "| 10"]
    assert lines[further - 2].startswith("| 08") and lines[further + 4].startswith("| 09")
    assert table.count("| # | Notebook |") == 2
    for number, title, goal, time_text in rows:  # every row, with its title, goal and time, as given
        notebook = next((ROOT / "notebooks").glob(f"{number}_*.ipynb")).name
        assert f"| {number} | [{title}](notebooks/{notebook}) | {goal} | {time_text} |" in table


def _row(name: str, seconds: float, rss: float, value: float, error: str | None = None) -> dict:
    return {"notebook": name, "seconds": seconds, "peak_rss": rss, "error": error,
            "values": report._check_values([{"name": "test_accuracy", "value": value, "expected": [0.9, 1.0],
                                             "unit": "", "mode": "full"}])}


def test_report_marks_targets_met_and_missed():
    rows = [_row("01_a", 300, 1.0e9, 0.95), _row("02_b", 700, 1.6e9, 0.85),
            _row("03_c", 0, 0, 0.0, error="CellExecutionError: boom")]
    text = report.write_markdown(rows, (200.0, 0), "now")
    assert "| whole course in full mode ≤ 12 min | 16.7 min | **MISSED** |" in text
    assert "| every notebook ≤ 150 s | slowest 700 s (02) | **MISSED** |" in text
    assert "highest 1.60 GB | **MISSED**" in text and "3.3 min, passed | met" in text
    assert "| 01_a | 5.0 min (**over 150 s**) | 954 MiB | test_accuracy = 0.95 (expected 0.9–1) | pass |" in text
    assert "**out of range**" in text and "FAIL (memory)" in text and "error: CellExecutionError: boom" in text
    assert report.write_markdown(rows[:1], (400.0, 1), "now").count("**MISSED**") == 2  # the CI run and 300 s
    quick = report.write_markdown([_row("01_a", 100, 1.0e9, 0.95)], (200.0, 0), "now")
    assert "**MISSED**" not in quick and "over 150 s" not in quick and "slowest 100 s (01) | met" in quick


def test_seed_study_table_shows_spread_margin_and_failures():
    rows = [_row("01_a", 60, 1.0e9, 0.95)]
    study = {"01_a": {"1": _row("01_a", 70, 1.0e9, 0.93), "2": _row("01_a", 65, 1.0e9, 0.89)}}
    text = "\n".join(report.seed_study_lines(rows, study))
    assert "`COURSE_SEED` = 1, 2" in text
    assert "| 01 | test_accuracy | 0.95 | 0.93, 0.89 | 0.9233 ± 0.031 | 0.89–0.95 | 0.9–1 | -0.01 | **FAIL** |" in text
    study["01_a"]["2"] = _row("01_a", 0, 0, 0.0, error="CellExecutionError: claim")
    assert "error with seed [2]" in "\n".join(report.seed_study_lines(rows, study))
    assert report.seed_study_lines(rows, {}) == []


def test_browser_links_point_to_the_pages_site_of_the_configured_repository():
    assert links.lite_url("Some-One/fork", "07_manual_convolution.ipynb") == \
        "https://some-one.github.io/fork/lab/index.html?path=07_manual_convolution.ipynb"
    pair = (ROOT / "notebooks" / "07_manual_convolution.py").read_text()
    assert links.lite_line(*links.course_config()[:1], "07_manual_convolution.ipynb") in pair
    other = (ROOT / "notebooks" / "02_first_cnn.py").read_text()
    assert "Run it in your browser" not in other
    readme = (ROOT / "README.md").read_text()
    assert all(links.lite_url(links.course_config()[0], name) in readme for name in links.LITE_NOTEBOOKS)


def test_the_lite_build_refuses_to_replace_a_folder_it_did_not_make(tmp_path):
    import pytest

    from tools import build_lite

    mine = tmp_path / "_site"
    mine.mkdir()
    (mine / "notes.txt").write_text("a learner's file")
    with pytest.raises(build_lite.BuildError, match="was not made by this build"):
        build_lite.build(mine, None)
    with pytest.raises(build_lite.BuildError, match="has no pyodide.js"):
        build_lite.build(tmp_path / "new", tmp_path)
    assert (mine / "notes.txt").read_text() == "a learner's file" and not (tmp_path / "new").exists()


def test_the_lite_site_gets_the_values_the_stored_runs_recorded_and_no_pypi():
    from tools import build_lite

    values = build_lite.verified_values([ROOT / "notebooks" / name for name in links.LITE_NOTEBOOKS])
    assert {"largest_difference_vs_tf", "largest_gradient_difference_vs_tf", "largest_logit_difference_vs_keras",
            "weight_difference_after_sgd", "weight_difference_after_adam", "keras_test_accuracy"} <= set(values)
    assert all(value["expected"][0] <= value["value"] <= value["expected"][1] for value in values.values()
               if value["expected"] is not None)
    offline = build_lite.lite_config(None)["jupyter-config-data"]["litePluginSettings"][build_lite.KERNEL_SETTINGS]
    assert offline["disablePyPIFallback"] is True and "pyodideUrl" not in offline
    assert set(offline["loadPyodideOptions"]["packages"]) == {"numpy", "scipy", "matplotlib"}
    public = build_lite.lite_config(build_lite.PUBLIC_PYODIDE)["jupyter-config-data"]["litePluginSettings"]
    assert public[build_lite.KERNEL_SETTINGS]["pyodideUrl"].endswith("/v0.27.7/full/pyodide.js")


def test_the_lite_site_ships_course_utils_as_a_folder_the_setup_cell_imports(tmp_path):
    from tools import build_lite

    staged = build_lite.stage_course_utils(tmp_path)
    sources = {path.relative_to(ROOT / "course_utils") for path in (ROOT / "course_utils").rglob("*.py")}
    assert {path.relative_to(staged) for path in staged.rglob("*.py")} == sources
    assert not list(staged.rglob("__pycache__")), "bytecode of this machine's Python does not belong on the site"
    for name in links.LITE_NOTEBOOKS:  # nothing to install in the browser: the import finds the folder
        assert "emscripten" not in (ROOT / "notebooks" / name).with_suffix(".py").read_text(), name


def test_gpu_check_reports_the_errors_last_line_and_refuses_a_cpu_unless_asked(monkeypatch):
    from tools import gpu_check

    error = RuntimeError("Traceback\n  cell 3\nValueError: bad shape\n\n")
    assert gpu_check.last_line(error) == "ValueError: bad shape"
    assert gpu_check.last_line(RuntimeError("")) == "RuntimeError"
    monkeypatch.setattr(gpu_check, "gpu_names", lambda: [])
    monkeypatch.setattr(sys, "argv", ["gpu_check.py"])
    with pytest.raises(SystemExit, match="TensorFlow sees no GPU here"):
        gpu_check.main()


def test_results_say_the_gpu_path_is_untested_until_a_gpu_run_is_saved(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "GPU_RUN", tmp_path / "gpu_run.md")
    assert "Not run yet" in "\n".join(report.gpu_lines())
    (tmp_path / "gpu_run.md").write_text("| notebook | time |\n|---|---|\n| 01_dense_baseline | 9 s |\n")
    text = "\n".join(report.gpu_lines())
    assert "01_dense_baseline | 9 s" in text and "Not run yet" not in text


def test_the_lite_site_writes_mnist_from_verified_arrays_when_no_mirror_has_the_files(tmp_path, monkeypatch):
    from course_utils import data
    from tools import build_lite

    if data.mirror_dir() is None:
        import pytest

        pytest.skip("needs COURSE_DATA_DIR (the offline mirror) for the published arrays")
    arrays = data.load_mnist()
    monkeypatch.setattr(build_lite.data, "mirror_dir", lambda: None)
    monkeypatch.setattr(build_lite.data, "load_mnist", lambda: arrays)
    build_lite.write_mnist(tmp_path / "mnist")  # verifies what it wrote against the published SHA-256
    assert sorted(path.name for path in (tmp_path / "mnist").iterdir()) == sorted(
        f"{stem}.gz" for stem in data.IDX_STEMS)


def test_the_course_map_is_rendered_from_title_cells_and_measured_times(tmp_path):
    rows = links.map_rows()
    pairs = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
    assert [row[0] for row in rows] == [pair.name[:2] for pair in pairs]
    results = tmp_path / "results.json"
    results.write_text('{"notebooks": [{"notebook": "02_first_cnn.ipynb", "seconds": 95.0}]}')
    times = {number: time_text for number, _, _, time_text in links.map_rows(results)}
    assert times["02"] == "1.6 min" and times["01"] == "not measured yet"
    untitled = tmp_path / "99_untitled.py"
    untitled.write_text("# ---\n# jupyter: {}\n# ---\n\n# %% [markdown]\n# # 99 · Untitled\n\n# %%\nx = 1\n")
    with pytest.raises(ValueError, match="course-map: short title"):
        links.map_entry(untitled)
