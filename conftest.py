"""pytest configuration for the repository: nbval also checks every published solution (tools/nbval_solutions.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

from nbval_solutions import pytest_collection_modifyitems  # noqa: E402, F401  (a pytest hook)
