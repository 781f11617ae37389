"""Save and reload trained Keras models in the course output folder, never leaving a half-written file.

Keras imports lazily here, so that ``env.setup()`` can silence TensorFlow's start-up first.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from course_utils import paths


def partial_path(final: Path) -> Path:
    """Return the hidden sibling that a model is written to before it replaces ``final``."""
    return final.with_name(f".{final.stem}.partial{final.suffix}")  # keeps the .keras suffix Keras requires


def save_model(model: Any, filename: str) -> Path:
    """Save ``model`` as ``output_path(filename)`` atomically: write a sibling file, then rename it over."""
    final = paths.output_path(filename)
    partial = partial_path(final)
    model.save(partial)
    os.replace(partial, final)  # atomic on one filesystem: readers see the old file or the new one, never half
    return final


def promote(candidate: Path, filename: str) -> Path:
    """Move a finished checkpoint over ``output_path(filename)``, but only after it loads as a Keras model."""
    import keras

    final = paths.output_path(filename)
    if not zipfile.is_zipfile(candidate):
        raise ValueError(
            f"{candidate} is not a complete .keras file (a .keras model is a zip archive; this one is truncated or "
            f"corrupt), so it does not load as a Keras model; {final} was left unchanged. Train again to write a "
            "new checkpoint."
        )
    try:
        keras.models.load_model(candidate)
    except Exception as error:  # noqa: BLE001 - any unreadable file must leave the good one in place
        raise ValueError(
            f"{candidate} does not load as a Keras model ({type(error).__name__}: {error}); "
            f"{final} was left unchanged. Train again to write a new checkpoint."
        ) from error
    os.replace(candidate, final)
    return final


def load_model(filename: str, *, input_shape: tuple[int, ...] | None = None) -> tuple[Any | None, str]:
    """Load ``output_path(filename)``; return (model, why) with model None when it is missing or unusable."""
    import keras

    path = paths.output_path(filename)
    if not path.is_file():
        return None, f"no saved model at {path}"
    try:
        model = keras.models.load_model(path)  # safe_mode stays on: nothing arbitrary is unpickled
    except Exception as error:  # noqa: BLE001 - a stale or broken file means "train instead", not a crash
        return None, f"{path} could not be loaded ({type(error).__name__}); it was left as it is"
    if input_shape is not None and tuple(model.input_shape[1:]) != tuple(input_shape):
        return None, f"{path} expects inputs {model.input_shape[1:]}, not {input_shape}"
    return model, f"loaded {path}"
