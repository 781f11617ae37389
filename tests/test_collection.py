"""What `make test` collects: each notebook's cells, then its solved exercise cells and their verdict; long modules
first (the root conftest.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from helpers import ROOT

pytestmark = pytest.mark.slow  # collects the whole suite in a fresh process (about 12 s)


@pytest.fixture(scope="module")
def collected() -> list[str]:
    env = {**os.environ, "COURSE_FAST": "1"}
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:xdist"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_every_notebook_ends_with_its_solved_exercises_and_their_verdict(collected):
    notebooks = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for name in notebooks:
        names = [node.split("::", 1)[1] for node in collected if node.startswith(f"notebooks/{name}::")]
        cells = [item for item in names if re.fullmatch(r"Cell \d+", item)]
        solved = [item for item in names if item.startswith("Solved cell ")]
        assert cells and solved, f"{name}: {len(cells)} cells, {len(solved)} solved cells"
        assert names == cells + solved + ["every published solution passes"], name


def test_notebooks_and_slow_modules_come_before_the_unit_tests(collected):
    modules = list(dict.fromkeys(node.split("::", 1)[0] for node in collected))
    first_unit = modules.index("tests/test_checks.py")
    assert "tests/test_binder.py" in modules[:first_unit]
    assert all(module in modules[:first_unit] for module in modules if module.startswith("notebooks/"))
