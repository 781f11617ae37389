"""Everything a notebook's setup cell brings in, with one line: ``from course_utils.start import *``.

- the libraries: ``np`` (NumPy), ``plt`` (matplotlib.pyplot), ``keras`` and ``tf`` (TensorFlow; both ``None`` in a
  browser, which has no TensorFlow);
- the course's helpers: ``conv``, ``costs``, ``data``, ``explorer``, ``mode``, ``paths``, ``plots``, ``results``,
  ``saving``, ``stats`` (modules), ``Timer``, ``format_table`` and ``multiply_adds``;
- :func:`setup`, which seeds every generator and prints the environment.

TensorFlow is imported first and quietly (its start-up lines go nowhere), before Keras.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_utils import conv, costs, data, env, explorer, mode, paths, plots, results, saving, stats
from course_utils.costs import multiply_adds
from course_utils.tables import format_table
from course_utils.timing import Timer

if env.in_browser():
    keras = tf = None
else:
    tf = env.import_tensorflow_quietly()
    import keras

__all__ = ["Timer", "conv", "costs", "data", "explorer", "format_table", "keras", "mode", "multiply_adds", "np",
           "paths", "plots", "plt", "results", "saving", "setup", "stats", "tf"]


def setup(seed: int = 42) -> int:
    """Seed Python, NumPy and TensorFlow, print the environment report, and return the seed (``COURSE_SEED`` wins)."""
    return env.setup(seed=seed).seed
