"""JupyterLab starts on localhost and serves notebook 01, and jupytext opens the .py pair as a notebook."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow  # starts a JupyterLab server (a few seconds): make test-fast leaves it out


def test_lab_serves_its_page(lab):
    status, body = lab.get(f"{lab.url}/lab")
    assert status == 200 and b"JupyterLab" in body


def test_lab_serves_notebook_01(lab):
    status, body = lab.get(f"{lab.url}/api/contents/01_dense_baseline.ipynb")
    model = json.loads(body)
    assert status == 200 and model["type"] == "notebook"
    assert model["content"]["cells"][0]["source"].startswith("# 01 · A dense baseline on Fashion-MNIST")


def test_paired_py_opens_as_a_notebook(lab):
    _, body = lab.get(f"{lab.url}/api/contents/01_dense_baseline.py")
    assert json.loads(body)["type"] == "notebook"
