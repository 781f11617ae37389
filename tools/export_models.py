"""Export the notebooks' `# @save` functions and classes to generated modules, so nothing is typed twice.

A function or class whose `def`/`class` line ends with `# @save` (d2l's `#@save`) is defined where it is taught, in
its notebook's py:percent file, and copied into one generated module that other notebooks, the benchmarks and the
tests import: course_utils/models.py for the Keras notebooks, course_utils/numpy_net.py for notebook 11 (NumPy only,
so that it imports in the browser, where there is no TensorFlow).

    python -m tools.export_models           # write the generated modules (make export)
    python -m tools.export_models --check   # exit 1 if one is stale (tests/test_export_models.py)

Each needs a one-line docstring and may use only `keras`, `np`, `tf` and `conv` (course_utils.conv) besides its
arguments and the other exported names of its module, so that the module imports and runs on its own.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MODULE = ROOT / "course_utils" / "models.py"
MARKER = "# @save"
IMPORTS = {"keras": "import keras", "np": "import numpy as np", "tf": "import tensorflow as tf",
           "conv": "from course_utils import conv"}
# Notebooks whose `# @save` code goes to a module of its own (by notebook number); every other one goes to MODULE.
OWN_MODULES = {"11": (ROOT / "course_utils" / "numpy_net.py",
                      "The NumPy network of notebook 11 (layers, loss, optimisers, training loop)")}


class ExportError(ValueError):
    """A `# @save` function that cannot be exported as it is."""


@dataclass
class Saved:
    name: str
    notebook: str  # path relative to the repository root
    source: str  # the function's code, marker removed
    names_used: set[str]


def _free_names(node: ast.FunctionDef | ast.ClassDef) -> set[str]:
    """Names the function reads that it does not bind itself (arguments, assignments, comprehensions)."""
    bound = {arg.arg for arg in ast.walk(node) if isinstance(arg, ast.arg)}
    loads: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            (loads if isinstance(child.ctx, ast.Load) else bound).add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.Lambda)) and child is not node:
            bound |= {arg.arg for arg in ast.walk(child.args) if isinstance(arg, ast.arg)}
            if isinstance(child, ast.FunctionDef):
                bound.add(child.name)  # a helper defined inside the body
        elif isinstance(child, (ast.Import, ast.ImportFrom)):  # a lazy import inside the body binds its name
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in child.names}
    return loads - bound - set(dir(builtins))


def _shown(path: Path) -> str:
    """The path as the generated module names it: relative to the repository when it is inside it."""
    return str(path.resolve().relative_to(ROOT)) if path.resolve().is_relative_to(ROOT) else str(path)


def saved_functions(path: Path) -> list[Saved]:
    """The `# @save` functions and classes of one py:percent notebook, in the order they appear."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for node in ast.parse(text, filename=str(path)).body:
        if not isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            continue
        first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
        header_end = node.body[0].lineno - 1  # the def/class line(s), up to the body
        header = lines[node.lineno - 1 : header_end]
        if not any(line.rstrip().endswith(MARKER) for line in header):
            continue
        where = f"{_shown(path)}:{node.lineno} {node.name}"
        docstring = ast.get_docstring(node)
        if not docstring or "\n" in docstring.strip():
            raise ExportError(f"{where} needs a one-line docstring to be exported: add one below the def line")
        code = [line.rstrip().removesuffix(MARKER).rstrip() for line in lines[first - 1 : node.end_lineno]]
        found.append(Saved(node.name, _shown(path), "\n".join(code), _free_names(node)))
    return found


def render(notebooks: list[Path], title: str = "The models and helpers the notebooks define once and reuse") -> str:
    """The text of one generated module for these notebooks."""
    saved = [function for path in notebooks for function in saved_functions(path)]
    names = [function.name for function in saved]
    for name in names:
        if names.count(name) > 1:
            where = ", ".join(f.notebook for f in saved if f.name == name)
            raise ExportError(f"{name} is marked {MARKER!r} in more than one place ({where}): rename one")
    needed: set[str] = set()
    for function in saved:
        unknown = function.names_used - set(IMPORTS) - set(names)
        if unknown:
            raise ExportError(
                f"{function.notebook} {function.name} uses {', '.join(sorted(unknown))}, which the generated "
                f"module cannot import: pass it as an argument, or use only {', '.join(IMPORTS)} and other "
                f"{MARKER} functions"
            )
        needed |= function.names_used & set(IMPORTS)
    sources = sorted({f.notebook for f in saved})
    parts = [
        f'"""{title}: their `# @save` code.\n\n'
        "Generated by tools/export_models.py from\n"
        + "".join(f"- {source}\n" for source in sources)
        + "Do not edit: change the code in its notebook (each part says which), then run `make export`.\n"
        + '"""\n',
        "from __future__ import annotations\n",
        "\n\n".join(group for group in (
            "\n".join(IMPORTS[name] for name in IMPORTS if name in needed and not IMPORTS[name].startswith("from ")),
            "\n".join(IMPORTS[name] for name in IMPORTS if name in needed and IMPORTS[name].startswith("from ")),
        ) if group) + "\n",  # third-party imports, then the course's own
        "__all__ = [\n" + "".join(f'    "{name}",\n' for name in names) + "]\n",
    ]
    for function in saved:
        parts.append(f"\n# generated from {function.notebook}; do not edit\n{function.source}\n")
    return "\n".join(parts)


def modules() -> dict[Path, str]:
    """Each generated module's path and its text."""
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    shared = [path for path in notebooks if path.name[:2] not in OWN_MODULES]
    texts = {MODULE: render(shared)}
    for number, (module, title) in OWN_MODULES.items():
        texts[module] = render([path for path in notebooks if path.name[:2] == number], title)
    return texts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a generated module is stale")
    args = parser.parse_args()
    try:
        texts = modules()
    except ExportError as error:
        print(f"export_models: {error}", file=sys.stderr)
        return 2
    stale = 0
    for module, text in texts.items():
        current = module.read_text(encoding="utf-8") if module.exists() else ""
        if current == text:
            continue
        if args.check:
            print(f"{_shown(module)} is stale: run `make export` (python -m tools.export_models)", file=sys.stderr)
            stale = 1
        else:
            module.write_text(text, encoding="utf-8")
            print(f"wrote {_shown(module)}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
