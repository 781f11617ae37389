"""benchmarks/side_by_side.py: two setups take turns by stages, each stops when due, each times only itself."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from side_by_side import (  # noqa: E402
    Contender,
    best_seconds,
    evaluated_each_epoch,
    numpy_stages,
    parse_options,
    race,
    rounds,
    steps,
)


def _contender(name: str, accuracies: list[float], log: list[str], seconds_per_stage: float = 0.0,
               **kwargs) -> Contender:
    remaining = iter(accuracies)

    def fit_stage(model: dict, stage: int) -> None:
        assert stage == model["stages"], "stages must come in order"
        log.append(name)
        time.sleep(seconds_per_stage)
        model["stages"] += 1

    return Contender(name, lambda: {"stages": 0}, fit_stage, lambda model: next(remaining), **kwargs)


def test_epochs_take_turns_and_each_stops_at_its_target_or_its_last_epoch():
    log: list[str] = []
    slow = _contender("a", [0.5, 0.6, 0.7, 0.8], log, max_stages=4, stop_at=0.9)
    fast = _contender("b", [0.8, 0.95, 0.99], log, max_stages=3, stop_at=0.9)
    race([slow, fast], seed=1)
    assert log == ["a", "b", "a", "b", "a", "a"]
    assert fast.accuracies == [0.8, 0.95] and fast.seconds_to_target == fast.seconds
    assert slow.accuracies == [0.5, 0.6, 0.7, 0.8] and slow.seconds_to_target is None and slow.done


def test_the_next_turn_goes_to_the_one_less_far_through_its_plan():
    log: list[str] = []
    long = _contender("a", [0.1] * 2, log, max_stages=2)
    short = _contender("b", [0.1] * 6, log, max_stages=6)
    race([long, short], seed=1)
    # after a's first half, b catches up to half of its six stages before a goes on
    assert log == ["a", "b", "b", "b", "a", "b", "b", "b"]


def test_stages_before_the_first_evaluation_are_not_evaluated_and_epochs_count_quarters():
    log: list[str] = []
    quarters = _contender("b", [0.98, 0.991, 0.999], log, max_stages=12, stages_per_epoch=4, first_evaluation=5,
                          stop_at=0.99)
    race([quarters], seed=1)
    assert len(log) == 6 and quarters.accuracies == [0.98, 0.991]
    assert quarters.epochs == 1.5 and quarters.seconds_to_target == quarters.seconds


def test_a_contender_without_a_target_runs_all_its_epochs():
    log: list[str] = []
    fixed = _contender("a", [0.99, 0.995], log, max_stages=2)
    race([fixed], seed=1)
    assert log == ["a", "a"] and fixed.seconds_to_target is None


def test_each_time_counts_only_its_own_epochs():
    log: list[str] = []
    slow = _contender("a", [0.1, 0.2], log, seconds_per_stage=0.2, max_stages=2)
    quick = _contender("b", [0.1, 0.2], log, seconds_per_stage=0.0, max_stages=2)
    race([slow, quick], seed=1)
    assert slow.seconds >= 0.4 and quick.seconds < 0.1


class _RecordingModel:
    def __init__(self) -> None:
        self.fits: list[tuple[np.ndarray, int, bool]] = []

    def fit(self, x: np.ndarray, y: np.ndarray, batch_size: int, epochs: int, shuffle: bool, verbose: int) -> None:
        assert (x == y).all() and epochs == 1
        self.fits.append((x.copy(), batch_size, shuffle))


def test_numpy_stages_cut_each_epoch_between_batches_into_one_permutation():
    images = np.arange(1000)
    fit_stage = numpy_stages(images, images, batch_size=128, stages_per_epoch=4, seed=3)
    model = _RecordingModel()
    for stage in range(8):
        fit_stage(model, stage)
    sizes = [len(x) for x, _, _ in model.fits]
    assert sizes[:4] == [256, 256, 256, 232]  # 8 batches of 128 (the last short) cut 2-2-2-2
    assert all(size % 128 == 0 for size in sizes[:3]) and sizes[4:] == sizes[:4]
    for epoch in (model.fits[:4], model.fits[4:]):
        assert sorted(np.concatenate([x for x, _, _ in epoch]).tolist()) == images.tolist()
    first, second = (np.concatenate([x for x, _, _ in model.fits[i:i + 4]]) for i in (0, 4))
    assert (first != second).any(), "each epoch has its own order"
    assert all(batch == 128 and not shuffle for _, batch, shuffle in model.fits)


def test_an_epoch_cut_into_quarters_is_evaluated_after_each_whole_epoch():
    log: list[str] = []
    quarters = _contender("a", [0.5, 0.95, 0.99], log, stop_at=0.9, **evaluated_each_epoch(3, 4))
    race([quarters], seed=1)
    assert len(log) == 8 and quarters.accuracies == [0.5, 0.95] and quarters.epochs == 2


def test_numpy_stages_take_as_many_steps_as_one_fit_of_the_epoch():
    import keras

    images = np.random.default_rng(0).random((1000, 4)).astype("float32")
    labels = (images[:, 0] > 0.5).astype("int32")
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=4)
    fit_stage = numpy_stages(images, labels, batch_size=100, stages_per_epoch=4, seed=0)
    for stage in range(4):
        fit_stage(model, stage)
    # 10 steps, as model.fit(images, labels, batch_size=100); four equal cuts of 250 images would take 4 x 3 = 12
    assert int(model.optimizer.iterations.numpy()) == 10


def _schedule(model):
    import keras

    return keras.optimizers.schedules.deserialize(model.optimizer.get_config()["learning_rate"])


def test_compile_with_cosine_decays_over_the_given_steps_to_its_floor():
    import keras

    from course_utils.models import compile_with_cosine

    def model() -> keras.Model:
        return keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])

    floored = _schedule(compile_with_cosine(model(), rate=0.004, steps=steps(1.5, images=1000, batch_size=100),
                                            floor=0.1))
    assert floored.decay_steps == 15  # 1.5 epochs of 10 batches
    assert abs(float(floored(0)) - 0.004) < 1e-9 and abs(float(floored(15)) - 0.0004) < 1e-9
    assert abs(float(_schedule(compile_with_cosine(model(), rate=0.004, steps=20))(20))) < 1e-9  # no floor: to 0
    compiled = compile_with_cosine(model(), rate=0.004, steps=20, metrics=False, steps_per_execution=8)
    assert compiled.steps_per_execution == 8 and compiled.loss == "sparse_categorical_crossentropy"
    logits = compile_with_cosine(model(), rate=0.004, steps=20, from_logits=True)  # notebook 11's twin: no softmax
    assert isinstance(logits.loss, keras.losses.SparseCategoricalCrossentropy) and logits.loss.from_logits
    labels, scores = np.array([0, 2]), np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]], dtype="float32")
    expected = -np.mean(np.log(np.exp(scores[[0, 1], labels]) / np.exp(scores).sum(axis=1)))
    assert abs(float(logits.loss(labels, scores)) - expected) < 1e-5, "the loss applies the softmax itself"


def test_compile_with_cosine_warms_up_then_decays_within_the_same_steps():
    import keras

    from course_utils.models import compile_with_cosine

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    compile_with_cosine(model, rate=0.006, steps=steps(1, 1000, 10), floor=0.1, warmup=steps(0.05, 1000, 10))
    rates = [float(_schedule(model)(step)) for step in (0, 5, 100)]
    assert abs(rates[0] - 0.0006) < 1e-9, "the warm-up starts at a tenth of the rate"
    assert abs(rates[1] - 0.006) < 1e-9, "and reaches the rate after 0.05 epochs (5 steps of 100)"
    assert abs(rates[2] - 0.0006) < 1e-9, "the cosine ends at the floor at the end of the 1 epoch"


def test_rounds_race_fresh_contenders_and_the_best_round_counts():
    log: list[str] = []
    made: list[list[Contender]] = []

    def contenders() -> list[Contender]:
        made.append([_contender("a", [0.5, 0.95], log, max_stages=2, stop_at=0.9),
                     _contender("b", [0.1, 0.2], log, max_stages=2)])
        return made[-1]

    results = rounds(3, contenders, seed=1)
    assert results == made and len(results) == 3 and log == ["a", "b", "a", "b"] * 3
    firsts = [pair[0] for pair in results]
    for run, seconds in zip(firsts, (3.0, 1.0, 2.0), strict=True):
        run.seconds_to_target, run.seconds = seconds, seconds + 10
    assert best_seconds(firsts, to_target=True) == 1.0
    assert best_seconds(firsts, to_target=False) == 11.0
    assert best_seconds([pair[1] for pair in results], to_target=True) is None  # b had no target


def test_best_seconds_skips_rounds_that_missed_the_target():
    runs = [_contender(name, [0.1], [], max_stages=1) for name in "ab"]
    runs[0].seconds_to_target, runs[1].seconds_to_target = None, 4.0
    assert best_seconds(runs, to_target=True) == 4.0


def test_parse_options_defaults_and_rejects_zero_rounds(monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]):
    monkeypatch.setattr(sys, "argv", ["bench"])
    options = parse_options("bench", rounds=3)
    assert (options.seed, options.rounds) == (42, 3)
    monkeypatch.setattr(sys, "argv", ["bench", "--seed", "7", "--rounds", "0"])
    with pytest.raises(SystemExit):
        parse_options("bench")
    assert "--rounds must be at least 1, not 0" in capsys.readouterr().err
