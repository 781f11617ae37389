"""Regenerate every Colab/Binder badge and the Colab install line from ``[tool.course]`` in pyproject.toml.

    python -m tools.links          # or: make links
    python -m tools.links --check  # exit 1 if anything is out of date (used by the tests)

Rewrites, in place: the badge line in each notebook's title cell, the pinned ``%pip install`` in each setup
cell, the "run it in your browser" link of the notebooks that JupyterLite serves (GitHub Pages of the same
repository), the course map in README.md (between the ``course-map`` markers) and its browser links (between
the ``lite-links`` markers). Notebooks are edited through their
paired .py files and then updated with jupytext, which keeps the stored outputs.

This is the course map's one writer: each row comes from its notebook's title cell (a ``<!-- course-map: short
title | what you do -->`` line) and its full-mode time from docs/results.json (``make report`` calls it).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
PIP_LINE = re.compile(r'^(\s*# )?%pip install --quiet --no-deps "course-utils @ git\+[^"]*"', re.MULTILINE)
# A badge in Markdown, `[![Colab](image)](target)`: the websites turn it into a plain link, `[Open in Colab](target)`,
# so that no page loads an image from outside the site.
BADGE = re.compile(r"\[!\[(\w+)\]\([^)]*\)\]\(([^)]*)\)")
BADGE_LINES = re.compile(r"^# \[!\[Colab\]\(.*\n# \[!\[Binder\]\(.*$", re.MULTILINE)
MAP_START, MAP_END = "<!-- course-map:start -->", "<!-- course-map:end -->"
MAP_ENTRY = re.compile(r"<!-- course-map: (.+?) \| (.+?) -->", re.DOTALL)
RESULTS = ROOT / "docs" / "results.json"
LITE_START, LITE_END = "<!-- lite-links:start -->", "<!-- lite-links:end -->"
# The notebooks that need nothing beyond NumPy, SciPy and matplotlib: `make lite` puts them in the browser.
LITE_NOTEBOOKS = ("07_manual_convolution.ipynb", "08_manual_pooling.ipynb", "11_cnn_from_scratch.ipynb")
LITE_LINE = re.compile(r"^# \*\*\[Run it in your browser\]\(.*$", re.MULTILINE)


def course_config() -> tuple[str, str]:
    """Return (owner/name, ref) from pyproject.toml's [tool.course] table."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = text.split("[tool.course]", 1)[1].split("\n[", 1)[0]
    values = dict(re.findall(r'^(\w+)\s*=\s*"([^"]*)"', table, re.MULTILINE))
    return values["repository"], values["ref"]


def badges_to_links(text: str) -> str:
    """Every badge in ``text`` as a plain link, `[Open in Colab](target)`: nothing for a page to load."""
    return BADGE.sub(r"[Open in \1](\2)", text)


def map_markdown(notebook: dict, change: Callable[[str], str]) -> dict:
    """``notebook`` (as JSON) with ``change`` applied to the text of every Markdown cell; code cells untouched."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = change("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"])
    return notebook


def colab_url(repository: str, ref: str, notebook: str) -> str:
    return f"https://colab.research.google.com/github/{repository}/blob/{ref}/notebooks/{notebook}"


def binder_url(repository: str, ref: str, notebook: str) -> str:
    return f"https://mybinder.org/v2/gh/{repository}/{ref}?urlpath=lab/tree/notebooks/{notebook}"


def lite_url(repository: str, notebook: str) -> str:
    """The notebook on the JupyterLite site that .github/workflows/pages.yml publishes to GitHub Pages."""
    owner, name = repository.split("/")
    return f"https://{owner.lower()}.github.io/{name}/lab/index.html?path={notebook}"


def lite_line(repository: str, notebook: str) -> str:
    return f"# **[Run it in your browser]({lite_url(repository, notebook)})**"  # one word: no line-length limit


def badges(repository: str, ref: str, notebook: str, separator: str = " ") -> str:
    """The Colab and Binder badges for one notebook, as Markdown (one word each, so linters accept long lines)."""
    return (f"[![Colab]({COLAB_BADGE})]({colab_url(repository, ref, notebook)}){separator}"
            f"[![Binder]({BINDER_BADGE})]({binder_url(repository, ref, notebook)})")


def pip_spec(repository: str, ref: str) -> str:
    return f'%pip install --quiet --no-deps "course-utils @ git+https://github.com/{repository}@{ref}"'


def updated_pair(text: str, repository: str, ref: str, notebook: str) -> str:
    """Return a notebook's py:percent text with its badge line and Colab install line regenerated."""
    if not BADGE_LINES.search(text) or not PIP_LINE.search(text):
        raise ValueError(f"{notebook}: needs the '# [![Colab]...' and '# [![Binder]...' lines and the Colab %pip line")
    text = BADGE_LINES.sub(lambda _: "# " + badges(repository, ref, notebook, separator="\n# "), text, count=1)
    if notebook in LITE_NOTEBOOKS:
        if LITE_LINE.search(text):
            text = LITE_LINE.sub(lambda _: lite_line(repository, notebook), text, count=1)
        else:  # first run: add the line after the badges
            end = BADGE_LINES.search(text).end()
            text = text[:end] + "\n" + lite_line(repository, notebook) + text[end:]
    return PIP_LINE.sub(lambda m: (m.group(1) or "") + pip_spec(repository, ref), text, count=1)


def lite_links(repository: str) -> str:
    """The README's browser links, between the lite-links markers."""
    links = " · ".join(f"[{name[:2]} · {name[3:-6].replace('_', ' ')}]({lite_url(repository, name)})"
                       for name in LITE_NOTEBOOKS)
    numbers = [name[:2] for name in LITE_NOTEBOOKS]
    listed = ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return (f"{LITE_START}\n**Run {listed} in your browser, nothing to install:** {links} (JupyterLite, built by "
            f"`make lite`; TensorFlow cells show the tested result).\n{LITE_END}")


CORE_COUNT = 8  # notebooks 01-08 are the core course; the rest are "Going further"
TABLE_HEAD = ["| # | Notebook | What you do | Full-mode time* | Open |", "|---|---|---|---|---|"]


def course_map(repository: str, ref: str, rows: list[tuple[str, str, str, str]]) -> str:
    """The README's course map: the core notebooks, then a "Going further" table for the others."""
    lines = [MAP_START, *TABLE_HEAD]
    for number, title, goal, time_text in rows:
        if int(number) == CORE_COUNT + 1:
            lines += ["", "**Going further**", "", *TABLE_HEAD]
        notebook = next(NOTEBOOKS.glob(f"{number}_*.ipynb")).name
        lines.append(f"| {number} | [{title}](notebooks/{notebook}) | {goal} | {time_text} | "
                     f"{badges(repository, ref, notebook)} |")
    lines.append(MAP_END)
    return "\n".join(lines)


def minutes(seconds: float) -> str:
    """A run time as the course map and docs/results.md show it: seconds up to 90, then minutes."""
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


def map_entry(pair: Path) -> tuple[str, str]:
    """The short title and the "what you do" line that a notebook's title cell (in its .py pair) gives the map."""
    title_cell = pair.read_text(encoding="utf-8").split("\n# %%", 2)[1]
    match = MAP_ENTRY.search(" ".join(line.removeprefix("#").strip() for line in title_cell.splitlines()))
    if match is None:
        raise ValueError(f"{pair.name}: its title cell needs a line '# <!-- course-map: short title | what you do -->'")
    return match.group(1), match.group(2)


def map_rows(results: Path = RESULTS) -> list[tuple[str, str, str, str]]:
    """(number, short title, what you do, full-mode time) per notebook, from its title cell and docs/results.json."""
    measured = json.loads(results.read_text(encoding="utf-8")).get("notebooks", []) if results.is_file() else []
    seconds = {row["notebook"][:2]: row["seconds"] for row in measured if row.get("seconds")}
    rows = []
    for pair in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py")):
        number = pair.name[:2]
        time_text = minutes(seconds[number]) if number in seconds else "not measured yet"
        rows.append((number, *map_entry(pair), time_text))
    return rows


def regenerate(check: bool) -> list[str]:
    """Rewrite (or, with check, only compare) every generated link; return the files that were out of date."""
    repository, ref = course_config()
    stale = []
    for pair in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py")):
        notebook = pair.with_suffix(".ipynb").name
        text = pair.read_text(encoding="utf-8")
        new = updated_pair(text, repository, ref, notebook)
        if new != text:
            stale.append(str(pair.relative_to(ROOT)))
            if not check:
                pair.write_text(new, encoding="utf-8")
                jupytext = Path(sys.executable).parent / "jupytext"
                subprocess.run([str(jupytext), "--quiet", "--update", "--to", "ipynb", str(pair), "-o",
                                str(pair.with_suffix(".ipynb"))], check=True)
    readme_path = ROOT / "README.md"
    readme = readme_path.read_text(encoding="utf-8")
    start, end = readme.index(MAP_START), readme.index(MAP_END) + len(MAP_END)
    new_readme = readme[:start] + course_map(repository, ref, map_rows()) + readme[end:]
    start, end = new_readme.index(LITE_START), new_readme.index(LITE_END) + len(LITE_END)
    new_readme = new_readme[:start] + lite_links(repository) + new_readme[end:]
    if new_readme != readme:
        stale.append("README.md")
        if not check:
            readme_path.write_text(new_readme, encoding="utf-8")
    return stale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    args = parser.parse_args()
    stale = regenerate(args.check)
    for path in stale:
        print(f"{'out of date' if args.check else 'updated'}: {path}")
    sys.exit(1 if args.check and stale else 0)


if __name__ == "__main__":
    main()
