"""Two training setups timed side by side: their stages (epochs or parts of one) take turns in one process, so a
machine that slows down or speeds up during the run slows both alike, and the ratio of their times stays meaningful
on a shared machine.

A benchmark can repeat the race in rounds and keep each setup's fastest round (``best_seconds``): this machine's
pace jumps for seconds to minutes at a time, and a slow spell can fall on the few turns of a short setup.

Used by time_to_accuracy.py and mnist_time_to_accuracy.py, with the small helpers both need.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np


def parse_options(description: str, rounds: int = 1) -> argparse.Namespace:
    """The benchmark's command line: ``--seed N`` (default 42), so any seed can be checked, and ``--rounds R``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=int, default=42, help="weights and batch order (default 42)")
    parser.add_argument("--rounds", type=int, default=rounds,
                        help=f"races to run, each from scratch; each setup's best round counts (default {rounds})")
    options = parser.parse_args()
    if options.rounds < 1:
        parser.error(f"--rounds must be at least 1, not {options.rounds}")
    return options


def compiled(model: keras.Model, optimizer: object = "adam", steps_per_execution: int = 1) -> keras.Model:
    """``model`` compiled for integer labels with accuracy, as in the notebooks."""
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=steps_per_execution)
    return model


def steps(epochs: float, images: int, batch_size: int) -> int:
    """Optimizer steps in ``epochs`` passes over ``images`` in batches of ``batch_size`` (the last batch counts)."""
    return int(epochs * int(np.ceil(images / batch_size)))


def test_accuracy(x: np.ndarray, y: np.ndarray) -> Callable[[keras.Model], float]:
    """A function giving a model's accuracy on (x, y)."""
    return lambda model: float(model.evaluate(x, y, batch_size=1000, verbose=0)[1])


def numpy_stages(x: np.ndarray, y: np.ndarray, batch_size: int, stages_per_epoch: int,
                 seed: int) -> Callable[[keras.Model, int], None]:
    """Train on stage ``i`` of an epoch cut into ``stages_per_epoch`` runs of whole batches, reshuffled every epoch.

    Fitting the stages one after another is one epoch of ``model.fit(x, y, batch_size)``: the same batches, the
    same number of steps (the cuts fall between batches); only the order of the images differs.
    """
    batches = int(np.ceil(len(x) / batch_size))
    cuts = [min(round(i * batches / stages_per_epoch) * batch_size, len(x)) for i in range(stages_per_epoch + 1)]
    orders: dict[int, np.ndarray] = {}

    def fit_stage(model: keras.Model, stage: int) -> None:
        epoch, part = divmod(stage, stages_per_epoch)
        if epoch not in orders:
            orders[epoch] = np.random.default_rng([seed, epoch]).permutation(len(x))
        chosen = orders[epoch][cuts[part]:cuts[part + 1]]
        model.fit(x[chosen], y[chosen], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)

    return fit_stage


def evaluated_each_epoch(epochs: int, stages_per_epoch: int) -> dict[str, int]:
    """Contender settings for ``epochs`` epochs cut into ``stages_per_epoch`` stages, evaluated after each epoch."""
    return {"max_stages": epochs * stages_per_epoch, "stages_per_epoch": stages_per_epoch,
            "first_evaluation": stages_per_epoch, "evaluate_every": stages_per_epoch}


@dataclass
class Contender:
    """One training setup: a compiled model, its training cut into stages (an epoch, or part of one), its accuracy."""

    name: str
    build: Callable[[], keras.Model]  # builds and compiles
    fit_stage: Callable[[keras.Model, int], None]  # trains stage i (0, 1, ...)
    evaluate: Callable[[keras.Model], float]
    max_stages: int
    stages_per_epoch: int = 1
    first_evaluation: int = 1  # evaluate after this many stages, then every ``evaluate_every`` stages
    evaluate_every: int = 1
    stop_at: float | None = None  # stop once the test accuracy reaches this
    model: keras.Model | None = None
    seconds: float = 0.0  # this setup's own time: build, compile, its stages and its evaluations
    stages_done: int = 0
    accuracies: list[float] = field(default_factory=list)
    seconds_to_target: float | None = None

    @property
    def epochs(self) -> float:
        """Epochs trained so far."""
        return self.stages_done / self.stages_per_epoch

    @property
    def done(self) -> bool:
        reached = self.stop_at is not None and self.seconds_to_target is not None
        return reached or self.stages_done >= self.max_stages

    def step(self) -> None:
        """Build the model on the first call; train one stage and evaluate if due, adding the time to ``seconds``."""
        start = time.perf_counter()
        if self.model is None:
            self.model = self.build()
        self.fit_stage(self.model, self.stages_done)
        self.stages_done += 1
        since_first = self.stages_done - self.first_evaluation
        evaluated = since_first >= 0 and since_first % self.evaluate_every == 0
        if evaluated:
            self.accuracies.append(self.evaluate(self.model))
        self.seconds += time.perf_counter() - start
        if evaluated and self.stop_at is not None and self.accuracies[-1] >= self.stop_at:
            self.seconds_to_target = self.seconds
        accuracy = f"test accuracy {self.accuracies[-1]:.4f}" if evaluated else "not evaluated"
        print(f"  {self.name}: epoch {self.epochs:g} {accuracy}, {self.seconds:.1f} s so far", flush=True)


def race(contenders: list[Contender], seed: int) -> None:
    """Run the contenders' stages in turn until each is done; each starts from ``seed``.

    Next is always the unfinished contender with the smallest share of its stages done (the first listed on a tie),
    so a short setup's stages spread across a long one's run instead of bunching at its start.
    """
    for contender in contenders:
        keras.utils.set_random_seed(seed)  # the same starting weights whatever ran before
        contender.step()
    while not all(contender.done for contender in contenders):
        min(
            (contender for contender in contenders if not contender.done),
            key=lambda contender: contender.stages_done / contender.max_stages,
        ).step()


def rounds(count: int, contenders: Callable[[], list[Contender]], seed: int) -> list[list[Contender]]:
    """Race fresh ``contenders()`` ``count`` times, from the same seed; one list of contenders per round.

    The rounds train alike (the same seed, batches and, with op determinism, the same accuracies); only their times
    differ, by what else the machine was doing.
    """
    results = []
    for number in range(1, count + 1):
        print(f"round {number} of {count}", flush=True)
        results.append(contenders())
        race(results[-1], seed)
    return results


def best_seconds(runs: list[Contender], to_target: bool) -> float | None:
    """The fastest of one setup's rounds: to its target (None if no round reached it), or its whole run.

    The best round is the least disturbed: a shared machine only ever adds time (as ``timeit`` takes the minimum).
    """
    times = [run.seconds_to_target if to_target else run.seconds for run in runs]
    reached = [seconds for seconds in times if seconds is not None]
    return min(reached) if reached else None
