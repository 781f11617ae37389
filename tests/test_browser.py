"""Real browser tests: Debian's chromium, driven by Playwright (which never downloads a browser itself).

1. Notebook 01 renders in JupyterLab (title and stored figure); with COURSE_SCREENSHOT=path it saves the README's
   picture there.
2. Notebooks 07 and 08 run every cell in JupyterLite, in the browser, with Pyodide: the site that `make lite`
   builds into _site/ (COURSE_LITE_SITE overrides), served on 127.0.0.1. Every request that does not go to
   127.0.0.1 is blocked and counted; the count must be 0.

With COURSE_LITE_SCREENSHOT=path, the JupyterLite test saves a picture of notebook 07 in the browser there.

Both skip when chromium, Playwright or the site is missing, unless COURSE_BROWSER_TESTS=required (CI sets it),
which turns each skip into a failure that says what to install or build.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from helpers import ROOT

try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - depends on the machine
    sync_api = None

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Debian's chromium, headless, as root. Nothing but 127.0.0.1 can be reached: other host names do not resolve,
# and everything else goes to a proxy that does not exist. (Playwright's request routing would also block, but
# it stalls requests that JupyterLite's service worker answers.) The tests count what was attempted.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                 "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1"]
LITE_SITE = Path(os.environ.get("COURSE_LITE_SITE") or ROOT / "_site")
from tools.links import LITE_NOTEBOOKS  # noqa: E402  (the notebooks `make lite` serves)

pytestmark = pytest.mark.slow  # whole notebooks or a browser: make test-fast skips these

LITE_GOAL_SECONDS = 60
# Notebooks that train in the browser run in fast mode here, unless COURSE_LITE_FULL=1 (the measured full-mode run
# that docs/results.md reports: `COURSE_LITE_FULL=1 make test-browser`).
TRAINS = {"11_cnn_from_scratch.ipynb"}


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("COURSE_BROWSER_TESTS") == "required":
        pytest.fail(f"{reason} (COURSE_BROWSER_TESTS=required)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium():
    _require(sync_api is not None, "pip install playwright==1.63.0 (requirements.txt has it)")
    _require(Path(CHROMIUM).is_file(), "needs Debian's chromium: apt-get install -y chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_notebook_01_renders_title_and_figure_in_jupyterlab(chromium, lab, tmp_path):
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{lab.url}/lab/tree/01_dense_baseline.ipynb?token={lab.token}", timeout=120_000)
        title = page.locator(".jp-RenderedMarkdown h1").first
        title.wait_for(timeout=120_000)
        assert title.inner_text().startswith("01 · A dense baseline on Fashion-MNIST")
        figure = page.locator(".jp-RenderedImage img").first
        figure.scroll_into_view_if_needed(timeout=120_000)
        figure.wait_for(state="visible", timeout=120_000)
        box = figure.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100, box
        shot = Path(os.environ.get("COURSE_SCREENSHOT", tmp_path / "lab.png"))
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
    finally:
        page.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}

    def log_message(self, *args) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def lite_site():
    """The built JupyterLite site, served on 127.0.0.1: its base URL."""
    _require((LITE_SITE / ".course-lite-site").is_file(),
             f"no JupyterLite site at {LITE_SITE}: run `make lite PYODIDE_DIR=../shared/pyodide` first")
    with _served(LITE_SITE) as url:
        yield url


@contextlib.contextmanager
def _served(directory: Path):
    """``directory`` served over HTTP on 127.0.0.1 while the block runs: its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler,
                                                                                directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _count_outside_requests(context) -> list[str]:
    """Every request of ``context`` (pages and service workers) that did not go to 127.0.0.1; the list grows."""
    outside: list[str] = []
    context.on("request", lambda request: outside.append(request.url)
               if urlparse(request.url).hostname not in ("127.0.0.1", None) else None)
    return outside


def test_outside_requests_are_blocked_and_counted(chromium, lite_site):
    context = chromium.new_context()
    outside = _count_outside_requests(context)
    page = context.new_page()
    try:
        page.goto(f"{lite_site}/lab/index.html", wait_until="commit")
        for url in ("https://cdn.jsdelivr.net/pyodide/v0.27.7/full/pyodide.js", "http://93.184.215.14/"):
            reached = page.evaluate("url => fetch(url, {mode: 'no-cors'}).then(() => true, () => false)", url)
            assert reached is False, f"{url} was reachable"
    finally:
        context.close()
    assert len(outside) == 2, outside


# Runs in the page: clear the stored outputs, run every cell, wait for the kernel, then describe every code cell.
RUN_ALL = """async (first) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.sessionContext.ready;
  if (first) {  // e.g. fast mode, set in the kernel before the notebook's first cell runs
    await panel.sessionContext.session.kernel.requestExecute({code: first}).done;
  }
  await app.commands.execute('notebook:clear-all-cell-outputs');
  await app.commands.execute('notebook:run-all-cells');
  const cells = () => panel.content.widgets.filter(cell => cell.model.type === 'code');
  for (;;) {
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const done = cells().every(cell => cell.model.executionCount !== null);
    const failed = cells().some(cell => cell.model.outputs.toJSON().some(output => output.output_type === 'error'));
    if ((done || failed) && kernel && kernel.status === 'idle') break;
    await new Promise(resolve => setTimeout(resolve, 250));
  }
  return cells().map(cell => ({
    source: cell.model.sharedModel.getSource().slice(0, 80),
    count: cell.model.executionCount,
    outputs: cell.model.outputs.toJSON(),
  }));
}"""


def _text(output: dict) -> str:
    text = output.get("text") or output.get("data", {}).get("text/plain") or ""
    return "".join(text) if isinstance(text, list) else text


@pytest.mark.parametrize("notebook", LITE_NOTEBOOKS)
def test_lite_notebook_runs_every_cell_in_the_browser_offline(chromium, lite_site, notebook, record_property):
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    blocked = _count_outside_requests(context)
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(f"{lite_site}/lab/index.html?path={notebook}", timeout=120_000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                               "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=120_000)
        full = os.environ.get("COURSE_LITE_FULL") == "1" or notebook not in TRAINS
        cells = page.evaluate(RUN_ALL, "" if full else "import os; os.environ['COURSE_FAST'] = '1'")
        seconds = time.perf_counter() - start
        shot = os.environ.get("COURSE_LITE_SCREENSHOT")
        if shot and notebook == LITE_NOTEBOOKS[0]:  # the README's picture: the setup cell's report, in the browser
            page.evaluate("""async () => {
              const notebook = window.jupyterapp.shell.currentWidget.content;
              const setup = notebook.widgets.findIndex(c => c.model.sharedModel.getSource().includes('SEED = setup('));
              notebook.activeCellIndex = setup;
              await notebook.scrollToCell(notebook.widgets[setup], 'start');
            }""")
            page.wait_for_timeout(1000)
            page.screenshot(path=shot)
    finally:
        context.close()
    printed = "\n".join(_text(output) for cell in cells for output in cell["outputs"])
    reached = re.findall(r"^NumPy: .*test accuracy [\d.]+", printed, re.MULTILINE)
    line = (f"JupyterLite {notebook} ({'full' if full else 'fast'} mode): {seconds:.0f} s from opening the page to "
            f"the last cell finished (goal <= {LITE_GOAL_SECONDS} s in fast mode), {len(cells)} code cells, "
            f"{len(blocked)} outside requests blocked" + "".join(f"; {text}" for text in reached))
    record_property("summary", line)  # printed after the run by conftest.py, even under xdist
    print(line)
    errors = [(cell["source"], output.get("ename"), output.get("evalue")) for cell in cells
              for output in cell["outputs"] if output.get("output_type") == "error"]
    assert not errors, errors
    assert not blocked, blocked[:5]
    not_run = [cell["source"] for cell in cells if cell["count"] is None]
    assert not not_run, f"{len(not_run)} code cells did not run, e.g. {not_run[:2]}"
    figures = sum("image/png" in output.get("data", {}) for cell in cells for output in cell["outputs"])
    stored = json.loads((ROOT / "notebooks" / notebook).read_text())["cells"]
    expected = sum("image/png" in output.get("data", {}) for cell in stored for output in cell.get("outputs", []))
    assert figures == expected > 0, f"{figures} figures drawn; the stored full-mode run has {expected}"
    assert "running on: browser (Pyodide)" in printed
    assert printed.count("✏️ Not attempted yet") >= 3, "the exercise checks did not print their feedback"
    assert "TensorFlow is not available here" in printed


# ---------------------------------------------------------------------------------------------------------------
# The course website (`make site`, tools/build_site.py): every page, its images' alt text, search, launch links.
# ---------------------------------------------------------------------------------------------------------------

SITE = Path(os.environ.get("COURSE_SITE") or ROOT / "_book")


@pytest.fixture(scope="module")
def course_site():
    """The built course website, served on 127.0.0.1: its base URL."""
    _require((SITE / "index.html").is_file(), f"no course website at {SITE}: run `make site`")
    with _served(SITE) as url:
        yield url


def _site_pages() -> list[str]:
    return sorted(path.name for path in SITE.glob("*.html") if path.name != "genindex.html")


def test_every_site_page_loads_with_alt_texts_launch_links_and_nothing_from_outside(chromium, course_site):
    from tools.links import course_config

    repository, ref = course_config()
    pages = _site_pages()
    assert len(pages) >= 18, pages  # home, 13 notebooks, 3 documents, search
    context = chromium.new_context()
    outside = _count_outside_requests(context)
    page = context.new_page()
    try:
        for name in pages:
            response = page.goto(f"{course_site}/{name}", wait_until="load")
            _check_site_page(name, page, response, repository, ref)
    finally:
        context.close()
    assert outside == [], outside  # every request stayed on 127.0.0.1


def _check_site_page(name: str, page, response, repository: str, ref: str) -> None:
    """One loaded page of the course website: its title, its images and their alt texts, its launch links."""
    from tools.links import lite_url

    assert response is not None and response.ok, name
    assert "CNNs, hands-on" in page.title(), (name, page.title())
    images = page.eval_on_selector_all("img", "all => all.map(i => [i.getAttribute('src'), i.alt, "
                                              "i.complete && i.naturalWidth > 0])")
    for source, alt, loaded in images:
        assert loaded, f"{name}: {source} did not load"
        assert alt.strip() and not re.search(r"\.(png|svg|jpe?g)$", alt), f"{name}: {source} alt={alt!r}"
    if not re.match(r"\d\d_", name):
        return
    # Launch links: the theme's menu and the notebook's own, all at the ref the badges use.
    hrefs = page.eval_on_selector_all("a", "all => all.map(a => a.href)")
    launch = [href for href in hrefs if "colab.research.google.com/github" in href or "mybinder.org/v2" in href]
    assert len(launch) >= 4, (name, launch)
    for href in launch:
        assert f"{repository}/blob/{ref}/notebooks/{name[:-5]}.ipynb" in href or (
            f"gh/{repository}/{ref}?" in href and f"notebooks/{name[:-5]}.ipynb" in href), href
    if f"{name[:-5]}.ipynb" in LITE_NOTEBOOKS:  # and the browser, for the notebooks JupyterLite serves
        assert lite_url(repository, f"{name[:-5]}.ipynb") in hrefs, (name, "no run-in-the-browser link")


def test_site_search_finds_the_notebook_that_teaches_a_term(chromium, course_site):
    page = chromium.new_page()
    try:
        page.goto(f"{course_site}/search.html?q=padding", wait_until="load")
        page.wait_for_selector("#search-results li a", timeout=30_000)
        found = page.eval_on_selector_all("#search-results li a", "all => all.map(a => a.getAttribute('href'))")
    finally:
        page.close()
    assert any(href.startswith("07_manual_convolution.html") for href in found), found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_site_home_page_in_both_themes(chromium, course_site, scheme):
    context = chromium.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{course_site}/index.html", wait_until="load")
        theme = page.evaluate("document.documentElement.dataset.theme")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        if os.environ.get("COURSE_SITE_SCREENSHOT"):
            page.screenshot(path=os.environ["COURSE_SITE_SCREENSHOT"].replace(".png", f"-{scheme}.png"))
    finally:
        context.close()
    assert theme == scheme, theme  # the theme follows the reader's system setting
    channels = [int(value) for value in re.findall(r"\d+", background)[:3]]
    assert (min(channels) > 200) if scheme == "light" else (max(channels) < 60), background
