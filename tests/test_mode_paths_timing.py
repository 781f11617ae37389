"""Fast/full mode switch, the output folder, and the timer."""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_utils import mode, paths
from course_utils.timing import Timer, format_seconds


@pytest.mark.parametrize(("value", "fast"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_fast_mode_switch(monkeypatch, value, fast):
    monkeypatch.setenv("COURSE_FAST", value)
    assert mode.is_fast() is fast
    assert mode.by_mode(full=5, fast=1) == (1 if fast else 5)
    assert ("NOT representative" in mode.banner_text()) is fast


def test_subset_is_a_prefix_in_fast_mode_and_identity_in_full(monkeypatch):
    x, y = np.arange(100).reshape(50, 2), np.arange(50)
    monkeypatch.setenv("COURSE_FAST", "1")
    small_x, small_y = mode.subset(x, y, fast=10)
    assert small_x.shape == (10, 2) and small_y.tolist() == list(range(10))
    monkeypatch.delenv("COURSE_FAST")
    full_x, full_y = mode.subset(x, y, fast=10)
    assert full_x is x and full_y is y
    with pytest.raises(ValueError, match="same length"):
        mode.subset(x, y[:3], fast=2)


def test_output_dir_override_and_escape_protection(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_OUTPUT_DIR", str(tmp_path / "out"))
    assert paths.output_dir() == (tmp_path / "out").resolve()
    assert paths.output_path("models/best.keras") == (tmp_path / "out" / "models" / "best.keras").resolve()
    for bad in ("../escape.txt", "/etc/passwd"):
        with pytest.raises(ValueError, match="plain relative name"):
            paths.output_path(bad)


def test_default_output_dir_is_the_gitignored_repo_folder(monkeypatch):
    monkeypatch.delenv("COURSE_OUTPUT_DIR", raising=False)
    folder = paths.output_dir()
    assert folder.name == "outputs" and (folder.parent / "pyproject.toml").is_file()
    assert "outputs/" in (folder.parent / ".gitignore").read_text().splitlines()


def test_timer_and_formatting():
    with Timer() as timer:
        time.sleep(0.2)
    assert 0.2 <= timer.seconds < 5, timer.seconds  # measures the block, in seconds (not ms, not 0)
    assert format_seconds(4.24) == "4.2 s" and format_seconds(125) == "2 min 05 s"
