"""pytest configuration for the repository: nbval also checks every published solution, and long tests start first."""

import os

import pytest

from tools.nbval_solutions import add_solved_exercises

# A learner's failed check warns and goes on; in the tests (and the notebooks nbval runs) it must stop the run.
os.environ["COURSE_STRICT"] = "1"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Add the solved exercises (tools/nbval_solutions.py); then put notebooks and slow modules first."""
    add_solved_exercises(items)
    # With `--dist loadscope`, a worker takes a module at a time in this order: long ones first leave the many short
    # unit-test modules to fill the end, instead of one worker finishing a notebook while the other waits.
    slow_modules = {item.path for item in items if item.get_closest_marker("slow") or item.path.suffix == ".ipynb"}
    items.sort(key=lambda item: item.path not in slow_modules)  # stable: each module keeps its order
