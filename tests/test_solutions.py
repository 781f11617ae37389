"""Every published solution, run inside its real notebook in fast mode, passes its check, and the notebook writes
only into the course output folder.

tools/solve_notebooks.py replaces each answer cell with the exercise's published solution (the stretch
exercise's cells included) and runs the notebook top to bottom in a fresh kernel, as a learner who solved
everything would. It runs in a copy of the repository's tracked files, whose course_utils the kernel imports, so
that every file the notebook writes can be found and must lie under the copy's outputs/ (a learner who solved
everything writes the most). One class per notebook, so that `--dist loadscope` spreads them over the workers.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import snapshot, tracked_copy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import solve_notebooks  # noqa: E402

pytestmark = pytest.mark.slow  # whole notebooks or a browser: make test-fast skips these

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SAVED_MODELS = {"02": "outputs/02_first_cnn_fast.keras", "06": "outputs/06_mnist_best_fast.keras"}


def _assert_every_solution_passes(path: Path, mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not os.environ.get("COURSE_FAST"):
        pytest.skip("runs in fast mode only (CI sets COURSE_FAST=1); full mode: tools/solve_notebooks.py")
    if shutil.which("git") is None:
        pytest.skip("needs git to list the tracked files")
    repo = tracked_copy(tmp_path / "repo")
    before = snapshot(repo)
    # The kernel imports course_utils from the copy, so its default output folder is <copy>/outputs.
    monkeypatch.setenv("PYTHONPATH", str(repo))
    monkeypatch.delenv("COURSE_OUTPUT_DIR", raising=False)
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    copied = repo / "notebooks" / path.name
    module = solve_notebooks.exercise_module(path)
    exercises = sorted(name for name in vars(module) if re.fullmatch(r"q\d+|stretch", name))
    _, _, executed = solve_notebooks.run(copied, write=False, return_notebook=True,
                                         notebook=solve_notebooks.with_solutions(copied))
    lines = solve_notebooks.feedback(executed)
    assert len(lines) == len(exercises), f"{len(lines)} feedback lines for exercises {exercises}: {lines}"
    assert all(line.startswith("✅") for line in lines), "\n".join(lines)

    after = {name: digest for name, digest in snapshot(repo).items() if "__pycache__" not in name}
    changed = sorted(name for name in after if before.get(name) != after[name])
    outside = [name for name in changed if not name.startswith("outputs" + os.sep)]
    assert not outside, f"{path.name} wrote outside outputs/: {outside}"
    assert not [name for name in before if name not in after], f"{path.name} deleted a file of the repository"
    assert not [name for name in changed if ".partial" in name], "a partial file was left behind"
    if path.name[:2] in SAVED_MODELS:
        assert SAVED_MODELS[path.name[:2]] in changed, f"{path.name} should have saved its model in outputs/"


def _solved_class(path: Path) -> type:
    class Solved:
        def test_every_published_solution_passes_and_writes_only_into_outputs(
            self, mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
            _assert_every_solution_passes(path, mirror, tmp_path, monkeypatch)

    Solved.__name__ = Solved.__qualname__ = f"TestSolved{path.name[:2]}"
    return Solved


for _path in NOTEBOOKS:
    globals()[f"TestSolved{_path.name[:2]}"] = _solved_class(_path)


def test_a_stretch_solution_fills_exactly_the_tagged_cells(tmp_path):
    import nbformat

    source = nbformat.read(NOTEBOOKS[0], as_version=4)
    tagged = [cell for cell in source.cells if "stretch-answer" in cell.metadata.get("tags", [])]
    solved = solve_notebooks.with_solutions(NOTEBOOKS[0])
    module = solve_notebooks.exercise_module(NOTEBOOKS[0])
    filled = [cell.source for cell in solved.cells if "stretch-answer" in cell.metadata.get("tags", [])]
    assert len(tagged) == len(module.stretch.solution_cells) and filled == list(module.stretch.solution_cells)
    extra = nbformat.v4.new_code_cell("x = ...", metadata={"tags": ["stretch-answer"]})
    source.cells.append(extra)
    broken = tmp_path / NOTEBOOKS[0].name
    nbformat.write(source, broken)
    with pytest.raises(ValueError, match="more stretch-answer cells"):
        solve_notebooks.with_solutions(broken)
