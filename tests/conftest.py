"""Shared fixtures. Tests read the offline mirror but never write to it: broken files are built in tmp dirs."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import ROOT

os.environ.setdefault("MPLBACKEND", "Agg")



def _find_mirror() -> Path | None:
    for candidate in (os.environ.get("COURSE_DATA_DIR"), ROOT.parent / "shared" / "datasets"):
        if candidate and (Path(candidate) / "mnist").is_dir():
            return Path(candidate).resolve()
    return None


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The read-only offline mirror (skips the test when there is none)."""
    found = _find_mirror()
    if found is None:
        pytest.skip("no offline data mirror: set COURSE_DATA_DIR")
    return found


@pytest.fixture
def mirror_copy(mirror: Path, tmp_path: Path) -> Path:
    """A writable copy of the mirror's MNIST files, ascent.dat and face.dat (Fashion-MNIST left out: it is big)."""
    copy = tmp_path / "mirror"
    shutil.copytree(mirror / "mnist", copy / "mnist")
    for name in ("ascent.dat", "face.dat"):
        shutil.copy(mirror / name, copy / name)
    return copy


@pytest.fixture
def isolated_caches(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No mirror, empty Keras and scipy caches under tmp, and downloads that fail like an offline machine."""
    from course_utils import data

    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    scipy_cache = tmp_path / "scipy-data"
    monkeypatch.setattr(data, "scipy_cache_dir", lambda: scipy_cache)

    def offline(*_args: object) -> None:
        raise OSError("URL fetch failure: [Errno -2] Name or service not known")

    monkeypatch.setattr(data, "_download_with_keras", offline)
    monkeypatch.setattr(data, "_download_with_scipy", offline)
    return tmp_path


# JupyterLab on localhost, shared by tests/test_lab.py and tests/test_browser.py.
LAB_TOKEN = "course-test-token"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {LAB_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving notebooks/: ``lab.url``, ``lab.token``, ``lab.get(url)``."""
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
        f"--IdentityProvider.token={LAB_TOKEN}",
    ]
    server_env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=server_env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                lab_get(f"{url}/api/status")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"jupyter lab exited with {server.returncode}")
                time.sleep(0.5)
        else:
            pytest.fail("jupyter lab did not answer within 60 s")
        yield SimpleNamespace(url=url, token=LAB_TOKEN, get=lab_get)
    finally:
        server.terminate()
        server.wait(timeout=30)




def pytest_terminal_summary(terminalreporter) -> None:
    """Print the lines tests recorded with record_property("summary", ...), such as the browser timings."""
    lines = [value for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
             for key, value in getattr(report, "user_properties", []) if key == "summary"]
    if lines:
        terminalreporter.write_sep("-", "measured")
        for line in lines:
            terminalreporter.write_line(line)
