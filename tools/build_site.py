"""Build the course website (`make site`): every notebook with its stored outputs, searchable, nothing re-executed.

    .venv-site/bin/python -m tools.build_site [--output _book]

Jupyter Book 1 (Sphinx with myst-nb, compat/site.txt) builds it fully offline from the committed notebooks:

- a home page from the README (its introduction, the course map and the browser links), one page per notebook with
  its figures and outputs, and the three course documents (common mistakes, exercises, results);
- Colab and Binder launch links on every notebook page, pointing at the ref in pyproject.toml's ``[tool.course]``
  (the same one the badges use), and the notebooks' own "run it in your browser" link for 07, 08 and 11;
- every figure's alt text, from its cell's ``mystnb.image.alt`` metadata (tests/test_site.py requires one);
- full-text search and the theme's light and dark modes, both served by the site itself: MathJax is copied in from
  the ``jupyter-server-mathjax`` package, badge images become plain links, and no widget script is loaded (the
  widgets need a kernel anyway). The build fails if any page would load something from outside the site.

.github/workflows/pages.yml copies the result over the JupyterLite site, so that both live under one address: the
home page is this site's, and ``lab/`` is JupyterLite's.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
from tools.links import badges_to_links, course_config, map_markdown  # noqa: E402

MARKER = ".course-site"
DOCS = ("common_mistakes", "exercises", "results")
# What a page loads (a script, a stylesheet, an image, a frame); plain <a href> links are not loads.
LOADS = re.compile(r"<(?:script|img|iframe|source)\b[^>]*\bsrc=\"(https?:)?//[^\"]*\"|"
                   r"<link\b[^>]*\bhref=\"(https?:)?//[^\"]*\"", re.IGNORECASE)


class BuildError(RuntimeError):
    """The site cannot be built as asked; the message says why and what to do."""


def notebook_for_the_site(path: Path, repository: str, ref: str) -> dict:
    """The notebook with its links made for the site (its outputs, metadata and browser link untouched)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return map_markdown(notebook, lambda text: site_links(text, repository, ref))


def site_links(text: str, repository: str, ref: str) -> str:
    """Links in the course's Markdown, rewritten for the site's flat layout: badges become plain links, notebooks
    and docs/ pages are pages of the site, the README is its home page, and any other file of the repository is
    linked on GitHub at ``ref``."""
    text = badges_to_links(text)
    text = re.sub(r"\]\((?:\.\./)?notebooks/([^)]+\.ipynb)\)", r"](\1)", text)
    text = re.sub(r"\]\((?:\.\./)?docs/([^)]+)\)", r"](\1)", text)
    text = re.sub(r"\]\(\.\./README\.md\)", "](index.md)", text)
    return re.sub(r"\]\(\.\./([^)]+)\)", rf"](https://github.com/{repository}/blob/{ref}/\1)", text)


def home_page(readme: str, repository: str, ref: str) -> str:
    """The README's introduction, course map and browser links, with a pointer to the rest of it."""
    intro = readme.split("\n## ", 1)[0]
    course_map = "## Course map" + readme.split("## Course map", 1)[1].split("\n## ", 1)[0]
    return (site_links(intro, repository, ref) + "\n" + site_links(course_map, repository, ref)
            + "\n\n## Set up, run, contribute\n\n"
            f"How to run the course on your own machine, offline, or in CI, and how to contribute: the "
            f"[README on GitHub](https://github.com/{repository}#readme).\n\n## Licence\n\n"
            f"Code: [MIT](https://github.com/{repository}/blob/{ref}/LICENSE). Text and figures: "
            f"[CC BY 4.0](https://github.com/{repository}/blob/{ref}/LICENSE-prose).\n")


def book_config(repository: str, ref: str) -> str:
    """Jupyter Book's _config.yml: no execution, launch links to `ref`, local MathJax, no widget scripts."""
    config = {
        "title": "CNNs, hands-on",
        "author": 'The "CNNs, hands-on" contributors',
        "copyright": "2026",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "repository": {"url": f"https://github.com/{repository}", "path_to_book": "notebooks", "branch": ref},
        "launch_buttons": {"notebook_interface": "jupyterlab", "binderhub_url": "https://mybinder.org",
                           "colab_url": "https://colab.research.google.com"},
        "html": {"use_repository_button": True, "use_issues_button": False, "use_edit_page_button": False,
                 "extra_footer": "Code: MIT. Text and figures: CC BY 4.0."},
        "sphinx": {"config": {"mathjax_path": "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML",
                              "nb_ipywidgets_js": {}, "html_show_sourcelink": False,
                              "html_static_path": ["_static"],
                              # the course's recorded-value outputs: the page shows their text/plain line
                              "suppress_warnings": ["mystnb.unknown_mime_type"]}},
    }
    return json.dumps(config, indent=1)  # JSON is YAML


def table_of_contents(notebooks: list[str]) -> str:
    core = [name for name in notebooks if name < "09"]
    further = [name for name in notebooks if name >= "09"]
    parts = {"Core notebooks": core, "Going further": further, "Reference": list(DOCS)}
    return json.dumps({"format": "jb-book", "root": "index",
                       "parts": [{"caption": caption, "chapters": [{"file": name} for name in names]}
                                 for caption, names in parts.items()]}, indent=1)


def outside_loads(html_dir: Path) -> list[str]:
    """Every place a built page would load something from outside the site: 'page: tag'."""
    return [f"{page.relative_to(html_dir)}: {match.group(0)[:120]}" for page in sorted(html_dir.rglob("*.html"))
            for match in LOADS.finditer(page.read_text(encoding="utf-8"))]


def build(output: Path) -> Path:
    """Build the site into ``output`` (replaced only if an earlier build made it) and return it."""
    if output.exists() and not (output / MARKER).exists():
        raise BuildError(f"{output} exists and was not made by this tool: move it away or pass --output")
    import jupyter_server_mathjax  # in .venv-site only (compat/site.txt): the MathJax the site serves

    repository, ref = course_config()
    notebooks = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    with tempfile.TemporaryDirectory() as temporary:
        source = Path(temporary) / "book"
        (source / "_static").mkdir(parents=True)
        shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", source / "_static" / "mathjax")
        for name in notebooks:
            notebook = notebook_for_the_site(ROOT / "notebooks" / f"{name}.ipynb", repository, ref)
            (source / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        for name in DOCS:
            text = site_links((ROOT / "docs" / f"{name}.md").read_text(), repository, ref)
            (source / f"{name}.md").write_text(text, encoding="utf-8")
        for image in [ROOT / "docs" / "results.png", *sorted((ROOT / "docs" / "images").glob("*"))]:
            target = source / image.relative_to(ROOT / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(image, target)
        (source / "index.md").write_text(home_page((ROOT / "README.md").read_text(), repository, ref), "utf-8")
        (source / "_config.yml").write_text(book_config(repository, ref), encoding="utf-8")
        (source / "_toc.yml").write_text(table_of_contents(notebooks), encoding="utf-8")
        jupyter_book = Path(sys.executable).parent / "jupyter-book"
        done = subprocess.run([str(jupyter_book), "build", str(source), "--warningiserror", "--quiet"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise BuildError("jupyter-book failed:\n" + (done.stdout + done.stderr)[-4000:])
        html = source / "_build" / "html"
        loads = outside_loads(html)
        if loads:
            raise BuildError("pages would load from outside the site:\n" + "\n".join(loads[:20]))
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(html, output)
    (output / MARKER).write_text("built by tools/build_site.py\n")
    (output / ".nojekyll").write_text("")
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "_book")
    try:
        site = build(parser.parse_args().output)
    except BuildError as error:
        sys.exit(f"make site: {error}")
    pages = len(list(site.rglob("*.html")))
    print(f"site built: {site} ({pages} pages); open {site / 'index.html'}")


if __name__ == "__main__":
    main()
