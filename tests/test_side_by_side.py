"""benchmarks/side_by_side.py: the epochs of two setups take turns, each stops when due, each times only itself."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from side_by_side import Contender, race  # noqa: E402


def _contender(name: str, accuracies: list[float], log: list[str], seconds_per_epoch: float = 0.0,
               **kwargs) -> Contender:
    remaining = iter(accuracies)

    def fit_one_epoch(model: dict) -> None:
        log.append(name)
        time.sleep(seconds_per_epoch)
        model["epochs"] += 1

    return Contender(name, lambda: {"epochs": 0}, fit_one_epoch, lambda model: next(remaining), **kwargs)


def test_epochs_take_turns_and_each_stops_at_its_target_or_its_last_epoch():
    log: list[str] = []
    slow = _contender("a", [0.5, 0.6, 0.7, 0.8], log, max_epochs=4, stop_at=0.9)
    fast = _contender("b", [0.8, 0.95, 0.99], log, max_epochs=3, stop_at=0.9)
    race([slow, fast], seed=1)
    assert log == ["a", "b", "a", "b", "a", "a"]
    assert fast.accuracies == [0.8, 0.95] and fast.seconds_to_target == fast.seconds
    assert slow.accuracies == [0.5, 0.6, 0.7, 0.8] and slow.seconds_to_target is None and slow.done


def test_a_contender_without_a_target_runs_all_its_epochs():
    log: list[str] = []
    fixed = _contender("a", [0.99, 0.995], log, max_epochs=2)
    race([fixed], seed=1)
    assert log == ["a", "a"] and fixed.seconds_to_target is None


def test_each_time_counts_only_its_own_epochs():
    log: list[str] = []
    slow = _contender("a", [0.1, 0.2], log, seconds_per_epoch=0.2, max_epochs=2)
    quick = _contender("b", [0.1, 0.2], log, seconds_per_epoch=0.0, max_epochs=2)
    race([slow, quick], seed=1)
    assert slow.seconds >= 0.4 and quick.seconds < 0.1
