"""Every published solution, run inside its real notebook in fast mode, passes its check.

tools/solve_notebooks.py replaces each answer cell with the exercise's published solution (the stretch
exercise's cells included) and runs the notebook top to bottom in a fresh kernel, as a learner who solved
everything would. One class per notebook, so that `--dist loadscope` spreads them over the workers.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import solve_notebooks  # noqa: E402

pytestmark = pytest.mark.slow  # whole notebooks or a browser: make test-fast skips these

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _assert_every_solution_passes(path: Path) -> None:
    if not os.environ.get("COURSE_FAST"):
        pytest.skip("runs in fast mode only (CI sets COURSE_FAST=1); full mode: tools/solve_notebooks.py")
    module = solve_notebooks.exercise_module(path)
    exercises = sorted(name for name in vars(module) if re.fullmatch(r"q\d+|stretch", name))
    _, _, executed = solve_notebooks.run(path, write=False, return_notebook=True,
                                         notebook=solve_notebooks.with_solutions(path))
    lines = solve_notebooks.feedback(executed)
    assert len(lines) == len(exercises), f"{len(lines)} feedback lines for exercises {exercises}: {lines}"
    assert all(line.startswith("✅") for line in lines), "\n".join(lines)


def _solved_class(path: Path) -> type:
    class Solved:
        def test_every_published_solution_passes_in_the_notebook(self) -> None:
            _assert_every_solution_passes(path)

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
