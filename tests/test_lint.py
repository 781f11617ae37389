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
