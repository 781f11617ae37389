"""JupyterLab starts on localhost and serves notebook 01, and jupytext opens the .py pair as a notebook."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "course-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory):
    port = _free_port()
    runtime = tmp_path_factory.mktemp("jupyter-runtime")
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.root_dir={ROOT / 'notebooks'}",
        f"--IdentityProvider.token={TOKEN}",
    ]
    server_env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=server_env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                _get(f"{url}/api/status")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"jupyter lab exited with {server.returncode}")
                time.sleep(0.5)
        else:
            pytest.fail("jupyter lab did not answer within 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_lab_serves_its_page(lab_url):
    status, body = _get(f"{lab_url}/lab")
    assert status == 200 and b"JupyterLab" in body


def test_lab_serves_notebook_01(lab_url):
    status, body = _get(f"{lab_url}/api/contents/01_dense_baseline.ipynb")
    model = json.loads(body)
    assert status == 200 and model["type"] == "notebook"
    assert model["content"]["cells"][0]["source"].startswith("# 01 · A dense baseline on Fashion-MNIST")


def test_paired_py_opens_as_a_notebook(lab_url):
    _, body = _get(f"{lab_url}/api/contents/01_dense_baseline.py")
    assert json.loads(body)["type"] == "notebook"
