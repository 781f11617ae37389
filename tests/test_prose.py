"""Prose tied to outputs: every number the markdown quotes from a run matches the stored full-mode run.

A run-dependent number in a notebook's markdown is written with a hidden tag right after it, e.g.
``0.907<!-- value: test_accuracy -->`` (or ``<!-- value: 01/test_accuracy -->`` for another notebook's value,
``68%<!-- value: ... -->`` for a share). The tag names a value the notebook recorded with ``results.record``,
``results.expect`` or ``results.claim``; the test rounds the stored value to the precision quoted and compares.
Any other decimal or percentage in the markdown must be a constant of the lesson (a learning rate, a split) and
is listed below, so a number that drifts from the outputs, or a new untagged one, fails ``make test``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course_utils.results import read_recorded

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))

TAG = re.compile(r"(?P<number>(?<![\w.])-?\d[\d,]*(?:\.\d+)?)(?P<percent>%?)\**\s*"
                 r"<!--\s*value:\s*(?P<name>-?[\w/]+)\s*-->")  # -name: the value's size, for "fell by 0.03"
DECIMAL_OR_PERCENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?%|(?<![\w.])\d+\.\d+(?![\w.])")

# Numbers in the markdown that do not come from a run: hyperparameters, splits, chance levels, formulas.
CONSTANTS: dict[str, set[str]] = {
    # The stretch exercises' noise bands (0.005, 0.05, 0.01, 5%) are nbNN.STRETCH_NOISE: tests/test_stretch.py.
    "01": {"10%", "40%", "0.005", "0.1"},  # the validation split (and a uniform guess); an example confidence;
    # the stretch's band; a uniform guess's probability in -log(0.1)
    "02": {"0.002", "2.4", "0.05"},  # the learning rate; 243,786 / 101,770 parameters; the stretch's band
    "03": {"90%", "10%", "0.99", "30%", "0.002", "2.5", "0.01", "0.006", "0.91", "0.001"},  # splits, BN momentum,
    # dropout, learning rate, MAC ratio, the stretch's band, the Fashion benchmark's rate and target, the
    # overfitting run's rate (and a validation accuracy's step on 1,000 images)
    "04": {"0.01", "0.001", "3.5", "0.90", "95%", "2.8", "4.3"},  # learning rate and Adam's default; parameter
    # ratio of the printed table; exercise 3's target; the t-interval's confidence and t for 4 and 2 df
    "05": {"0.1", "0.10", "0.5"},  # chance with 10 classes (0.1 is also the deep dive's near-zero-sum bound); a
    # coin toss's separation
    "06": {"10%", "0.003", "0.988", "99%"},  # split and schedule floor, learning rate, target, bounds
    "07": {"5%"},  # the stretch's band
    "08": set(),
    "09": {"10%", "2.8", "0.05", "0.003", "0.02", "95%", "4.3"},  # augmentation settings (10% = 2.8 px, 0.05 of a
    # turn), the learning rate, the stretch's band, the t-interval's confidence and its t value for 2 df
    "11": {"0.99", "0.01", "0.9", "0.999", "0.003", "0.005"},  # BatchNorm's momentum
    # (and 1 - momentum), Adam's betas, the learning rate, the stretch's band
    "12": {"0.003", "0.5", "95%", "2.303"},  # the learning rate; the stretch's band (powers of ten); the
    # t-intervals; chance, ln 10
    "13": {"0.002", "0.05", "0.70", "0.72", "0.3", "0.25", "0.75", "95%", "0.1"},  # learning rate; band;
    # exercise 3's made-up scores; the rule's thresholds (reach 0.3, pass 0.25, fail 0.75; 0.1 in the deep
    # dive); the t-interval's confidence
    "10": {"0.01", "0.001", "0.002", "1.2", "0.014", "0.03"},  # learning rates (head and scratch, fine-tuning,
    # notebooks 02-03's); ImageNet's 1.2 million photos; the binomial standard error of one accuracy on 1,000
    # validation images, and the stretch's band (about two of them)
}


def _markdown(notebook: Path) -> str:
    cells = nbformat.read(notebook, as_version=4).cells
    return "\n\n".join(cell.source for cell in cells if cell.cell_type == "markdown")


def _recorded(notebook: Path) -> dict[str, float]:
    values: dict[str, float] = {}
    for value in read_recorded(nbformat.read(notebook, as_version=4)):
        values.setdefault(value["name"], value["value"])
    return values


def _lookup(name: str, here: str) -> float:
    if name.startswith("-"):  # a negative value quoted as a size: "lowered the accuracy by 0.030"
        return -_lookup(name[1:], here)
    number, _, key = name.rpartition("/")
    notebook = next(nb for nb in NOTEBOOKS if nb.name.startswith(number or here))
    values = _recorded(notebook)
    assert key in values, f"tag names {name!r}, but {notebook.name} recorded only {sorted(values)}"
    return values[key]


def _as_quoted(value: float, quoted: str, percent: bool) -> str:
    """Format ``value`` with the precision of ``quoted`` (and as a percentage when it was quoted as one)."""
    number = value * 100 if percent else value
    decimals = len(quoted.split(".")[1]) if "." in quoted else 0
    text = f"{number:,.{decimals}f}"
    return text if "," in quoted else text.replace(",", "")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_quoted_numbers_match_the_stored_run(notebook):
    here = notebook.name[:2]
    mismatches = []
    for match in TAG.finditer(_markdown(notebook)):
        stored = _lookup(match["name"], here)
        expected = _as_quoted(stored, match["number"], bool(match["percent"]))
        if expected != match["number"]:
            mismatches.append(f"{match['number']}{match['percent']} quoted for {match['name']}, stored run gives "
                              f"{expected}{match['percent']} ({stored!r})")
    assert not mismatches, "markdown disagrees with the stored outputs:\n" + "\n".join(mismatches)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_other_number_in_the_prose_is_a_listed_constant(notebook):
    text = _markdown(notebook)
    text = TAG.sub("", text)
    text = re.sub(r"`[^`]*`|\$[^$]*\$|\([^()\s]*://[^()\s]*\)|<!--.*?-->", "", text, flags=re.DOTALL)
    found = {match.group(0).replace(" ", "") for match in DECIMAL_OR_PERCENT.finditer(text)}
    unlisted, unused = found - CONSTANTS[notebook.name[:2]], CONSTANTS[notebook.name[:2]] - found
    assert not unused, f"listed as constants but no longer in the markdown: {sorted(unused)}; remove them"
    assert not unlisted, (f"untagged numbers in the markdown: {sorted(unlisted)}. If a run produced it, record it "
                          "and tag it (<!-- value: name -->); if it is a constant of the lesson, list it in "
                          "tests/test_prose.py")


@pytest.mark.parametrize(("value", "quoted", "percent", "expected"), [
    (0.90743, "0.907", False, "0.907"),
    (0.90743, "0.9074", False, "0.9074"),
    (0.8213, "82", True, "82"),
    (87.0, "87", False, "87"),
    (2100.0, "2,100", False, "2,100"),
    (-0.0264, "-0.026", False, "-0.026"),
])
def test_quoted_precision_follows_the_text(value, quoted, percent, expected):
    assert _as_quoted(value, quoted, percent) == expected


def test_a_drifted_number_is_caught():
    match = TAG.search("reached **0.906**<!-- value: test_accuracy --> on the test set")
    assert match and match["number"] == "0.906" and match["name"] == "test_accuracy"
    assert _as_quoted(0.9074, match["number"], False) != match["number"]
    size = TAG.search("fell by 0.030<!-- value: -augmentation_clean_change --> on centred images")
    assert size["name"] == "-augmentation_clean_change" and size["number"] == "0.030"
    negative = TAG.search("changed by -0.026<!-- value: change --> on average")
    assert negative["number"] == "-0.026" and _as_quoted(0.0264, negative["number"], False) != negative["number"]
