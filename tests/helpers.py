"""What several test modules share: the repository root, a tree's fingerprint, a copy of the tracked files.

Fixtures live in conftest.py; plain helpers live here, so that no test module imports conftest.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder``: proves that nothing was deleted, moved or rewritten."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def tracked_copy(destination: Path) -> Path:
    """Copy the repository as a fresh clone would have it (tracked files only); needs git."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination
