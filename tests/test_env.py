"""env.setup(): quiet TensorFlow, the environment report, and same seed -> same metrics."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from course_utils import env

TRAIN_ONCE = textwrap.dedent(
    """
    from course_utils import env
    env.setup(seed=7)
    import keras
    from course_utils import data
    (x, y), _ = data.load_fashion_mnist()
    x = x[:3000].astype("float32") / 255.0
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y[:3000], epochs=2, validation_split=0.2, verbose=0)
    print("METRICS", repr(history.history))
    """
)


def _run(code: str, **extra_env: str) -> subprocess.CompletedProcess:
    run_env = {**os.environ, "COURSE_FAST": "1", **extra_env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=run_env, timeout=600)


@pytest.mark.slow
def test_same_seed_gives_identical_metrics_in_two_fresh_processes(mirror):
    first, second = (_run(TRAIN_ONCE, COURSE_DATA_DIR=str(mirror)) for _ in range(2))
    assert first.returncode == 0, first.stderr
    metrics = [line for line in first.stdout.splitlines() if line.startswith("METRICS")]
    assert metrics, first.stdout
    assert metrics == [line for line in second.stdout.splitlines() if line.startswith("METRICS")]


@pytest.mark.slow  # a fresh Python process that imports TensorFlow
def test_setup_prints_report_and_banner_and_keeps_stderr_clean(mirror):
    result = _run("from course_utils import env; env.setup(seed=1)", COURSE_DATA_DIR=str(mirror))
    assert result.returncode == 0, result.stderr
    for expected in ("TensorFlow", "Keras", "NumPy", "CPU cores", "mode: FAST", "seed: 1", str(mirror)):
        assert expected in result.stdout
    assert "FAST MODE" in result.stdout and "NOT representative" in result.stdout
    # TensorFlow's C++ start-up lines (cuda, oneDNN, cpu_feature_guard) must not reach the learner.
    assert result.stderr.strip() == "", result.stderr


@pytest.mark.parametrize(
    ("variables", "expected"),
    [({"BINDER_LAUNCH_HOST": "https://mybinder.org/"}, "Binder"), ({"CI": "true"}, "CI"), ({}, "local")],
)
def test_where_running(monkeypatch, variables, expected):
    for key in [k for k in os.environ if k.startswith("BINDER_") or k == "CI"]:
        monkeypatch.delenv(key)
    for key, value in variables.items():
        monkeypatch.setenv(key, value)
    assert env.where_running() == expected


def test_course_seed_overrides_the_notebook_default(monkeypatch):
    monkeypatch.delenv(env.SEED_ENV, raising=False)
    assert env.chosen_seed(42) == 42
    monkeypatch.setenv(env.SEED_ENV, " 7 ")
    assert env.chosen_seed(42) == 7


@pytest.mark.parametrize("bad", ["seven", "1.5", "4e2"])
def test_a_course_seed_that_is_not_a_whole_number_says_how_to_fix_it(monkeypatch, bad):
    monkeypatch.setenv(env.SEED_ENV, bad)
    with pytest.raises(ValueError, match=r"not a whole number: set it like COURSE_SEED=7, or unset it"):
        env.chosen_seed(42)


@pytest.mark.slow  # a fresh Python process that imports TensorFlow
def test_setup_reports_the_seed_from_course_seed(mirror):
    result = _run("from course_utils import env; r = env.setup(seed=42); print('SEED', r.seed)",
                  COURSE_DATA_DIR=str(mirror), COURSE_SEED="5")
    assert result.returncode == 0, result.stderr
    assert "seed: 5 (from COURSE_SEED" in result.stdout and "SEED 5" in result.stdout


@pytest.mark.slow  # a fresh Python process that imports TensorFlow
def test_the_browser_path_never_imports_tensorflow(mirror, tmp_path):
    """What notebooks 07-08 use in Pyodide works with TensorFlow and Keras unimportable, as in the browser."""
    script = textwrap.dedent(
        """
        import sys
        sys.modules["tensorflow"] = sys.modules["keras"] = None  # any import of them now raises ImportError
        import course_utils
        from course_utils import checks, conv, data, env, mode, plots, results
        from course_utils.exercises import nb07, nb08
        sys.platform = "emscripten"  # what Pyodide reports
        report = env.setup(seed=3)
        assert report.where == "browser (Pyodide)" and report.tensorflow == "not available in the browser"
        assert data.load_ascent().shape == (512, 512) and data.load_face().shape == (768, 1024, 3)
        results.show_verified("largest_difference_vs_tf")
        nb07.q1.check(...)
        print("TF imported:", [name for name in sys.modules if name.split(".")[0] in ("tensorflow", "keras")
                               and sys.modules[name] is not None])
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "COURSE_DATA_DIR": str(mirror), "MPLBACKEND": "Agg"}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "running on: browser (Pyodide)" in done.stdout and "op determinism" not in done.stdout
    assert "TensorFlow is not available here" in done.stdout and "✏️ Not attempted yet" in done.stdout
    assert "TF imported: []" in done.stdout


def test_show_verified_prints_the_tested_value_from_the_sites_data(tmp_path, monkeypatch, capsys):
    from course_utils import results

    (tmp_path / results.VERIFIED_FILE).write_text('{"difference": {"value": 4.6e-05, "expected": [0, 0.001]}}')
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    results.show_verified("difference", "missing")
    out = capsys.readouterr().out
    assert "recorded difference = 4.6e-05 (expected 0 to 0.001)" in out
    assert "runs wherever TensorFlow is installed" in out
    assert out.index("recorded difference") < out.index("runs wherever"), "each name in the order given"
