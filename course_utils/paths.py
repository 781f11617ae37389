"""The one folder notebooks may write to (saved models, exported figures)."""

from __future__ import annotations

import os
from pathlib import Path

OUTPUT_ENV = "COURSE_OUTPUT_DIR"


def _source_checkout_root() -> Path | None:
    """Return the course repository root when course_utils runs from a source checkout."""
    root = Path(__file__).resolve().parent.parent
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def output_dir() -> Path:
    """Return (and create) the course output folder: ``$COURSE_OUTPUT_DIR``, else ``<repo>/outputs``."""
    override = os.environ.get(OUTPUT_ENV)
    if override:
        folder = Path(override).expanduser().resolve()
    else:
        root = _source_checkout_root()
        # Installed from a wheel (Colab, Binder): fall back to the working directory.
        folder = root / "outputs" if root is not None else Path.cwd() / "course_outputs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def output_path(filename: str) -> Path:
    """Return ``output_dir() / filename``, refusing names that would escape the folder."""
    candidate = Path(filename)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise ValueError(
            f"{filename!r} must be a plain relative name: notebooks write only inside {output_dir()}"
        )
    path = output_dir() / candidate
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
