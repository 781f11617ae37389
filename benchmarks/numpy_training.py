"""Benchmark: one epoch of notebook 11's CNN written in NumPy against the same model in Keras, and where NumPy's
time goes.

Both train notebook 11's network (Conv2D(8, 3x3) -> BatchNorm -> ReLU -> MaxPool2D(2) -> Flatten -> Dropout(0.25)
-> Dense(10)) with its recipe (Adam, cosine schedule from 0.003, batches of 64) for one epoch of 55,000 MNIST
images, from the same starting weights: the NumPy network from course_utils.numpy_net, and its Keras twin
(numpy_net.keras_twin) fed by a tf.data pipeline that scales each batch, as the notebook does. The two take turns,
round after round, and the median of the rounds is compared. Target: NumPy takes at most 3x Keras's time.

Then a profile of NumPy's training step, layer by layer, with the convolution split into im2col, the matrix
products and col2im, so that the table says where the time goes.

    COURSE_DATA_DIR=... python benchmarks/numpy_training.py [--rounds 2] [--images 55000] [--profile-steps 200]

The last line holds the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from course_utils import conv, data
from course_utils import numpy_net as nn

BATCH_SIZE, LEARNING_RATE, SEED = 64, 0.003, 42


def numpy_epoch(images: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Seconds for one epoch of the NumPy network, and its final 100-step mean loss."""
    net = nn.build_scratch_cnn(np.random.default_rng(SEED))
    steps = -(-len(images) // BATCH_SIZE)
    start = time.perf_counter()
    history = nn.fit(net, nn.Adam(nn.cosine_schedule(LEARNING_RATE, steps)), images, labels, 1, BATCH_SIZE,
                     np.random.default_rng(SEED))
    return time.perf_counter() - start, float(np.mean(history["loss"][-100:]))


def keras_epoch(images: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Seconds for one epoch of the Keras twin (compiling and tracing excluded), and its epoch mean loss."""
    import keras
    import tensorflow as tf

    from course_utils.models import compile_with_cosine  # notebook 02's recipe

    keras.utils.set_random_seed(SEED)
    model = nn.keras_twin(nn.build_scratch_cnn(np.random.default_rng(SEED)))
    steps = -(-len(images) // BATCH_SIZE)
    compile_with_cosine(model, rate=LEARNING_RATE, steps=steps, metrics=False, from_logits=True,
                        steps_per_execution=1)  # one step per call, as the NumPy loop takes them
    dataset = (tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(len(images), seed=SEED)
               .batch(BATCH_SIZE).map(lambda x, y: (tf.cast(x[..., tf.newaxis], tf.float32) / 255, y)))
    model.fit(dataset.take(2), epochs=1, verbose=0)  # trace the step function first: a one-off cost, not a rate
    start = time.perf_counter()
    history = model.fit(dataset, epochs=1, verbose=0)
    return time.perf_counter() - start, float(history.history["loss"][-1])


def _timed(totals: dict[str, float], name: str, function: Callable) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        totals[name] += time.perf_counter() - start
        return result

    return wrapper


def profile(images: np.ndarray, labels: np.ndarray, steps: int) -> tuple[dict[str, float], float]:
    """Seconds per step in each part of NumPy's training step, and the whole step's seconds, over ``steps`` steps."""
    totals: dict[str, float] = defaultdict(float)
    net = nn.build_scratch_cnn(np.random.default_rng(SEED))
    for layer in net.layers:
        kind = type(layer).__name__
        if isinstance(layer, nn.Conv2D):
            continue  # split below into im2col, matrix products and col2im
        layer.forward = _timed(totals, f"{kind}", layer.forward)
        layer.backward = _timed(totals, f"{kind}", layer.backward)
    originals = (conv.im2col, conv.col2im)
    conv.im2col, conv.col2im = _timed(totals, "Conv2D: im2col", conv.im2col), _timed(totals, "Conv2D: col2im",
                                                                                       conv.col2im)
    conv_layer = net.layers[0]
    forward, backward = conv_layer.forward, conv_layer.backward
    conv_layer.forward = _timed(totals, "Conv2D (all)", forward)
    conv_layer.backward = _timed(totals, "Conv2D (all)", backward)
    optimiser = nn.Adam(LEARNING_RATE)
    rng = np.random.default_rng(SEED)
    loss_and_grad = _timed(totals, "loss", nn.softmax_cross_entropy)
    batch_of = _timed(totals, "batch (index, scale)", lambda chosen: nn.as_floats(images[chosen]))
    step = _timed(totals, "Adam", optimiser.step)
    try:
        start = time.perf_counter()
        for _ in range(steps):
            chosen = rng.integers(0, len(images), BATCH_SIZE)
            net.backward(loss_and_grad(net.forward(batch_of(chosen), training=True), labels[chosen])[1])
            step(net)
        whole = (time.perf_counter() - start) / steps
    finally:
        conv.im2col, conv.col2im = originals
    totals["Conv2D: matrix products and reshapes"] = (totals.pop("Conv2D (all)") - totals["Conv2D: im2col"]
                                                     - totals["Conv2D: col2im"])
    return {name: seconds / steps for name, seconds in totals.items()}, whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (the median is reported)")
    parser.add_argument("--images", type=int, default=55_000, help="training images in the epoch")
    parser.add_argument("--profile-steps", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

    (train_images, train_labels), _ = data.load_mnist()
    images, labels = train_images[:args.images], train_labels[:args.images]
    numpy_times, keras_times = [], []
    for round_number in range(1, args.rounds + 1):
        numpy_seconds, numpy_loss = numpy_epoch(images, labels)
        keras_seconds, keras_loss = keras_epoch(images, labels)
        numpy_times.append(numpy_seconds)
        keras_times.append(keras_seconds)
        print(f"round {round_number}: NumPy {numpy_seconds:.1f} s (last 100 steps' loss {numpy_loss:.3f}), "
              f"Keras {keras_seconds:.1f} s (epoch mean loss {keras_loss:.3f})", flush=True)

    parts, whole = profile(images, labels, args.profile_steps)
    print(f"\nNumPy training step, batch {BATCH_SIZE}: {whole * 1000:.1f} ms, by part "
          f"({args.profile_steps} steps, forward and backward together):")
    for name, seconds in sorted(parts.items(), key=lambda item: -item[1]):
        print(f"  {name:<40}{seconds * 1000:7.2f} ms  {seconds / whole:5.0%}")
    print(f"  {'(the loop itself, not in any part)':<40}{(whole - sum(parts.values())) * 1000:7.2f} ms")

    numpy_median, keras_median = statistics.median(numpy_times), statistics.median(keras_times)
    print(f"\none epoch of {len(images):,} images, median of {args.rounds} rounds: NumPy {numpy_median:.1f} s, "
          f"Keras {keras_median:.1f} s")
    print(f"numpy/keras epoch time ratio: {numpy_median / keras_median:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
