"""Tag a release: one version in every place, every badge and Colab install pointing at the new tag.

    python -m tools.release 0.3.0          # or: make release VERSION=0.3.0
    python -m tools.release 0.3.0 --dry-run

Writes the version into pyproject.toml (``version`` and ``[tool.course] ref = "v0.3.0"``) and
course_utils/__init__.py, regenerates every badge, the notebooks' Colab install line and the README course map
(tools/links.py), commits that as "Release v0.3.0" and creates the annotated tag ``v0.3.0``. It refuses to run on a
working tree with uncommitted changes or when the tag exists. Push with ``git push origin main v0.3.0``. Until a
release is tagged, ``ref`` is ``main``, so that no link points to a tag that does not exist.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.compile(r"^\d+\.\d+\.\d+$")


class ReleaseError(RuntimeError):
    """The release cannot be made as asked; the message says why and what to do."""


def set_version(root: Path, version: str) -> None:
    """Write ``version`` into course_utils/__init__.py (the one place) and pyproject.toml's [tool.course] ref."""
    if not VERSION.match(version):
        raise ReleaseError(f"version {version!r} is not of the form MAJOR.MINOR.PATCH, e.g. 0.3.0")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    n_version = 1 if re.search(r'^dynamic = \[[^]]*"version"', text, flags=re.MULTILINE) else 0
    head, course = text.split("[tool.course]", 1)
    course, n_ref = re.subn(r'^ref = "[^"]*"', f'ref = "v{version}"', course, count=1, flags=re.MULTILINE)
    init = root / "course_utils" / "__init__.py"
    init_text, n_init = re.subn(r'^__version__ = "[^"]*"', f'__version__ = "{version}"',
                                init.read_text(encoding="utf-8"), count=1, flags=re.MULTILINE)
    if (n_version, n_ref, n_init) != (1, 1, 1):
        raise ReleaseError("pyproject.toml needs 'dynamic = [\"version\"]' and a [tool.course] 'ref = ...' line, "
                           "and course_utils/__init__.py a '__version__ = ...' line")
    pyproject.write_text(head + "[tool.course]" + course, encoding="utf-8")
    init.write_text(init_text, encoding="utf-8")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="MAJOR.MINOR.PATCH, without the leading v")
    parser.add_argument("--dry-run", action="store_true", help="only say what would be done")
    args = parser.parse_args()
    tag = f"v{args.version}"
    try:
        if not VERSION.match(args.version):
            raise ReleaseError(f"version {args.version!r} is not of the form MAJOR.MINOR.PATCH, e.g. 0.3.0")
        if _git("tag", "--list", tag).strip():
            raise ReleaseError(f"tag {tag} exists already: choose the next version")
        if _git("status", "--porcelain", "--untracked-files=no").strip():
            raise ReleaseError("the working tree has uncommitted changes: commit or stash them first")
        if args.dry_run:
            print(f"would set version {args.version}, point every link at {tag}, commit and tag {tag}")
            return
        set_version(ROOT, args.version)
        from tools.links import regenerate

        regenerate(check=False)
        _git("commit", "--all", "--quiet", "-m", f"Release {tag}")
        _git("tag", "--annotate", tag, "-m", f"Release {tag}")
    except ReleaseError as error:
        sys.exit(f"release: {error}")
    print(f"tagged {tag}; publish it with: git push origin main {tag}")


if __name__ == "__main__":
    main()
