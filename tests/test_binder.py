"""Binder: the binder/ files agree with the pins, and a simulated repo2docker build runs a notebook on its own.

The simulation needs no Docker: a fresh virtualenv from binder/requirements.txt only, binder/postBuild run from a
copy of the repository's tracked files (with the offline mirror standing in for the network), then one notebook
executed with no mirror, an empty home folder and nothing from this test environment on the path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, tracked_copy

BINDER = ROOT / "binder"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_binder_pins_match_the_top_level_requirements():
    binder, top = _pins(BINDER / "requirements.txt"), _pins(ROOT / "requirements.txt")
    assert {name: top.get(name) for name in binder} == binder, "binder/requirements.txt drifted from requirements.txt"
    runtime = {"tensorflow", "keras", "numpy", "scipy", "matplotlib", "pooch", "ipywidgets", "jupyterlab", "jupytext"}
    assert runtime <= set(binder), f"binder/requirements.txt lacks {sorted(runtime - set(binder))}"


def test_binder_scripts_are_strict_and_executable():
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.(1[0-3])", runtime), f"TF 2.21 supports Python 3.10-3.13, not {runtime}"
    post_build = (BINDER / "postBuild").read_text(encoding="utf-8").splitlines()
    commands = [line for line in post_build if line.strip() and not line.startswith("#")]
    assert commands[0] == "set -e", "postBuild must start with `set -e` so a failed step fails the build"
    assert "python -m course_utils.data download" in commands
    for script in ("postBuild", "start"):
        assert os.access(BINDER / script, os.X_OK), f"binder/{script} must be executable"
    assert (BINDER / "start").read_text(encoding="utf-8").rstrip().endswith('exec "$@"')


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the tracked files")
@pytest.mark.slow
def test_simulated_binder_build_runs_a_notebook_with_baked_in_data(mirror, tmp_path):
    version = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip().removeprefix("python-")
    python = shutil.which(f"python{version}")
    if python is None:
        pytest.skip(f"binder/runtime.txt asks for Python {version}, not installed here")
    repo = tracked_copy(tmp_path / "repo")
    home = tmp_path / "home"
    home.mkdir()
    venv = tmp_path / "binder-venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    clean_env = {
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }

    def step(command: list[str], env: dict[str, str], timeout: int = 900) -> str:
        done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    # repo2docker: install binder/requirements.txt, then run postBuild from the repository root. repo2docker uses
    # pip; uv (requirements.txt) installs the same pinned set from the same index in seconds instead of a minute.
    uv = Path(sys.executable).parent / "uv"
    step([str(uv), "pip", "install", "--quiet", "--system-certs", "--compile-bytecode",
          "--python", str(venv / "bin" / "python"), "-r", "binder/requirements.txt"], clean_env)
    build_output = step(["bash", "binder/postBuild"], {**clean_env, "COURSE_DATA_DIR": str(mirror)})
    assert "copied to" in build_output

    # A Binder session: no mirror, no network, only what the image holds.
    session_env = {**clean_env, "COURSE_FAST": "1", "MPLBACKEND": "Agg"}
    verify = step([str(venv / "bin" / "python"), "-m", "course_utils.data", "verify"], session_env)
    assert "10 of 10 files OK" in verify and str(home) in verify
    executed = tmp_path / "01_executed.ipynb"
    step(["bash", "binder/start", str(venv / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
          "--ExecutePreprocessor.timeout=900", "notebooks/01_dense_baseline.ipynb", "--output", str(executed)],
         session_env)
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    outputs = [output for cell in cells if cell["cell_type"] == "code" for output in cell["outputs"]]
    assert not [output for output in outputs if output["output_type"] == "error"]
    setup_text = "".join("".join(output.get("text", "")) for output in cells[[c["cell_type"] for c in cells].index(
        "code")]["outputs"])
    assert "download and cache" in setup_text and str(home) in setup_text, setup_text
    module_path = step([str(venv / "bin" / "python"), "-c", "import course_utils; print(course_utils.__file__)"],
                       session_env)
    assert module_path.startswith(str(repo)), f"course_utils came from {module_path}, not the Binder image"
