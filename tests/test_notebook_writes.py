"""Notebooks write only under the course output folder: run the writing notebooks in a temp copy and look."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
WRITING_NOTEBOOKS = ("02_first_cnn", "06_mnist_callbacks")  # the ones that save models


def _state(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the tracked files")
@pytest.mark.slow
def test_notebooks_write_only_into_the_output_folder(mirror, tmp_path, monkeypatch):
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    repo = tmp_path / "repo"
    for name in filter(None, listed.decode().split("\0")):
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, repo / name)
    before = _state(repo)
    # The kernel imports course_utils from the copy, so its default output folder is <copy>/outputs.
    monkeypatch.setenv("PYTHONPATH", str(repo))
    monkeypatch.delenv("COURSE_OUTPUT_DIR", raising=False)
    monkeypatch.setenv("COURSE_FAST", "1")
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    for stem in WRITING_NOTEBOOKS:
        path = repo / "notebooks" / f"{stem}.ipynb"
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=900, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    after = _state(repo)
    changed = sorted(name for name in after if before.get(name) != after[name])
    assert changed, "the notebooks should have saved their models"
    outside = [name for name in changed if not name.startswith("outputs" + os.sep)]
    assert not outside, f"notebooks wrote outside outputs/: {outside}"
    assert not [name for name in before if name not in after], "a file of the repository disappeared"
    assert {"outputs/02_first_cnn_fast.keras", "outputs/06_mnist_best_fast.keras"} <= set(changed)
    assert not [name for name in changed if ".partial" in name], "a partial file was left behind"


def test_outputs_folder_is_ignored_by_git():
    ignored = subprocess.run(["git", "check-ignore", "-q", "outputs/x.keras"], cwd=ROOT).returncode
    assert ignored == 0, "outputs/ must stay out of the repository"
