"""Benchmark: course_utils.conv against its loop version, scipy and TensorFlow, forward and backward.

Part 1, one channel: the 512x512 ascent image with a 3x3 kernel. Targets: conv2d >= 100x faster than conv2d_naive,
and <= 3x the time of scipy.signal.correlate2d.

Part 2, what a real layer computes: notebook 02's second Conv2D, a batch of 128 maps of 13x13x64, 64 filters of
3x3, valid padding, float32. conv2d (im2col, one matrix product) against tf.nn.conv2d on the CPU; conv2d plus
conv2d_backward against tf.GradientTape's forward and backward. Target: the NumPy forward pass takes <= 2x
TensorFlow's time. The backward ratio is reported, without a target.

Everything is measured side by side in one run (interleaved rounds, the median of each).

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
    forward_ratio, backward_ratio = _layer_ratios(args.rounds)
    print(
        f"RATIOS conv2d is {speedup:.0f}x faster than conv2d_naive (target >= 100) "
        f"and {slowdown:.2f}x the time of scipy correlate2d (target <= 3); on 02's second layer, batch 128, the "
        f"NumPy forward pass takes {forward_ratio:.2f}x TensorFlow's time (target <= 2) and forward + backward "
        f"{backward_ratio:.2f}x"
    )


def _interleaved_medians(candidates: dict, rounds: int) -> dict[str, float]:
    """Each candidate's median time over ``rounds`` rounds in which every candidate runs once, in turn."""
    timings: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, (function, repeat) in candidates.items():
            function()  # warm-up, so that no round pays for TensorFlow's first-call setup
            timings[name].append(_seconds(function, repeat))
    return {name: statistics.median(values) for name, values in timings.items()}


def _layer_ratios(rounds: int) -> tuple[float, float]:
    """Notebook 02's second layer, batch 128: NumPy vs TensorFlow, forward and forward + backward."""
    from course_utils.env import import_tensorflow_quietly

    tf = import_tensorflow_quietly()  # without its start-up lines on stderr

    rng = np.random.default_rng(0)
    maps = rng.random((128, 13, 13, 64), dtype=np.float32)  # after ReLU and pooling: non-negative
    kernels = (rng.standard_normal((3, 3, 64, 64)) * 0.05).astype(np.float32)
    upstream = rng.standard_normal((128, 11, 11, 64)).astype(np.float32)
    maps_tf, kernels_tf, upstream_tf = tf.constant(maps), tf.constant(kernels), tf.constant(upstream)

    def tf_forward():
        return tf.nn.conv2d(maps_tf, kernels_tf, strides=1, padding="VALID").numpy()

    def tf_both():
        with tf.GradientTape() as tape:
            tape.watch([maps_tf, kernels_tf])
            out = tf.nn.conv2d(maps_tf, kernels_tf, strides=1, padding="VALID")
        return [g.numpy() for g in tape.gradient(out, [maps_tf, kernels_tf], output_gradients=upstream_tf)]

    def numpy_both():
        conv.conv2d(maps, kernels)
        return conv.conv2d_backward(maps, kernels, upstream)

    np.testing.assert_allclose(conv.conv2d(maps, kernels), tf_forward(), rtol=1e-3, atol=1e-3)
    for ours, theirs in zip(numpy_both(), tf_both(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-3, atol=1e-2)
    candidates = {
        "NumPy conv2d": (lambda: conv.conv2d(maps, kernels), 5),
        "tf.nn.conv2d": (tf_forward, 5),
        "NumPy conv2d + conv2d_backward": (numpy_both, 3),
        "TensorFlow forward + GradientTape": (tf_both, 3),
    }
    median = _interleaved_medians(candidates, rounds)
    print(f"notebook 02's second layer: (128, 13, 13, 64) * (3, 3, 64, 64), valid, float32, CPU, "
          f"median of {rounds} interleaved rounds\n" + "\n".join(f"  {name:<34} {seconds * 1000:10.2f} ms"
                                                             for name, seconds in median.items()))
    return (median["NumPy conv2d"] / median["tf.nn.conv2d"],
            median["NumPy conv2d + conv2d_backward"] / median["TensorFlow forward + GradientTape"])


if __name__ == "__main__":
    main()
