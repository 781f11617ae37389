"""ruff, pinned in requirements.txt, with the rules selected in pyproject.toml; no cache, which can hide an import-order
change caused by another file (a new top-level module changes what counts as first-party)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helpers import ROOT


def test_ruff_is_clean():
    ruff = Path(sys.executable).parent / "ruff"
    names = ("course_utils", "tests", "notebooks", "benchmarks", "tools", "conftest.py")
    targets = [name for name in names if (ROOT / name).exists()]
    result = subprocess.run([str(ruff), "check", "--no-cache", *targets], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


MAX_FUNCTION_LINES = 40


def test_no_function_in_the_package_tools_or_benchmarks_is_longer_than_40_lines():
    import ast

    long = []
    for path in sorted([*(ROOT / "course_utils").rglob("*.py"), *(ROOT / "tools").glob("*.py"),
                        *(ROOT / "benchmarks").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, f"split these into named steps of at most {MAX_FUNCTION_LINES} lines: {long}"
