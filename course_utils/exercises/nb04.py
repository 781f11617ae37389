"""Exercises for notebook 04 (capacity experiments)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course_utils import stats
from course_utils.checks import *

_CASES = [(3, 1, 8), (3, 8, 8), (5, 16, 32), (3, 64, 64), (1, 32, 16)]


@exercise("Write conv_parameters(kernel, channels_in, filters)",
          hint="One filter: kernel * kernel * channels_in weights and 1 bias. The layer has `filters` of them.",
          solution="def conv_parameters(kernel, channels_in, filters):\n"
                   "    return kernel * kernel * channels_in * filters + filters",
          callable_name="conv_parameters")
def q1(conv_parameters: Callable[[int, int, int], Any]) -> str:
    for kernel, channels_in, filters in _CASES:
        got = call(conv_parameters, "conv_parameters", kernel, channels_in, filters)
        expected = kernel * kernel * channels_in * filters + filters
        case = f"for kernel={kernel}, channels_in={channels_in}, filters={filters}"
        expect_exact(expect_whole_number(got, "a whole number of parameters"), expected, {
            expected - filters: f"{case} you forgot the biases: one per filter",
            kernel * kernel * filters + filters: f"{case}: each filter has a kernel x kernel slice for every input "
                                                 "channel",
            kernel * channels_in * filters + filters: f"{case}: a {kernel}x{kernel} kernel has kernel * kernel cells, "
                                                      "not kernel",
        }, f"{case} you returned {{answer}}; expected {expected}")
    return "k x k x C_in x F + F: square in the kernel size, linear in input channels and in filters."


@exercise("Double the filters of both Conv2D layers: how many times more weights in the second one?",
          hint="The second layer's input channels are the first layer's filters.",
          solution="growth = 4  # C_in x 2 and F x 2")
def q2(answer: Any) -> str:
    expect_exact(expect_number(answer, "a growth factor (how many times more)"), 4, {
        2: "the second layer's filters double, and so do its input channels (the first layer's filters)",
        8: "the kernel size did not change, only the two filter counts",
    }, "{answer:g} is not it. Weights = k x k x C_in x F; which factors doubled?")
    return "both C_in and F double: 2 x 2 = 4 times the weights (and roughly 4 times the multiply-adds)."


# A results table for exercise 3: name -> (parameters, train seconds, validation accuracy).
RESULTS = {
    "A": (12_000, 20.0, 0.884),
    "B": (40_000, 31.0, 0.903),
    "C": (150_000, 58.0, 0.909),
    "D": (560_000, 150.0, 0.908),
}


@exercise("Recommend the cheapest configuration that reaches 0.90 validation accuracy",
          hint="Drop every configuration below 0.90, then pick the fastest of the rest.",
          solution="recommendation = 'B'")
def q3(answer: Any) -> str:
    expect_letter(answer, "".join(RESULTS), {
        "A": "A is the smallest, but it misses the 0.90 target",
        "D": "D is the biggest and slowest, and not even the most accurate: capacity without gain",
        "C": "C is the most accurate, but 0.006 more accuracy costs twice the time of a model that already meets "
             "the target",
    })
    return "B: the cheapest configuration that meets the target. Past it, accuracy barely moves."


TRIED = {(8, 3, 3), (16, 3, 3), (32, 3, 3), (16, 5, 3), (16, 3, 1), (16, 3, 2), (16, 3, 4)}  # the notebook's runs


@exercise("Stretch: try a configuration of your own, with every seed, and rank it honestly",
          hint="Pick e.g. (24, 3, 3), between f16 and f32. stats.welch(my_summary['seeds'], "
               "reference['seeds']) gives the difference with its 95% t-interval (.low, "
               ".high); an interval that straddles 0 is 'about the same'.",
          solution=(
              "my_configuration = (24, 3, 3)  # filters, kernel size, blocks: between f16 k3 and f32 k3",
              "interval = stats.welch(my_summary['seeds'], reference['seeds'])\n"
              "my_verdict = 'higher' if interval.low > 0 else 'lower' if interval.high < 0 else 'about the same'\n"
              "\n"
              "ex.stretch.check(my_verdict, configuration=my_configuration, summary=my_summary, reference=reference)",
          ))
def stretch(conclusion: Any, *, configuration: Any = None, summary: Any = None,
            reference: Any = None) -> str:
    if summary is None or reference is None:
        raise CheckFailed("my_summary is None: run the cell that trains your configuration with every seed first")
    if len(summary.get("seeds") or ()) < 2 or len(reference.get("seeds") or ()) < 2:
        raise CheckFailed("my_summary needs the accuracy of every seed (its 'seeds' list, from summarise): run the "
                          "training cell again")
    knobs = expect_whole_numbers(configuration, "(filters, kernel_size, blocks)")
    if len(knobs) != 3 or min(knobs) < 1:
        raise CheckFailed(f"give three positive whole numbers (filters, kernel_size, blocks), not {knobs}")
    if knobs in TRIED:
        raise CheckFailed(f"{knobs} is one the notebook already ran; pick a configuration it did not try")
    if (summary.get("filters"), summary.get("kernel"), summary.get("blocks")) != knobs:
        raise CheckFailed("my_summary is from another configuration: run the training cell again after changing it")
    interval = stats.welch(summary["seeds"], reference["seeds"])
    noise = (interval.high - interval.low) / 2  # the interval excludes 0 exactly when the gap exceeds this
    said = expect_verdict(conclusion, summary["val accuracy"], reference["val accuracy"], noise,
                          "your configuration's mean validation accuracy")
    return (f"{summary['val accuracy']:.4f} against {reference['val accuracy']:.4f} for {reference['name']} "
            f"(95% t-interval of the difference {interval.low:+.4f} to {interval.high:+.4f}; gaps within "
            f"±{noise:.4f} are seed noise): {said}, for {summary['parameters']:,} parameters against "
            f"{reference['parameters']:,}.")
