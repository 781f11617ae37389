"""Benchmark: wall time to reach 0.91 Fashion-MNIST test accuracy, two training setups side by side.

(a) the seed-style baseline: notebook 02's CNN (``build_first_cnn``), ``model.fit`` on NumPy arrays at batch 32,
    Adam at its default rate;
(b) the setup the course recommends: notebook 03's narrower 3-block BatchNorm CNN (``build_deeper_cnn``), NumPy
    arrays in batches of 128 (as notebook 03 trains it), 32 steps per execution, and Adam from 0.006 (batch
    normalisation takes a high rate, notebook 04) along notebook 02's cosine decay to 0 over 5 epochs.

Both models come from course_utils.models, generated from the notebooks' ``# @save`` functions, and both read the
uint8 images (their ``Rescaling`` layer scales them).

Both train on the full 60,000 images and are evaluated on the test set after every epoch (the evaluation counts in
the time); each stops at 0.91, (a) after 10 epochs at most. They take turns of a quarter epoch in one process, the
next always the one less far through its plan (benchmarks/side_by_side.py), so the machine's changing load weighs on
both alike; each time counts only its own work. Also printed: each setup's training throughput in GFLOP/s against a
``tf.matmul`` float32 peak measured in the same run. With ``--rounds R`` the race runs R times from scratch (one by
default: a round takes about 5 minutes), and each setup's fastest round counts (benchmarks/side_by_side.py). The
target is (b)'s time to 0.91 <= 1/4 of (a)'s; the last line holds the ratio.

    COURSE_DATA_DIR=... python benchmarks/time_to_accuracy.py [--seed 42] [--rounds 1]
"""

from __future__ import annotations

import time

from course_utils import env

env.setup(seed=42)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import side_by_side  # noqa: E402
import tensorflow as tf  # noqa: E402

from course_utils import data  # noqa: E402
from course_utils.costs import multiply_adds  # noqa: E402
from course_utils.models import build_deeper_cnn, build_first_cnn, compile_with_cosine  # noqa: E402

TARGET = 0.91
TARGET_RATIO = 0.25
MAX_EPOCHS = 10
RECOMMENDED_EPOCHS = 5  # length of (b)'s cosine schedule
QUARTERS = 4  # stages per epoch: the two take turns every quarter epoch


def matmul_peak_gflops(size: int = 2048, repeats: int = 10) -> float:
    """Best float32 tf.matmul throughput on this machine, right now."""
    a = tf.random.uniform((size, size))
    b = tf.random.uniform((size, size))
    tf.matmul(a, b).numpy()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        tf.matmul(a, b).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def main() -> None:
    options = side_by_side.parse_options(__doc__.splitlines()[0])
    (train_images, y_train), (test_images, y_test) = data.load_fashion_mnist()
    x_train, x_test = train_images[..., np.newaxis], test_images[..., np.newaxis]  # uint8: the models scale

    evaluate = side_by_side.test_accuracy(x_test, y_test)
    peak = matmul_peak_gflops()
    print(f"seed {options.seed}; {options.rounds} round(s); tf.matmul float32 peak: {peak:.0f} GFLOP/s; "
          "turns of a quarter epoch, the one less far through its plan first", flush=True)

    def build_recommended() -> keras.Model:
        return compile_with_cosine(build_deeper_cnn(), rate=0.006, steps=side_by_side.steps(RECOMMENDED_EPOCHS,
                                                                                           len(x_train), 128))

    def contenders() -> list[side_by_side.Contender]:
        baseline = side_by_side.Contender(
            "(a) seed CNN, batch 32", lambda: side_by_side.compiled(build_first_cnn()),
            side_by_side.numpy_stages(x_train, y_train, 32, QUARTERS, options.seed), evaluate, stop_at=TARGET,
            **side_by_side.evaluated_each_epoch(MAX_EPOCHS, QUARTERS))
        recommended = side_by_side.Contender(
            "(b) recommended", build_recommended,
            side_by_side.numpy_stages(x_train, y_train, 128, QUARTERS, options.seed), evaluate, stop_at=TARGET,
            **side_by_side.evaluated_each_epoch(RECOMMENDED_EPOCHS, QUARTERS))
        return [baseline, recommended]

    results = side_by_side.rounds(options.rounds, contenders, options.seed)

    print()
    for number, pair in enumerate(results, 1):
        for contender in pair:
            reached = (f"{contender.seconds_to_target:.1f} s" if contender.seconds_to_target is not None
                       else f"not in {contender.max_stages // contender.stages_per_epoch} epochs")
            # multiply-adds x 2 for FLOPs, x 3 for the backward pass (about twice the forward); pooling, BN and
            # activations are left out
            flops = 3 * 2 * multiply_adds(contender.model) * len(x_train) * contender.epochs
            print(f"round {number}: {contender.name:<24} time to {TARGET}: {reached:>18} | "
                  f"epochs {contender.epochs:2g} | final accuracy {contender.accuracies[-1]:.4f} | "
                  f"{flops / contender.seconds / 1e9:5.1f} GFLOP/s including evaluation "
                  f"({flops / contender.seconds / 1e9 / peak:.0%} of matmul peak)")
    print_ratio(results, options.rounds)


def print_ratio(results: list, rounds: int) -> None:
    """The last line: (b)'s best time to the target over (a)'s, or the bound on it when (a) never got there."""
    baselines, recommendeds = [pair[0] for pair in results], [pair[1] for pair in results]
    baseline_best = side_by_side.best_seconds(baselines, to_target=True)
    recommended_best = side_by_side.best_seconds(recommendeds, to_target=True)
    best_of = f"best of {rounds} round(s)"
    if recommended_best is None:
        print(f"RATIO (b)/(a) undefined: (b) did not reach {TARGET} in {RECOMMENDED_EPOCHS} epochs")
    elif baseline_best is not None:
        print(f"RATIO (b)/(a) time to {TARGET} = {recommended_best / baseline_best:.2f} ({best_of}; "
              f"target <= {TARGET_RATIO})")
    else:
        # (a) never got there: its whole run is a lower bound on its time, so the ratio is an upper bound.
        baseline_whole = side_by_side.best_seconds(baselines, to_target=False)
        print(f"RATIO (b)/(a) time to {TARGET} < {recommended_best / baseline_whole:.2f} ((a) did not reach it in "
              f"{MAX_EPOCHS} epochs, {baseline_whole:.0f} s; {best_of}; target <= {TARGET_RATIO})")


if __name__ == "__main__":
    main()
