"""Benchmark: what makes the course's training faster on a CPU, each change measured side by side.

Three workloads, all with the notebooks' own models (course_utils.models, exported from the notebooks):

- "dense": notebook 01's dense model (`build_dense_baseline`), 2 epochs on 54,000 images at its batch of 32: tiny
  steps, where calling TensorFlow from Python costs more than the maths;
- "02": notebook 02's CNN (`build_first_cnn`), one epoch on 54,000 Fashion-MNIST images: compute-bound;
- "small": notebook 03's CNN (`build_deeper_cnn`), 3 epochs on 12,000 images, the regime of notebooks 04 and 09,
  where each model's fixed costs (tracing the training step) weigh more.

Each run is a fresh Python process (so thread settings and precision policies cannot leak between runs), the
variants interleaved round after round; the median of the rounds is reported with its ratio to the baseline, as
well as the accuracy each reached on held-out images, so a faster variant that learns less is visible. Variants:

- baseline: `model.fit` on NumPy arrays (uint8 for the CNNs, scaled floats for "dense"), batches of 128 (32 for
  "dense"), Adam with a cosine decay (the notebooks' recipe);
- spe8, spe32: `compile(steps_per_execution=8 or 32)`: several training steps per call from Python;
- tf.data: the same arrays through `tf.data` (shuffle, batch, prefetch);
- batch256: twice the batch (256 for the CNNs, 64 for "dense") and twice the learning rate, the same epochs;
- inter1: `tf.config.threading.set_inter_op_parallelism_threads(1)`; spe32+inter1: both;
- bfloat16: Keras's "mixed_bfloat16" policy (measured only: Colab's CPUs may lack bfloat16 instructions, and its T4
  GPU has none).

    COURSE_DATA_DIR=... python benchmarks/training_speed.py [--rounds 3] [--workloads 02 small] [--variants ...]

The last lines hold the ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

VARIANTS = ["baseline", "spe8", "spe32", "tf.data", "batch256", "inter1", "spe32+inter1", "bfloat16"]
# workload: (course_utils.models function, training images, epochs, batch size)
WORKLOADS = {"dense": ("build_dense_baseline", 54_000, 2, 32), "02": ("build_first_cnn", 54_000, 1, 128),
             "small": ("build_deeper_cnn", 12_000, 3, 128)}


def _workload_data(workload: str, count: int) -> tuple:
    """((the first ``count`` training images, labels), (test images, labels)), shaped for the workload's model."""
    import numpy as np

    from course_utils import data

    (images, labels), (test_images, test_labels) = data.load_fashion_mnist()
    if workload == "dense":  # notebook 01's model has no Rescaling layer: it reads scaled floats
        images, test_images = images / 255.0, test_images / 255.0
    else:
        images, test_images = images[..., np.newaxis], test_images[..., np.newaxis]
    return (images[:count], labels[:count]), (test_images, test_labels)


def run_one(workload: str, variant: str) -> dict:
    """Train one workload with one variant in this process; return its timings and held-out accuracy."""
    import tensorflow as tf

    if variant.endswith("inter1"):  # before TensorFlow's first op, which env.setup runs
        tf.config.threading.set_inter_op_parallelism_threads(1)
    from course_utils import env

    env.setup(seed=42)
    import keras
    import numpy as np

    from course_utils import models

    if variant == "bfloat16":
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    builder, count, epochs, batch = WORKLOADS[workload]
    (x, y), (test_images, test_labels) = _workload_data(workload, count)
    rate = 0.002
    if variant == "batch256":
        batch, rate = 2 * batch, 2 * rate
    steps = epochs * int(np.ceil(count / batch))
    model = getattr(models, builder)()
    models.compile_with_cosine(model, rate=rate, steps=steps,
                               steps_per_execution={"spe8": 8, "spe32": 32, "spe32+inter1": 32}.get(variant, 1))
    epoch_seconds: list[float] = []
    timer = keras.callbacks.LambdaCallback(  # the wall time of each epoch
        on_epoch_begin=lambda epoch, logs: epoch_seconds.append(-time.perf_counter()),
        on_epoch_end=lambda epoch, logs: epoch_seconds.append(epoch_seconds.pop() + time.perf_counter()))
    start = time.perf_counter()
    if variant == "tf.data":
        pipeline = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(count, seed=42).batch(batch)
                    .prefetch(tf.data.AUTOTUNE))
        model.fit(pipeline, epochs=epochs, verbose=0, callbacks=[timer])
    else:
        model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, callbacks=[timer])
    seconds = time.perf_counter() - start
    accuracy = float(model.evaluate(test_images, test_labels, batch_size=1000, verbose=0)[1])
    return {"seconds": seconds, "first_epoch": epoch_seconds[0], "accuracy": accuracy}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS), choices=list(WORKLOADS))
    parser.add_argument("--variants", nargs="+", default=VARIANTS, choices=VARIANTS)
    parser.add_argument("--child", nargs=2, metavar=("WORKLOAD", "VARIANT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(run_one(*args.child)), flush=True)
        return
    variants = ["baseline", *[v for v in args.variants if v != "baseline"]]
    measured: dict[tuple[str, str], list[dict]] = {}
    for round_number in range(1, args.rounds + 1):
        for workload in args.workloads:
            for variant in variants:
                done = subprocess.run([sys.executable, __file__, "--child", workload, variant],
                                      capture_output=True, text=True)
                if done.returncode != 0:
                    sys.exit(f"{workload} {variant} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
                line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
                result = json.loads(line.removeprefix("RESULT "))
                measured.setdefault((workload, variant), []).append(result)
                print(f"round {round_number} {workload:>5} {variant:<9} {result['seconds']:6.1f} s "
                      f"(first epoch {result['first_epoch']:5.1f} s), accuracy {result['accuracy']:.4f}", flush=True)
    print()
    for workload in args.workloads:
        base = statistics.median(r["seconds"] for r in measured[(workload, "baseline")])
        for variant in variants:
            runs = measured[(workload, variant)]
            median = statistics.median(r["seconds"] for r in runs)
            accuracies = [r["accuracy"] for r in runs]
            print(f"RATIO {workload:>5} {variant:<9} / baseline = {median / base:4.2f} (median {median:5.1f} s of "
                  f"{len(runs)}; accuracy {min(accuracies):.4f}-{max(accuracies):.4f})")


if __name__ == "__main__":
    main()
