"""The machinery that checks every published solution inside its notebook (tools/nbval_solutions.py, with nbval).

In fast mode, nbval runs each notebook's cells, then the same kernel runs the exercise section again with every
published solution in place (tools/solve_notebooks.py substitutes them), and a last test per notebook,
"every published solution passes", requires one ✅ line per exercise. These tests check the substitution and that
verdict, with right and wrong outputs.
"""

from __future__ import annotations

from types import SimpleNamespace

import nbformat
import pytest
from helpers import ROOT

from tools import solve_notebooks
from tools.nbval_solutions import EverySolutionPasses

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_a_stretch_solution_fills_exactly_the_tagged_cells(tmp_path):
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name[:2])
def test_the_exercise_section_holds_every_check_and_nothing_before_it(path):
    notebook = solve_notebooks.with_solutions(path)
    section = solve_notebooks.exercise_cells(notebook, path.name)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    first = section[0][0]
    assert [number for number, _ in section] == list(range(first, len(code)))
    checks_in_section = sum(bool(solve_notebooks.CHECK_LINE.search(cell.source)) for _, cell in section)
    checks_before = sum(bool(solve_notebooks.CHECK_LINE.search(cell.source)) for cell in code[:first])
    module = solve_notebooks.exercise_module(path)
    assert checks_before == 0 and checks_in_section == len([name for name in vars(module) if name[:1] == "q"
                                                            and name[1:].isdigit()])


def test_a_notebook_without_an_exercise_heading_is_refused():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## 1. Data"),
                                               nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ValueError, match="no markdown heading like '## 7. Exercises'"):
        solve_notebooks.exercise_cells(notebook, "99_x.ipynb")


def _verdict(*printed: str | None, exercises=("q1", "q2")) -> SimpleNamespace:
    """A stand-in for the verdict item: solved cells that printed these texts (None: the cell never ran)."""
    cells = []
    for number, text in enumerate(printed):
        cell = SimpleNamespace(name=f"Solved cell {number}")
        if text is not None:
            cell.test_outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        cells.append(cell)
    return SimpleNamespace(solved_cells=cells, exercises=list(exercises))


def test_the_verdict_passes_one_tick_per_exercise():
    EverySolutionPasses.runtest(_verdict("✅ Correct: one\n", "setup\n", "✅ Correct: two\n"))


@pytest.mark.parametrize("printed, message", [
    (("✅ Correct: one\n", "❌ Not yet: two is off\n"), "Not yet: two is off"),
    (("✅ Correct: one\n", "✏️ Not attempted yet\n"), "Not attempted"),
    (("✅ Correct: one\n", "nothing\n"), "1 feedback lines"),
    (("✅ Correct: one\n", None), "did not run"),
])
def test_the_verdict_fails_on_a_wrong_untouched_missing_or_unrun_answer(printed, message):
    with pytest.raises(AssertionError, match=message):
        EverySolutionPasses.runtest(_verdict(*printed))
