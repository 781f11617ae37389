"""Benchmark: course_utils.conv.conv2d vs its loop version and vs scipy.signal.correlate2d.

On the 512x512 ascent image with a 3x3 kernel, measured side by side in one run (interleaved rounds, the median
of each). Targets: conv2d >= 100x faster than conv2d_naive, and <= 3x slower than scipy.

    COURSE_DATA_DIR=... python benchmarks/conv_numpy.py [--rounds 5]

The last line holds both ratios.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import scipy.signal

from course_utils import conv, data


def _seconds(function: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved measurement rounds (median is reported)")
    args = parser.parse_args()

    image = data.load_ascent().astype(np.float64)
    kernel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])  # Sobel, vertical edges
    reference = scipy.signal.correlate2d(image, kernel, mode="valid")
    assert np.allclose(conv.conv2d(image, kernel), reference)
    assert np.allclose(conv.conv2d_naive(image, kernel), reference)

    candidates = {
        "conv2d_naive (loops)": (lambda: conv.conv2d_naive(image, kernel), 1),
        "conv2d (vectorized)": (lambda: conv.conv2d(image, kernel), 20),
        "scipy.signal.correlate2d": (lambda: scipy.signal.correlate2d(image, kernel, mode="valid"), 20),
    }
    timings: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(args.rounds):
        for name, (function, repeat) in candidates.items():
            timings[name].append(_seconds(function, repeat))

    median = {name: statistics.median(values) for name, values in timings.items()}
    print(f"512x512 ascent image, 3x3 kernel, float64, median of {args.rounds} interleaved rounds")
    for name, seconds in median.items():
        print(f"  {name:<26} {seconds * 1000:10.2f} ms")
    speedup = median["conv2d_naive (loops)"] / median["conv2d (vectorized)"]
    slowdown = median["conv2d (vectorized)"] / median["scipy.signal.correlate2d"]
    print(
        f"RATIOS conv2d is {speedup:.0f}x faster than conv2d_naive (target >= 100) "
        f"and {slowdown:.2f}x the time of scipy correlate2d (target <= 3)"
    )


if __name__ == "__main__":
    main()
