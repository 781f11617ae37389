"""Benchmark: wall time to reach 0.91 Fashion-MNIST test accuracy, two training setups side by side.

(a) the seed-style baseline: notebook 02's CNN (``build_first_cnn``), ``model.fit`` on NumPy arrays at batch 32,
    Adam at its default rate;
(b) the setup the course recommends (notebooks 02-03): notebook 03's narrower 3-block BatchNorm CNN
    (``build_deeper_cnn``), batches of 128 from a ``tf.data`` pipeline, 32 steps per execution, and Adam from 0.002
    with notebook 02's cosine decay, here over 6 epochs (notebook 03 stops at 4, just short of 0.91).

Both models come from course_utils.models, generated from the notebooks' ``# @save`` functions, and both read the
uint8 images (their ``Rescaling`` layer scales them).

Both are evaluated on the test set after every epoch (the evaluation counts in the time), 10 epochs at most,
in the same process, full data. Also printed: each setup's training throughput in GFLOP/s against a
``tf.matmul`` float32 peak measured in the same run. The last line holds the ratio (b)/(a).

    COURSE_DATA_DIR=... python benchmarks/time_to_accuracy.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from course_utils import env

env.setup(seed=42)

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from course_utils import data  # noqa: E402
from course_utils.models import build_deeper_cnn, build_first_cnn  # noqa: E402

TARGET = 0.91
MAX_EPOCHS = 10
RECOMMENDED_EPOCHS = 6  # length of (b)'s cosine schedule


def forward_flops_per_image(model: keras.Model) -> int:
    """Multiply-adds x 2 of the Conv2D and Dense layers for one image (pooling, BN and activations ignored)."""
    flops = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            height, width, filters = layer.output.shape[1:]
            kernel_h, kernel_w, channels, _ = layer.kernel.shape
            flops += 2 * height * width * filters * kernel_h * kernel_w * channels
        elif isinstance(layer, keras.layers.Dense):
            flops += 2 * int(np.prod(layer.kernel.shape))
    return flops


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


@dataclass
class Result:
    name: str
    seconds_to_target: float | None
    epochs: int
    accuracies: list[float]
    train_seconds: float
    train_gflops: float
    total_seconds: float


def time_to_accuracy(
    name: str, build: Callable[[], keras.Model], optimizer: Callable[[], object], steps_per_execution: int,
    fit_one_epoch, x_test, y_test
) -> Result:
    keras.utils.set_random_seed(42)
    model = build()
    model.compile(optimizer=optimizer(), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    flops_per_epoch = 3 * forward_flops_per_image(model) * 60_000  # backward pass ~ 2x forward
    accuracies: list[float] = []
    train_seconds = 0.0
    reached = None
    start = time.perf_counter()
    for epoch in range(1, MAX_EPOCHS + 1):
        epoch_start = time.perf_counter()
        fit_one_epoch(model)
        train_seconds += time.perf_counter() - epoch_start
        accuracies.append(float(model.evaluate(x_test, y_test, batch_size=1000, verbose=0)[1]))
        elapsed = time.perf_counter() - start
        print(f"  {name}: epoch {epoch} test accuracy {accuracies[-1]:.4f} at {elapsed:.1f} s", flush=True)
        if accuracies[-1] >= TARGET:
            reached = elapsed
            break
    gflops = flops_per_epoch * len(accuracies) / train_seconds / 1e9
    return Result(name, reached, len(accuracies), accuracies, train_seconds, gflops, time.perf_counter() - start)


def main() -> None:
    (train_images, y_train), (test_images, y_test) = data.load_fashion_mnist()
    x_train, x_test = train_images[..., np.newaxis], test_images[..., np.newaxis]  # uint8: the models scale

    def fit_numpy_batch32(model: keras.Model) -> None:
        model.fit(x_train, y_train, batch_size=32, epochs=1, verbose=0)

    pipeline = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(len(x_train), seed=42, reshuffle_each_iteration=True)
        .batch(128)
        .prefetch(tf.data.AUTOTUNE)
    )

    def fit_pipeline_batch128(model: keras.Model) -> None:
        model.fit(pipeline, epochs=1, verbose=0)

    peak = matmul_peak_gflops()
    print(f"tf.matmul float32 peak: {peak:.0f} GFLOP/s")
    def cosine_adam() -> keras.optimizers.Optimizer:
        steps = RECOMMENDED_EPOCHS * int(np.ceil(len(x_train) / 128))
        return keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(0.002, decay_steps=steps))

    baseline = time_to_accuracy("(a) seed CNN, batch 32", build_first_cnn, lambda: "adam", 1, fit_numpy_batch32,
                                x_test, y_test)
    recommended = time_to_accuracy("(b) recommended", build_deeper_cnn, cosine_adam, 32, fit_pipeline_batch128,
                                   x_test, y_test)

    print()
    for result in (baseline, recommended):
        reached = f"{result.seconds_to_target:.1f} s" if result.seconds_to_target else f"not in {MAX_EPOCHS} epochs"
        print(
            f"{result.name:<24} time to {TARGET}: {reached:>18} | epochs {result.epochs:2d} | "
            f"final accuracy {result.accuracies[-1]:.4f} | training {result.train_gflops:5.1f} GFLOP/s "
            f"({result.train_gflops / peak:.0%} of matmul peak)"
        )
    if not recommended.seconds_to_target:
        print(f"RATIO (b)/(a) undefined: (b) did not reach {TARGET} in {MAX_EPOCHS} epochs")
    elif baseline.seconds_to_target:
        ratio = recommended.seconds_to_target / baseline.seconds_to_target
        print(f"RATIO (b)/(a) time to {TARGET} = {ratio:.2f} (target <= 0.33)")
    else:
        # (a) never got there: its whole run is a lower bound on its time, so the ratio is an upper bound.
        bound = recommended.seconds_to_target / baseline.total_seconds
        print(f"RATIO (b)/(a) time to {TARGET} < {bound:.2f} ((a) did not reach it in {MAX_EPOCHS} epochs, "
              f"{baseline.total_seconds:.0f} s; target <= 0.33)")


if __name__ == "__main__":
    main()
