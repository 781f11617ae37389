"""Notebook setup: quiet TensorFlow import, seeds and determinism, an environment report.

Every notebook's setup cell calls it, through ``course_utils.start.setup(seed=42)``.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

from course_utils import data, mode, paths

THREADS_ENV = "COURSE_NUM_THREADS"
SEED_ENV = "COURSE_SEED"


@contextlib.contextmanager
def _stderr_fd_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null: TensorFlow's C++ start-up lines bypass Python's logging."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly() -> ModuleType:
    """Import TensorFlow and start its runtime without the start-up noise on stderr."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    already_imported = "tensorflow" in sys.modules
    with _stderr_fd_silenced():
        import tensorflow as tf

        if not already_imported:
            threads = os.environ.get(THREADS_ENV)
            if threads:
                # Must happen before the first op; useful when test workers share few cores.
                tf.config.threading.set_intra_op_parallelism_threads(int(threads))
                tf.config.threading.set_inter_op_parallelism_threads(int(threads))
            tf.constant(0)  # Device discovery prints here too, so do it while silenced.
    return tf


def chosen_seed(default: int) -> int:
    """Return ``COURSE_SEED`` when it is set (a whole number), otherwise the notebook's ``default``."""
    text = os.environ.get(SEED_ENV, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{SEED_ENV}={text!r} is not a whole number: set it like {SEED_ENV}=7, or unset it "
                         f"to use the notebook's seed ({default})") from None


def in_browser() -> bool:
    """True inside Pyodide (JupyterLite in a web browser), where there is no TensorFlow."""
    return sys.platform == "emscripten"


def where_running() -> str:
    """Return ``"browser (Pyodide)"``, ``"Colab"``, ``"Binder"``, ``"CI"`` or ``"local"``."""
    if in_browser():
        return "browser (Pyodide)"
    if "google.colab" in sys.modules:
        return "Colab"
    if any(key.startswith("BINDER_") for key in os.environ):
        return "Binder"
    if os.environ.get("CI"):
        return "CI"
    return "local"


@dataclass(frozen=True)
class EnvironmentReport:
    """What the setup cell found: versions, hardware, place, mode, data source."""

    python: str
    tensorflow: str
    keras: str
    numpy: str
    cpus: int
    gpus: tuple[str, ...]
    platform: str
    where: str
    mode: str
    seed: int
    seed_source: str
    data_source: str
    output_dir: str
    op_determinism: bool = True  # TensorFlow's deterministic ops; off in the browser, which has no TensorFlow

    def lines(self) -> list[str]:
        """Return the report as ``label: value`` lines."""
        gpus = ", ".join(self.gpus) if self.gpus else "none (CPU only)"
        return [
            f"Python {self.python} | TensorFlow {self.tensorflow} | Keras {self.keras} | NumPy {self.numpy}",
            f"hardware: {self.cpus} CPU cores; GPU: {gpus}",
            f"running on: {self.where} ({self.platform})",
            f"mode: {self.mode.upper()} | seed: {self.seed} ({self.seed_source}"
            + ("; op determinism on)" if self.op_determinism else ")"),
            f"data: {self.data_source}",
            f"outputs: {self.output_dir}",
        ]


def _show_banner(text: str, fast: bool) -> None:
    """Show the mode banner: a coloured box in Jupyter, plain text elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        print(text)
        return
    if get_ipython() is None:
        print(text)
        return
    colour = "#fff3cd" if fast else "#d1e7dd"
    html = f'<div style="background:{colour};color:#000;padding:6px 10px;border-radius:4px"><b>{text}</b></div>'
    display({"text/plain": text, "text/html": html}, raw=True)


def _seed_everything(seed: int) -> tuple[str, str, tuple[str, ...]]:
    """Seed every generator (TensorFlow's too, with op determinism, where it exists); return its versions and GPUs."""
    if in_browser():
        import random

        import numpy as np

        random.seed(seed)
        np.random.seed(seed)
        os.environ.setdefault(data.DATA_DIR_ENV, os.path.abspath("data"))  # the site's copy of ascent and face
        return "not available in the browser", "not available in the browser", ()
    tf = import_tensorflow_quietly()
    import keras

    # Seeds Python's random, NumPy and TensorFlow in one call.
    keras.utils.set_random_seed(seed)
    # Same seed, same machine and versions, same numbers (tests/test_env.py). Other CPUs, thread counts,
    # versions or a GPU round differently, so metrics move in their last digits: the ranges allow for that.
    tf.config.experimental.enable_op_determinism()
    return tf.__version__, keras.__version__, tuple(d.name for d in tf.config.list_physical_devices("GPU"))


def setup(seed: int = 42) -> EnvironmentReport:
    """Import TF quietly, seed Python/NumPy/TF (``COURSE_SEED`` overrides ``seed``), and print the report.

    In the browser (Pyodide) there is no TensorFlow: it seeds Python and NumPy only, and reads the data files that
    the JupyterLite site ships next to the notebooks (``data/``).
    """
    seed = chosen_seed(seed)
    import numpy as np

    tf_version, keras_version, gpus = _seed_everything(seed)
    report = EnvironmentReport(
        python=platform.python_version(),
        tensorflow=tf_version,
        keras=keras_version,
        numpy=np.__version__,
        cpus=os.cpu_count() or 1,
        gpus=gpus,
        platform=f"{platform.system()} {platform.machine()}",
        where=where_running(),
        mode=mode.name(),
        seed=seed,
        seed_source=f"from {SEED_ENV}" if os.environ.get(SEED_ENV, "").strip() else "the notebook's default",
        data_source=data.describe_source(),
        output_dir=str(paths.output_dir()),
        op_determinism=not in_browser(),
    )
    print("\n".join(report.lines()))
    _show_banner(mode.banner_text(), mode.is_fast())
    return report
