"""Shared fixtures. Tests read the offline mirror but never write to it: broken files are built in tmp dirs."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

REPO_ROOT = Path(__file__).resolve().parent.parent


def _find_mirror() -> Path | None:
    for candidate in (os.environ.get("COURSE_DATA_DIR"), REPO_ROOT.parent / "shared" / "datasets"):
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
    """A writable copy of the mirror's MNIST files and ascent.dat (Fashion-MNIST left out: it is big)."""
    copy = tmp_path / "mirror"
    shutil.copytree(mirror / "mnist", copy / "mnist")
    shutil.copy(mirror / "ascent.dat", copy / "ascent.dat")
    return copy


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``: proves that nothing was deleted, moved or rewritten."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


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
