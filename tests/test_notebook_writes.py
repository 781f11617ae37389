"""Notebooks write only under the course output folder: run the ones that save models, solved, in a copy, and look.

A learner who solved every exercise writes the most, so the notebooks run with every published solution in place
(tools/solve_notebooks.py). They run in a copy of the repository's tracked files, whose course_utils the kernel
imports, so that the default output folder is <copy>/outputs and every file written can be found.
"""

from __future__ import annotations

import os
import shutil

import pytest
from helpers import snapshot, tracked_copy

from tools import solve_notebooks

SAVED_MODELS = {"02_first_cnn": "outputs/02_first_cnn_fast.keras",
                "06_mnist_callbacks": "outputs/06_mnist_best_fast.keras"}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the tracked files")
@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(SAVED_MODELS))
def test_a_solved_notebook_writes_only_into_the_output_folder(stem, mirror, tmp_path, monkeypatch):
    repo = tracked_copy(tmp_path / "repo")
    before = snapshot(repo)
    monkeypatch.setenv("PYTHONPATH", str(repo))
    monkeypatch.delenv("COURSE_OUTPUT_DIR", raising=False)
    monkeypatch.setenv("COURSE_FAST", "1")
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    path = repo / "notebooks" / f"{stem}.ipynb"
    _, _, executed = solve_notebooks.run(path, write=False, return_notebook=True,
                                         notebook=solve_notebooks.with_solutions(path))
    lines = solve_notebooks.feedback(executed)
    assert lines and all(line.startswith("✅") for line in lines), "\n".join(lines)

    after = {name: digest for name, digest in snapshot(repo).items() if "__pycache__" not in name}
    changed = sorted(name for name in after if before.get(name) != after[name])
    outside = [name for name in changed if not name.startswith("outputs" + os.sep)]
    assert not outside, f"{stem} wrote outside outputs/: {outside}"
    assert not [name for name in before if name not in after], f"{stem} deleted a file of the repository"
    assert not [name for name in changed if ".partial" in name], "a partial file was left behind"
    assert SAVED_MODELS[stem] in changed, f"{stem} should have saved its model in outputs/"
