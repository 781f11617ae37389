"""Opt-in: notebook 01 renders in JupyterLab in a real headless browser (Debian's chromium, driven by Playwright).

Runs when `playwright` is importable and /usr/bin/chromium exists (`make test-browser` sets both up); skipped
otherwise. With COURSE_SCREENSHOT=path it also saves a screenshot there (the README's picture).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (make test-browser)")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Debian's chromium, headless, as root, on a machine without internet.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="needs Debian's chromium (apt-get install chromium)")
def test_notebook_01_renders_title_and_figure_in_chromium(lab, tmp_path):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
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
            browser.close()
