"""nbval, extended: after a notebook's own cells, the same kernel runs its exercise section again with every
published solution in place, and one more test requires every check to pass. The root conftest.py calls it.

Run this way, each notebook's lesson (data, training) runs once in CI instead of twice, and the solutions are
checked against the very models and variables the learner's kernel holds. `make solve` (tools/solve_notebooks.py)
still runs each solved notebook from a fresh kernel, in full mode.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

import pytest


class EverySolutionPasses(pytest.Item):
    """Passes when the solved exercise cells printed one ✅ line per exercise, and nothing else."""

    def __init__(self, *, solved_cells: list, exercises: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.solved_cells = solved_cells
        self.exercises = exercises

    def runtest(self) -> None:
        import nbformat

        from tools import solve_notebooks

        not_run = [item.name for item in self.solved_cells if not hasattr(item, "test_outputs")]
        assert not not_run, f"these solved cells did not run: {not_run}"
        ran = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=item.test_outputs)
                                              for item in self.solved_cells])
        lines = solve_notebooks.feedback(ran)
        assert len(lines) == len(self.exercises), f"{len(lines)} feedback lines for {self.exercises}: {lines}"
        assert all(line.startswith("✅") for line in lines), "\n".join(lines)

    def repr_failure(self, excinfo, style=None) -> str:
        """The feedback lines alone: the traceback would only point into this file."""
        if isinstance(excinfo.value, AssertionError):
            return f"{self.path.name}, its exercises run again with the published solutions:\n{excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple:
        return self.path, None, f"{self.path.name}: every published solution passes"


def add_solved_exercises(items: list) -> None:
    """Append each notebook's solved exercise cells, and their verdict, after its last nbval cell (in place)."""
    if not os.environ.get("COURSE_FAST"):
        return  # in full mode the solutions are `make solve`'s job: it records docs/exercises.md
    from nbval.plugin import IPyNbCell, IPyNbFile, find_comment_markers

    from tools import solve_notebooks

    last_index: dict = {}
    for index, item in enumerate(items):
        if isinstance(item.parent, IPyNbFile) and re.match(r"\d\d_", item.path.name):
            last_index[item.parent] = index
    for notebook_file, index in sorted(last_index.items(), key=lambda pair: -pair[1]):
        path = Path(notebook_file.path)
        module = solve_notebooks.exercise_module(path)
        exercises = sorted(name for name in vars(module) if re.fullmatch(r"q\d+|stretch", name))
        solved = solve_notebooks.with_solutions(path)
        solved_cells = []
        for number, cell in solve_notebooks.exercise_cells(solved, path.name):
            options = defaultdict(bool, find_comment_markers(cell.source))
            options["check"] = False  # the stored outputs are the untouched stubs'
            cell.execution_count, cell.outputs = None, []
            solved_cells.append(IPyNbCell.from_parent(notebook_file, name=f"Solved cell {number}", cell_num=number,
                                                      cell=cell, options=options))
        verdict = EverySolutionPasses.from_parent(notebook_file, name="every published solution passes",
                                                  solved_cells=solved_cells, exercises=exercises)
        items[index + 1:index + 1] = [*solved_cells, verdict]
