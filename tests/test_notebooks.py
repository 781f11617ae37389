"""Notebook gates: jupytext pairs in sync, outputs from one clean full-mode run, the course skeleton."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import jupytext
import pytest
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(cell: dict) -> str:
    return "".join(cell["source"])


def _output_text(cell: dict) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append("".join(output.get("text", "")))
        parts.append("".join(output.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_jupytext_pair_is_in_sync(notebook):
    pair = notebook.with_suffix(".py")
    assert pair.is_file(), f"{notebook.name} has no paired {pair.name}; run `make sync`"
    # What `jupytext --to py:percent -o - X.ipynb` prints, in this process (the CLI costs ~2 s a notebook to start).
    config = load_jupytext_configuration_file(find_jupytext_configuration_file(str(notebook.parent)))
    converted = jupytext.writes(jupytext.read(notebook), fmt="py:percent", config=config)
    assert converted == pair.read_text(encoding="utf-8"), f"{notebook.name} and {pair.name} differ; run `make sync`"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_come_from_one_clean_full_mode_run(notebook):
    cells = [c for c in _load(notebook)["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"execution counts {counts}: run `make execute NB=..`"
    errors = [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"stored outputs contain errors: {[e['ename'] for e in errors]}"
    setup_output = _output_text(cells[0])
    assert "FULL MODE" in setup_output and "FAST" not in setup_output, "outputs must come from a full-mode run"


def _parts(notebook: Path) -> tuple[list[dict], str, list[str]]:
    cells = _load(notebook)["cells"]
    markdown = "\n".join(_text(c) for c in cells if c["cell_type"] == "markdown")
    return cells, markdown, [_text(c) for c in cells if c["cell_type"] == "code"]


# The course skeleton, one rule per case: (rule, check(notebook) -> bool, what to fix).
SKELETON_RULES = [
    ("title", lambda nb: re.match(rf"# {nb.name[:2]} · ", _text(_parts(nb)[0][0])) is not None,
     "the first cell starts with '# NN · title'"),
    ("why it matters", lambda nb: "**Why this matters.**" in _text(_parts(nb)[0][0]),
     "the first cell says why the notebook matters, in a '**Why this matters.**' paragraph"),
    ("you will learn", lambda nb: "## You will learn" in _parts(nb)[1], "a '## You will learn' section"),
    ("setup cell", lambda nb: "from course_utils.start import *" in _parts(nb)[2][0]
     and "SEED = setup(seed=" in _parts(nb)[2][0],
     "the first code cell is the setup cell: `from course_utils.start import *`, then `SEED = setup(seed=...)`"),
    ("no hard-coded seeds", lambda nb: not re.search(r"set_random_seed\(\d|default_rng\(\d",
                                                     "\n".join(_parts(nb)[2][1:])),
     "seed with SEED (or SEED + n), never a literal, so that COURSE_SEED reaches every random choice"),
    ("common mistake", lambda nb: re.search(r"^## .*Common mistake", _parts(nb)[1], re.MULTILINE) is not None,
     "a '## N. Common mistake: ...' section that demonstrates the mistake"),
    ("checked exercises", lambda nb: sum(len(re.findall(r"\bex\.q\d+\.check\(", code))
                                         for code in _parts(nb)[2]) >= 2, "at least 2 exercises with ex.qN.check(...)"),
    ("stretch exercise", lambda nb: any("ex.stretch.check(" in code for code in _parts(nb)[2])
     and "**Stretch exercise." in _parts(nb)[1],
     "a '**Stretch exercise.**' that runs an experiment and checks the conclusion with ex.stretch.check(...)"),
    ("summary and next", lambda nb: "## Summary" in _parts(nb)[1] and "Next" in _parts(nb)[1].split("## Summary")[-1],
     "a '## Summary' section ending with a link to the next notebook"),
    ("one call per checked figure", lambda nb: not any("is_fast()" in code for code in _parts(nb)[2]),
     "check full-mode figures with results.expect(...) or results.claim(...), not `if not mode.is_fast(): assert`"),
    ("no NBVAL comments", lambda nb: not any("NBVAL_" in code for code in _parts(nb)[2]),
     "mark nbval cells with tags (# %% tags=[\"nbval-check-output\"]), not comments in the learner's code"),
]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.parametrize(("rule", "holds", "message"), SKELETON_RULES, ids=[r[0] for r in SKELETON_RULES])
def test_notebook_follows_the_course_skeleton(notebook, rule, holds, message):
    assert holds(notebook), f"{notebook.name}: {message}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_absolute_paths_in_sources(notebook):
    for cell in _load(notebook)["cells"]:
        source = _text(cell)
        assert not re.search(r"(/home/|/work/|/Users/|/root/|[A-Z]:\\\\)", source), source[:200]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_recorded_figures_are_in_their_full_mode_ranges(notebook):
    import nbformat

    from course_utils.results import read_recorded

    recorded = read_recorded(nbformat.read(notebook, as_version=4))
    assert recorded, "record the notebook's key figure with results.record(...), for the results report"
    for value in recorded:
        assert value["mode"] == "full"
        low, high = value["expected"] or (float("-inf"), float("inf"))
        assert low <= value["value"] <= high, f"{value['name']} = {value['value']} outside {low}..{high}"


def _ends_with_results_call(source: str) -> bool:
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython magics
        return False
    last = body[-1] if body else None
    return (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and isinstance(last.value.func, ast.Attribute) and isinstance(last.value.func.value, ast.Name)
            and last.value.func.value.id == "results")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_results_calls_leave_no_stray_output(notebook):
    """A cell that ends with results.expect/claim/record shows its own line, not an echoed True or number."""
    for cell in _load(notebook)["cells"]:
        if cell["cell_type"] == "code" and _ends_with_results_call(_text(cell)):
            echoed = [o for o in cell["outputs"] if o["output_type"] == "execute_result"]
            assert not echoed, f"{_text(cell)[:80]!r} echoes {echoed[0]['data'].get('text/plain')!r}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_alt_text_that_describes_it(notebook):
    # The website (tools/build_site.py) gives each figure its cell's `mystnb.image.alt`; without it a screen reader
    # hears a file name. Alt text says what the figure shows: a sentence, not "figure" or "plot".
    figures = 0
    for index, cell in enumerate(_load(notebook)["cells"]):
        if not any("image/png" in output.get("data", {}) for output in cell.get("outputs", [])):
            continue
        figures += 1
        alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
        assert len(alt.split()) >= 8, f"cell {index}: alt text {alt!r} (set metadata mystnb.image.alt)"
        assert not re.fullmatch(r"(an? )?(image|figure|plot|chart)\.?", alt.strip(), re.IGNORECASE), alt
        assert not re.search(r"\.(png|svg|jpe?g)\b", alt), f"cell {index}: alt text is a file name: {alt!r}"
    assert figures, f"{notebook.name} draws no figure: is its stored output missing?"


def test_colour_maps_are_readable_without_telling_red_from_green():
    # Sequential maps (gray, Blues, viridis, magma) vary in lightness; RdBu is the colour-blind-safe diverging map.
    # jet, rainbow, hsv or RdYlGn would put meaning in hue alone.
    sources = [*NOTEBOOK_DIR.glob("[0-9][0-9]_*.py"), *(NOTEBOOK_DIR.parent / "course_utils").glob("*.py")]
    used = {name for path in sources for name in re.findall(r"cmap=[\"'](\w+)[\"']", path.read_text())}
    assert used and used <= {"gray", "Blues", "viridis", "magma", "RdBu_r", "RdBu"}, used


def _code_lines(source: str) -> list[str]:
    return [line for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_setup_cell_is_short(notebook):
    # The Colab install, the import, the seed; in the browser the site ships course_utils next to the notebook.
    setup = _code_lines(_parts(notebook)[2][0])
    assert len(setup) <= 6, f"{notebook.name}: the setup cell has {len(setup)} code lines"


BOOKKEEPING = re.compile(r"\bresults\.\w+\(|\bmode\.\w+\(|set_random_seed\(|\bTimer\(")


def test_bookkeeping_stays_a_small_share_of_the_code():
    # Lines that call results.*, mode.*, set_random_seed or Timer: 8.3% before #29, 4.7% after the start module, one
    # record() per cell, seeds as builder arguments and fast sizes in the loaders. This keeps it from creeping back.
    lines = [line for notebook in NOTEBOOKS for code in _parts(notebook)[2] for line in _code_lines(code)]
    share = sum(bool(BOOKKEEPING.search(line)) for line in lines) / len(lines)
    assert share <= 0.05, f"{share:.1%} of the notebooks' code lines record, time, seed or switch modes"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_cell_records_its_figures_in_one_call(notebook):
    # results.record(values..., expect={...}, claims={...}) groups a cell's figures; 04 records one figure only when
    # a configuration reaches the target, so its claim and that expect stay apart.
    for code in _parts(notebook)[2]:
        calls = re.findall(r"\bresults\.(?:record|expect|claim)\(", code)
        assert len(calls) <= 1 or "if reaching" in code, f"{notebook.name}: one cell makes {len(calls)} calls:\n{code}"
