"""Run notebooks with every exercise answered by its published solution, as a learner who solved them all.

    python tools/solve_notebooks.py notebooks/0[1-8]_*.ipynb [--markdown docs/exercises.md]

Each answer cell is replaced: a cell that calls ``ex.qN.check(...)`` gets ``qN``'s solution followed by its check
line, and the cells tagged ``stretch-answer`` get the stretch solution's cells, in order. The notebook then runs top
to bottom (full mode unless COURSE_FAST is set); nothing is written back. Prints, per notebook, the feedback of every
check and how long the stretch exercise took, from its first answer cell to its check. Exits non-zero unless every
check passed. tests/test_solutions.py runs the same substitution in fast mode.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_notebook import run  # noqa: E402

CHECK_LINE = re.compile(r"^ex\.(q\d+)\.check\(", re.MULTILINE)


def exercise_module(path: Path):
    """The notebook's exercise module, course_utils.exercises.nbNN."""
    return importlib.import_module(f"course_utils.exercises.nb{path.name[:2]}")


def with_solutions(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` with every exercise answer cell replaced by the published solution."""
    notebook = nbformat.read(path, as_version=4)
    module = exercise_module(path)
    stretch_cells = list(module.stretch.solution_cells)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if "stretch-answer" in cell.metadata.get("tags", []):
            if not stretch_cells:
                raise ValueError(f"{path.name}: more stretch-answer cells than the stretch solution has cells")
            cell.source = stretch_cells.pop(0)
            continue
        match = CHECK_LINE.search(cell.source)
        if match:
            exercise = getattr(module, match.group(1))
            cell.source = exercise.solution_code + "\n\n" + cell.source[match.start():]
    if stretch_cells:
        raise ValueError(f"{path.name}: {len(stretch_cells)} stretch solution cell(s) found no tagged cell")
    return notebook


def feedback(notebook: nbformat.NotebookNode) -> list[str]:
    """Every line of check feedback the notebook printed, in order."""
    lines = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            lines += [line for line in text.splitlines() if line.startswith(("✅", "❌", "✏️"))]
    return lines


def stretch_seconds(notebook: nbformat.NotebookNode) -> float:
    """Seconds spent from the first stretch-answer cell to the stretch check, from nbclient's cell timings."""
    cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    tagged = [i for i, cell in enumerate(cells) if "stretch-answer" in cell.metadata.get("tags", [])]
    total = 0.0
    for cell in cells[tagged[0]:tagged[-1] + 1]:
        timing = cell.metadata.get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if start and end:
            total += (dt.datetime.fromisoformat(end.rstrip("Z")) - dt.datetime.fromisoformat(start.rstrip("Z")))\
                .total_seconds()
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    os.environ.pop("MPLBACKEND", None)
    mode = "fast" if os.environ.get("COURSE_FAST") else "full"
    rows, failed = [], False
    for path in args.notebooks:
        seconds, _, executed = run(path, write=False, return_notebook=True, notebook=with_solutions(path))
        lines = feedback(executed)
        passed = bool(lines) and all(line.startswith("✅") for line in lines)
        failed |= not passed
        rows.append((path.stem, len(lines), sum(line.startswith("✅") for line in lines), stretch_seconds(executed),
                     seconds, lines[-1] if lines else "no feedback printed"))
        print(f"{path.stem}: {rows[-1][2]}/{rows[-1][1]} checks passed; stretch {rows[-1][3]:.0f} s; "
              f"notebook {seconds:.0f} s", flush=True)
        for line in lines:
            print("   ", line, flush=True)
    if args.markdown:
        table = ["| notebook | checks passed | stretch exercise time | stretch feedback |", "|---|---|---|---|"]
        table += [f"| {name} | {ok}/{count} | {stretch:.0f} s | {last} |"
                  for name, count, ok, stretch, _, last in rows]
        args.markdown.write_text("\n".join(table) + "\n")
    print(f"mode {mode}; every check passed" if not failed else f"mode {mode}; some checks did not pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
