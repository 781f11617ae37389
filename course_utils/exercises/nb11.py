"""Exercises for notebook 11 (a CNN from scratch in NumPy).

Each check compares the learner's function with the right computation on fixed cases, and, when it differs, with a
table of typical wrong computations (``_WRONG_*``), each with the message that explains it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.checks import *


def _as_array(result: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """The learner's result as a float array of ``shape``, or a clear failure."""
    result = expect_returned(result, name)
    try:
        array = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{name} returned {type(result).__name__}, not an array of numbers") from None
    if array.shape != shape:
        raise CheckFailed(f"{name} returned shape {array.shape}; expected {shape}, the shape of its first input")
    return array


def _explain(got: np.ndarray, wrong: list[tuple[Callable[..., np.ndarray], str]], args: tuple, case: str) -> None:
    """Fail with the message of the first known wrong computation that ``got`` equals, or a general one."""
    for compute, message in wrong:
        with np.errstate(all="ignore"):
            candidate = compute(*args)
        if np.shape(candidate) == got.shape and np.allclose(got, candidate, rtol=1e-5, atol=1e-8, equal_nan=True):
            raise CheckFailed(f"{case}: {message}")
    raise CheckFailed(f"{case}: your result differs from the right one. Try a batch of one example with two classes "
                      "by hand, then compare")


# Exercise 1: the gradient of the mean softmax cross-entropy

def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _onehot(labels: np.ndarray, classes: int) -> np.ndarray:
    return np.eye(classes)[labels]


def _ce_gradient(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return (_softmax(logits) - _onehot(labels, logits.shape[1])) / len(labels)


_WRONG_CE: list[tuple[Callable[..., np.ndarray], str]] = [
    (lambda z, y: _softmax(z) - _onehot(y, z.shape[1]),
     "that is the gradient of the summed loss. The loss is a mean over the batch: divide by N = len(labels)"),
    (lambda z, y: (_onehot(y, z.shape[1]) - _softmax(z)) / len(y),
     "the sign is flipped: the gradient is (p - y) / N, so that a step against it raises the true class's logit"),
    (lambda z, y: _softmax(z) / len(y),
     "subtract 1 at the true class: (p - onehot(labels)) / N"),
    (lambda z, y: -_onehot(y, z.shape[1]) / len(y),
     "the softmax probabilities are missing: (p - onehot(labels)) / N with p = softmax(logits)"),
    (lambda z, y: (np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) - _onehot(y, z.shape[1])) / len(y),
     "right formula, but exp of a large logit overflows (inf / inf = nan). Subtract each row's largest logit "
     "before np.exp: it cancels in the fraction"),
]

_CE_CASES = [
    (np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]]), np.array([0, 2])),
    (np.random.default_rng(11).standard_normal((6, 10)) * 3, np.array([3, 1, 4, 1, 5, 9])),
    (np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 1.0]]), np.array([0, 2])),
]


@exercise("Write softmax_ce_gradient(logits, labels): dL/dlogits of the mean cross-entropy",
          hint="p = softmax of each row (subtract the row's max first); the gradient is p with 1 subtracted at the "
               "true class, divided by the batch size.",
          solution="def softmax_ce_gradient(logits, labels):\n"
                   "    shifted = logits - logits.max(axis=1, keepdims=True)\n"
                   "    probabilities = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)\n"
                   "    probabilities[np.arange(len(labels)), labels] -= 1\n"
                   "    return probabilities / len(labels)",
          callable_name="softmax_ce_gradient")
def q1(softmax_ce_gradient: Callable[..., Any]) -> str:
    expect_function(softmax_ce_gradient, "softmax_ce_gradient")
    for logits, labels in _CE_CASES:
        case = f"logits shaped {logits.shape}" + (" with large values" if np.abs(logits).max() > 100 else "")
        got = _as_array(softmax_ce_gradient(logits.copy(), labels.copy()), "softmax_ce_gradient", logits.shape)
        if not np.allclose(got, _ce_gradient(logits, labels), rtol=1e-5, atol=1e-8):
            _explain(got, _WRONG_CE, (logits, labels), case)
    return "(softmax(logits) - onehot(labels)) / N, stable for large logits."


# Exercise 2: BatchNorm's backward pass, training mode, (N, C)

def _bn_backward(grad: np.ndarray, x_hat: np.ndarray, gamma: np.ndarray, inv_std: np.ndarray) -> np.ndarray:
    m = len(grad)
    return gamma * inv_std * (grad - grad.sum(axis=0) / m - x_hat * (grad * x_hat).sum(axis=0) / m)


_WRONG_BN: list[tuple[Callable[..., np.ndarray], str]] = [
    (lambda g, xh, gamma, s: g * gamma * s,
     "that is the inference-mode gradient, where the mean and variance are constants. In training they are "
     "computed from the batch, so subtract the mean of g and x_hat times the mean of g * x_hat"),
    (lambda g, xh, gamma, s: s * (g - g.mean(axis=0) - xh * (g * xh).mean(axis=0)),
     "gamma is missing: y = gamma * x_hat + beta, so dL/dx_hat = gamma * g"),
    (lambda g, xh, gamma, s: gamma * s * (g - g.mean(axis=0)),
     "the path through the variance is missing: also subtract x_hat * mean(g * x_hat)"),
    (lambda g, xh, gamma, s: gamma * s * (g - xh * (g * xh).mean(axis=0)),
     "the path through the mean is missing: also subtract mean(g)"),
    (lambda g, xh, gamma, s: gamma * s * (g - g.sum(axis=0) - xh * (g * xh).sum(axis=0)),
     "use the means over the batch (divide the two sums by N), not the sums"),
    (lambda g, xh, gamma, s: gamma / s * (g - g.mean(axis=0) - xh * (g * xh).mean(axis=0)),
     "inv_std is already 1 / sqrt(var + eps): multiply by it, do not divide"),
]


def _bn_case(seed: int, n: int, c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c)) * rng.uniform(0.5, 3, c) + rng.uniform(-2, 2, c)
    inv_std = 1 / np.sqrt(x.var(axis=0) + 1e-3)
    return rng.standard_normal((n, c)), (x - x.mean(axis=0)) * inv_std, rng.uniform(0.5, 2, c), inv_std


_BN_CASES = [_bn_case(1, 8, 3), _bn_case(2, 32, 5)]


@exercise("Write batchnorm_backward(grad, x_hat, gamma, inv_std) for training mode",
          hint="dL/dbeta = sum of g over the batch and dL/dgamma = sum of g * x_hat; dx "
               "= gamma * inv_std * (g - dbeta / N - x_hat * dgamma / N).",
          solution="def batchnorm_backward(grad, x_hat, gamma, inv_std):\n"
                   "    n = len(grad)\n"
                   "    return gamma * inv_std * (grad - grad.sum(axis=0) / n - x_hat * (grad * x_hat).sum(axis=0) / n)",  # noqa: E501 - a line of the solution's code
          callable_name="batchnorm_backward")
def q2(batchnorm_backward: Callable[..., Any]) -> str:
    expect_function(batchnorm_backward, "batchnorm_backward")
    for grad, x_hat, gamma, inv_std in _BN_CASES:
        args = (grad, x_hat, gamma, inv_std)
        got = _as_array(batchnorm_backward(*(a.copy() for a in args)), "batchnorm_backward", grad.shape)
        if not np.allclose(got, _bn_backward(*args), rtol=1e-5, atol=1e-8):
            _explain(got, _WRONG_BN, args, f"a batch shaped {grad.shape}")
    return ("gamma * inv_std * (g - mean(g) - x_hat * mean(g * x_hat)): the mean and the variance carry gradient "
            "back to every example.")


# Exercise 3: inverted dropout

_DROPOUT_SHAPE = (400, 250)  # 100,000 values: the share dropped is within 0.005 of the rate (about 3.5 SE at 0.5)


@exercise("Write inverted_dropout(x, rate, rng)",
          hint="keep = rng.random(x.shape) >= rate; return x * keep / (1 - rate).",
          solution="def inverted_dropout(x, rate, rng):\n"
                   "    keep = rng.random(x.shape) >= rate\n"
                   "    return x * keep / (1 - rate)",
          callable_name="inverted_dropout")
def q3(inverted_dropout: Callable[..., Any]) -> str:
    expect_function(inverted_dropout, "inverted_dropout")
    x = np.random.default_rng(3).uniform(0.5, 1.5, _DROPOUT_SHAPE)
    for rate in (0.25, 0.5):
        before = x.copy()
        got = _as_array(inverted_dropout(x, rate, np.random.default_rng(7)), "inverted_dropout", x.shape)
        if not np.array_equal(x, before):
            raise CheckFailed("inverted_dropout changed x itself. Return a new array (x * mask), leave x as it was")
        dropped = float(np.mean(got == 0))
        kept = got != 0
        case = f"with rate={rate}"
        if abs(dropped - (1 - rate)) < 0.01 and rate != 0.5:
            raise CheckFailed(f"{case} you dropped {dropped:.1%} of the values: rate is the share to drop, not to keep")
        if abs(dropped - rate) > 0.01:
            raise CheckFailed(f"{case} you dropped {dropped:.1%} of the values; expected about {rate:.0%}. Keep each "
                              "value where rng.random(x.shape) >= rate")
        ratio = got[kept] / x[kept]
        if np.allclose(ratio, 1):
            raise CheckFailed(f"{case}: the kept values are unscaled, so the expected output is only {1 - rate:g} "
                              f"of the input. Divide them by 1 - rate = {1 - rate:g}")
        if np.allclose(ratio, 1 - rate):
            raise CheckFailed(f"{case}: you multiplied the kept values by 1 - rate; divide by it instead, so that "
                              "the expected output equals the input")
        if not np.allclose(ratio, 1 / (1 - rate)):
            raise CheckFailed(f"{case}: the kept values should be x / (1 - rate) = x * {1 / (1 - rate):g}")
    return "zero each value with probability rate, divide the rest by 1 - rate: the expected output equals x."


# Stretch: what BatchNorm buys this network, after one epoch

STRETCH_NOISE = 0.005  # one run each on 5,000 validation digits: about two binomial standard errors at 0.97


def _accuracy_at(history: Any, step: int, name: str) -> float:
    """The validation accuracy a fit() history recorded at ``step``."""
    if not isinstance(history, dict) or "validation" not in history:
        raise CheckFailed(f"{name} should be the history that fit(...) returned, with validation=(validation_images, "
                          "validation_labels)")
    for at, accuracy in history["validation"]:
        if at == step:
            return expect_measured(accuracy, f"{name}'s validation accuracy")
    raise CheckFailed(f"{name} has no validation accuracy at step {step}, the end of the first epoch: train with "
                      "the same batch size and pass validation=(validation_images, validation_labels)")


@exercise("Stretch: what does BatchNorm buy this network after one epoch?",
          hint="no_bn_net = build_scratch_cnn(np.random.default_rng(SEED), batchnorm=False); train it with fit(...) as "
               "in section 14 but epochs=1; compare no_bn_history['validation'][-1][1] with the entry of "
               "history['validation'] at step steps_per_epoch; within ±0.005 is 'about the same'.",
          solution=(
              "no_bn_net = build_scratch_cnn(np.random.default_rng(SEED), batchnorm=False)\n"
              "no_bn_history = fit(no_bn_net, Adam(cosine_schedule(LEARNING_RATE, EPOCHS * steps_per_epoch)), fit_images,\n"  # noqa: E501 - a line of the solution's code
              "                    fit_labels, 1, BATCH_SIZE, np.random.default_rng(SEED),\n"
              "                    validation=(validation_images, validation_labels))",
              "no_bn = no_bn_history['validation'][-1][1]\n"
              "with_bn = dict(history['validation'])[steps_per_epoch]\n"
              "difference = no_bn - with_bn\n"
              "no_bn_verdict = 'higher' if difference > 0.005 else 'lower' if difference < -0.005 else 'about the same'\n"  # noqa: E501 - a line of the solution's code
              "\n"
              "ex.stretch.check(no_bn_verdict, model=no_bn_net, run=no_bn_history, baseline=history,\n"
              "                 steps_per_epoch=steps_per_epoch)",
          ))
def stretch(conclusion: Any, *, model: Any = None, run: Any = None, baseline: Any = None,
            steps_per_epoch: Any = None) -> str:
    if model is None or model is Ellipsis or run is None or run is Ellipsis:
        raise CheckFailed("no_bn_net and no_bn_history are not set yet: run the cell above, which builds and trains "
                          "the network")
    names = [type(layer).__name__ for layer in getattr(model, "layers", [])]
    if not names:
        raise CheckFailed("model should be the network build_scratch_cnn(...) returned")
    if "BatchNorm" in names:
        raise CheckFailed("that network still has a BatchNorm layer: pass batchnorm=False to build_scratch_cnn")
    if names != ["Conv2D", "ReLU", "MaxPool2D", "Flatten", "Dropout", "Dense"]:
        raise CheckFailed(f"change one thing only: the network's layers are {names}, the notebook's minus BatchNorm "
                          "is Conv2D, ReLU, MaxPool2D, Flatten, Dropout, Dense")
    step = int(expect_measured(steps_per_epoch, "steps_per_epoch"))
    if not isinstance(run, dict) or len(run.get("loss", [])) != step:
        raise CheckFailed(f"train for exactly one epoch ({step} steps) with fit(..., epochs=1, batch_size=64)")
    no_bn = _accuracy_at(run, step, "no_bn_history")
    with_bn = _accuracy_at(baseline, step, "history")
    said = expect_verdict(conclusion, no_bn, with_bn, STRETCH_NOISE, "without BatchNorm, the validation accuracy")
    return (f"after one epoch, {no_bn:.4f} without BatchNorm against {with_bn:.4f} with it: {said}. One run each: "
            "set COURSE_SEED to another number and run again to see how much of the gap is noise.")
