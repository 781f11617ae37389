"""Two training setups timed side by side: their epochs take turns in one process, so a machine that slows down or
speeds up during the run slows both alike, and the ratio of their times stays meaningful on a shared machine.

Used by time_to_accuracy.py and mnist_time_to_accuracy.py, with the small helpers both need.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np
import tensorflow as tf


def parse_seed(description: str) -> int:
    """The benchmark's command line: ``--seed N`` (default 42), so any seed can be checked."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=int, default=42, help="weights and batch order (default 42)")
    return parser.parse_args().seed


def compiled(model: keras.Model, optimizer: object = "adam", steps_per_execution: int = 1) -> keras.Model:
    """``model`` compiled for integer labels with accuracy, as in the notebooks."""
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


def cosine_adam(rate: float, epochs: int, images: int, batch_size: int) -> keras.optimizers.Optimizer:
    """Adam whose rate decays from ``rate`` to 0 along a cosine over ``epochs`` (notebook 02's schedule)."""
    steps = epochs * int(np.ceil(images / batch_size))
    return keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(rate, decay_steps=steps))


def shuffled_batches(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int) -> tf.data.Dataset:
    """A ``tf.data`` pipeline: reshuffled every epoch, batched, prefetched."""
    return (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
            .batch(batch_size).prefetch(tf.data.AUTOTUNE))


def test_accuracy(x: np.ndarray, y: np.ndarray) -> Callable[[keras.Model], float]:
    """A function giving a model's accuracy on (x, y)."""
    return lambda model: float(model.evaluate(x, y, batch_size=1000, verbose=0)[1])


@dataclass
class Contender:
    """One training setup: a compiled model, one epoch of training, and its test accuracy."""

    name: str
    build: Callable[[], keras.Model]  # builds and compiles
    fit_one_epoch: Callable[[keras.Model], None]
    evaluate: Callable[[keras.Model], float]
    max_epochs: int
    stop_at: float | None = None  # stop once the test accuracy reaches this
    model: keras.Model | None = None
    seconds: float = 0.0  # this setup's own time: build, compile, its epochs and its evaluations
    accuracies: list[float] = field(default_factory=list)
    seconds_to_target: float | None = None

    @property
    def done(self) -> bool:
        reached = self.stop_at is not None and self.seconds_to_target is not None
        return reached or len(self.accuracies) >= self.max_epochs

    def step(self) -> None:
        """Build the model on the first call; then train one epoch and evaluate, adding the time to ``seconds``."""
        start = time.perf_counter()
        if self.model is None:
            self.model = self.build()
        self.fit_one_epoch(self.model)
        self.accuracies.append(self.evaluate(self.model))
        self.seconds += time.perf_counter() - start
        if self.stop_at is not None and self.accuracies[-1] >= self.stop_at and self.seconds_to_target is None:
            self.seconds_to_target = self.seconds
        print(f"  {self.name}: epoch {len(self.accuracies)} test accuracy {self.accuracies[-1]:.4f}, "
              f"{self.seconds:.1f} s so far", flush=True)


def race(contenders: list[Contender], seed: int) -> None:
    """Run the contenders' epochs in turn (a1, b1, a2, b2, ...) until each is done; each starts from ``seed``."""
    for contender in contenders:
        keras.utils.set_random_seed(seed)  # the same starting weights whatever ran before
        contender.step()
    while not all(contender.done for contender in contenders):
        for contender in contenders:
            if not contender.done:
                contender.step()
