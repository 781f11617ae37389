"""docs/common_mistakes.md covers the curriculum's list of mistakes, and every row points to a real section."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import ROOT

TABLE = ROOT / "docs" / "common_mistakes.md"

# The curriculum's list (reference seed 004), in the course's words.
CURRICULUM_MISTAKES = [
    "Treating images as flat vectors too early",
    "Forgetting to reshape for Conv2D",
    "Not understanding what features are extracted",
    "Adding filters or layers without gains",
    "Assuming deeper is always better",
    "Trusting accuracy without looking at the model's behaviour",
    "Ignoring boundary conditions",
    "Misunderstanding pooling's effect on resolution",
]


def _rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| ([^|]+) \| \[\d\d\]\(\.\./notebooks/([^)]+)\) \| ([^|]+) \|", line)
        if match:
            rows.append(tuple(part.strip() for part in match.groups()))
    return rows


def test_every_curriculum_mistake_has_a_row():
    covered = {mistake for mistake, _, _ in _rows()}
    assert [m for m in CURRICULUM_MISTAKES if m not in covered] == []


def test_every_row_points_to_an_existing_section():
    rows = _rows()
    assert len(rows) >= len(CURRICULUM_MISTAKES)
    for mistake, notebook, section in rows:
        pair = ROOT / "notebooks" / Path(notebook).with_suffix(".py")
        assert pair.is_file(), f"{mistake}: no notebook {notebook}"
        headings = re.findall(r"^# ## (.+)$", pair.read_text(encoding="utf-8"), re.MULTILINE)
        assert section in headings, f"{mistake}: {notebook} has no section {section!r}; it has {headings}"


def test_each_notebook_demonstrates_a_mistake_of_its_own():
    notebooks = {notebook for _, notebook, _ in _rows()}
    every = {path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert notebooks == every, f"rows cover {sorted(notebooks)}, notebooks are {sorted(every)}"
