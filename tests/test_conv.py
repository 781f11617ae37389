"""course_utils.conv against SciPy, TensorFlow and Keras; loops against vectorized; every error case."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import scipy.signal
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import conv

POOLS = [
    (conv.max_pool2d, conv.max_pool2d_naive, keras.layers.MaxPooling2D),
    (conv.avg_pool2d, conv.avg_pool2d_naive, keras.layers.AveragePooling2D),
]


def _tf_conv(image: np.ndarray, kernels: np.ndarray, stride: int, padding: str) -> np.ndarray:
    return tf.nn.conv2d(image[np.newaxis], kernels, strides=stride, padding=padding.upper()).numpy()[0]


def _keras_pool(layer, x: np.ndarray, pool: int, stride: int, padding: str) -> np.ndarray:
    batch = x[np.newaxis].astype("float32")
    return layer(pool_size=pool, strides=stride, padding=padding)(batch).numpy()[0]


# ---------------------------------------------------------------------------
# Fixed comparisons
# ---------------------------------------------------------------------------


def test_conv2d_equals_scipy_correlate2d_and_convolve2d_with_flipped_kernel():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(9, 11)), rng.normal(size=(3, 4))
    ours = conv.conv2d(image, kernel)
    np.testing.assert_allclose(ours, scipy.signal.correlate2d(image, kernel, mode="valid"))
    np.testing.assert_allclose(ours, scipy.signal.convolve2d(image, kernel[::-1, ::-1], mode="valid"))
    np.testing.assert_allclose(conv.conv2d_naive(image, kernel), ours)


def test_same_padding_matches_scipy_for_odd_kernels():
    rng = np.random.default_rng(1)
    image, kernel = rng.normal(size=(8, 8)), rng.normal(size=(3, 3))
    expected = scipy.signal.correlate2d(image, kernel, mode="same", boundary="fill")
    np.testing.assert_allclose(conv.conv2d(image, kernel, padding="same"), expected)


def test_even_kernel_same_padding_puts_the_extra_cell_after_like_tensorflow():
    assert conv.same_padding(5, 2) == (0, 1) and conv.same_padding(6, 4) == (1, 2)
    assert conv.same_padding(7, 3, stride=2) == (1, 1) and conv.same_padding(6, 3, stride=2) == (0, 1)
    image = np.arange(25.0).reshape(5, 5, 1)
    kernels = np.ones((2, 2, 1, 1))
    np.testing.assert_allclose(conv.conv2d(image, kernels, padding="same"), _tf_conv(image, kernels, 1, "same"))


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int32])
def test_integer_input_gives_float_without_overflow(dtype):
    info = np.iinfo(dtype)
    image = np.full((4, 4), info.max, dtype=dtype)
    kernel = np.full((3, 3), 3, dtype=dtype)
    for fn in (conv.conv2d, conv.conv2d_naive):
        result = fn(image, kernel)
        assert np.issubdtype(result.dtype, np.floating)
        np.testing.assert_allclose(result, np.full((2, 2), 27.0 * float(info.max)))
    assert np.issubdtype(conv.max_pool2d(image).dtype, np.floating)
    np.testing.assert_allclose(conv.avg_pool2d(image), np.full((2, 2), float(info.max)))


def test_nan_and_inf_behave_as_in_tensorflow():
    x = np.ones((4, 4, 1), dtype=np.float32)
    x[0, 0, 0], x[3, 3, 0] = np.nan, np.inf
    kernels = np.zeros((2, 2, 1, 1), dtype=np.float32)
    np.testing.assert_array_equal(conv.conv2d(x, kernels), _tf_conv(x, kernels, 1, "valid"))
    np.testing.assert_array_equal(conv.conv2d_naive(x, kernels), _tf_conv(x, kernels, 1, "valid"))
    all_nan = np.full((2, 4, 1), np.nan, dtype=np.float32)
    all_nan[0, 2:, 0] = [np.nan, 5.0]
    for ours, naive, layer in POOLS:
        for sample in (x, all_nan):
            expected = _keras_pool(layer, sample, 2, 2, "valid")
            np.testing.assert_array_equal(ours(sample, 2), expected)
            np.testing.assert_array_equal(naive(sample, 2), expected)


def test_conv2d_on_the_ascent_image_equals_tensorflow(mirror, monkeypatch):
    from course_utils import data

    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror))
    image = data.load_ascent().astype(np.float32)[..., np.newaxis]
    sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32).reshape(3, 3, 1, 1)
    for padding in ("valid", "same"):
        ours, theirs = conv.conv2d(image, sobel, padding=padding), _tf_conv(image, sobel, 1, padding)
        assert ours.shape == theirs.shape
        assert np.abs(ours - theirs).max() < 1e-3


# ---------------------------------------------------------------------------
# Property-based: random shapes, kernels 1-5, strides 1-3, both paddings, 1-3 channels
# ---------------------------------------------------------------------------


@st.composite
def conv_cases(draw):
    height, width = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    channels, filters = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(conv.PADDINGS))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    if padding == "valid":
        kh, kw = min(kh, height), min(kw, width)
    stride = draw(st.integers(1, 3))
    # Arrays drawn element by element (not from a drawn seed), so a failing case shrinks to a small, readable one.
    values = st.floats(-4, 4, width=32, allow_nan=False, allow_subnormal=False)
    image = draw(arrays(np.float32, (height, width, channels), elements=values))
    kernels = draw(arrays(np.float32, (kh, kw, channels, filters), elements=values))
    return image, kernels, stride, padding


@settings(max_examples=60, deadline=None)
@given(conv_cases())
def test_conv2d_matches_tensorflow_and_the_loops(case):
    image, kernels, stride, padding = case
    expected = _tf_conv(image, kernels, stride, padding)
    vectorized = conv.conv2d(image, kernels, stride=stride, padding=padding)
    assert vectorized.shape == expected.shape
    np.testing.assert_allclose(vectorized, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(conv.conv2d_naive(image, kernels, stride=stride, padding=padding), vectorized,
                               rtol=1e-5, atol=1e-5)
    assert vectorized.shape[:2] == (
        conv.output_size(image.shape[0], kernels.shape[0], stride, padding),
        conv.output_size(image.shape[1], kernels.shape[1], stride, padding),
    )


@settings(max_examples=40, deadline=None)
@given(conv_cases(), st.integers(1, 4))
def test_single_channel_2d_form_equals_the_channel_form(case, _unused):
    image, kernels, stride, padding = case
    flat = conv.conv2d(image[..., 0], kernels[:, :, 0, 0], stride=stride, padding=padding)
    with_axes = conv.conv2d(image[..., :1], kernels[:, :, :1, :1], stride=stride, padding=padding)[..., 0]
    np.testing.assert_allclose(flat, with_axes, rtol=1e-6)


@settings(max_examples=60, deadline=None)
@given(conv_cases(), st.integers(1, 4))
def test_pooling_matches_keras_and_the_loops(case, pool):
    image, _, stride, padding = case
    if padding == "valid":
        pool = min(pool, *image.shape[:2])
    for vectorized, naive, layer in POOLS:
        expected = _keras_pool(layer, image, pool, stride, padding)
        ours = vectorized(image, pool, stride=stride, padding=padding)
        assert ours.shape == expected.shape
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(naive(image, pool, stride=stride, padding=padding), ours, rtol=1e-5, atol=1e-6)
        flat = vectorized(image[..., 0], pool, stride=stride, padding=padding)
        np.testing.assert_allclose(flat, ours[..., 0], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------
# Bad input: a clear error saying what is wrong and what is expected
# ---------------------------------------------------------------------------

IMAGE = np.zeros((6, 6))
KERNEL = np.ones((3, 3))


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda f: f(np.zeros(6), KERNEL), ValueError, "must be (H, W), (H, W, C) or a batch (N, H, W, C)"),
        (lambda f: f(np.zeros((2, 1, 6, 6, 1)), np.ones((3, 3, 1, 1))), ValueError, "got 5 axes"),
        (lambda f: f(np.zeros((2, 6, 6, 3)), np.ones((3, 3, 1, 1))), ValueError, "channel mismatch"),
        (lambda f: f(IMAGE, np.ones((3, 3, 1, 4))), ValueError, "image[..., np.newaxis]"),
        (lambda f: f(IMAGE, np.ones(3)), ValueError, "needs a 2-D kernel"),
        (lambda f: f(np.zeros((6, 6, 3)), np.ones((3, 3, 1, 4))), ValueError, "channel mismatch"),
        (lambda f: f(np.zeros((6, 6, 3)), KERNEL), ValueError, "(kh, kw, C, F)"),
        (lambda f: f(np.zeros((2, 2)), KERNEL), ValueError, "fits nowhere"),
        (lambda f: f(IMAGE, KERNEL, stride=0), ValueError, "at least 1"),
        (lambda f: f(IMAGE, KERNEL, stride=1.5), TypeError, "whole number"),
        (lambda f: f(IMAGE, KERNEL, stride=True), TypeError, "whole number"),
        (lambda f: f(IMAGE, KERNEL, stride=(1, 2, 3)), ValueError, "pair"),
        (lambda f: f(IMAGE, KERNEL, padding="full"), ValueError, "'valid' or 'same'"),
        (lambda f: f(np.zeros((0, 6)), KERNEL), ValueError, "empty"),
        (lambda f: f(IMAGE, np.zeros((0, 3))), ValueError, "empty"),
        (lambda f: f(np.array([["a", "b"]]), KERNEL), TypeError, "numeric"),
        (lambda f: f(IMAGE.astype(complex), KERNEL), TypeError, "real-valued"),
    ],
)
@pytest.mark.parametrize("function", [conv.conv2d, conv.conv2d_naive])
def test_conv2d_bad_input(function, call, error, fragment):
    with pytest.raises(error) as caught:
        call(function)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda f: f(np.zeros(6)), ValueError, "must be (H, W), (H, W, C) or a batch (N, H, W, C)"),
        (lambda f: f(np.zeros((2, 1, 6, 6, 1))), ValueError, "got 5 axes"),
        (lambda f: f(np.zeros((2, 1, 6, 1))), ValueError, "fits nowhere"),
        (lambda f: f(np.zeros((1, 6))), ValueError, "fits nowhere"),
        (lambda f: f(IMAGE, 0), ValueError, "at least 1"),
        (lambda f: f(IMAGE, 2, stride=2.0), TypeError, "whole number"),
        (lambda f: f(IMAGE, padding="SAMEISH"), ValueError, "'valid' or 'same'"),
        (lambda f: f(np.zeros((6, 0))), ValueError, "empty"),
    ],
)
@pytest.mark.parametrize(
    "function", [conv.max_pool2d, conv.max_pool2d_naive, conv.avg_pool2d, conv.avg_pool2d_naive]
)
def test_pooling_bad_input(function, call, error, fragment):
    with pytest.raises(error) as caught:
        call(function)
    assert fragment in str(caught.value)


def test_padding_names_are_case_insensitive_like_tensorflow():
    upper, lower = conv.conv2d(IMAGE, KERNEL, padding="SAME"), conv.conv2d(IMAGE, KERNEL, padding="same")
    np.testing.assert_array_equal(upper, lower)



# ---------------------------------------------------------------------------
# Batches, and the backward passes against tf.GradientTape, finite differences and properties
# ---------------------------------------------------------------------------


@st.composite
def batch_cases(draw):
    """A batch (N, H, W, C), kernels, stride, padding, and a gradient shaped like the convolution's result."""
    image, kernels, stride, padding = draw(conv_cases())
    values = st.floats(-4, 4, width=32, allow_nan=False, allow_subnormal=False)
    batch = np.concatenate([image[np.newaxis], draw(arrays(np.float32, (draw(st.integers(0, 2)), *image.shape),
                                                            elements=values))])
    out_shape = (len(batch), conv.output_size(image.shape[0], kernels.shape[0], stride, padding),
                 conv.output_size(image.shape[1], kernels.shape[1], stride, padding), kernels.shape[3])
    grad = draw(arrays(np.float32, out_shape, elements=values))
    return batch, kernels, stride, padding, grad


def _tape_conv(batch, kernels, stride, padding, grad):
    x, k = tf.constant(batch), tf.constant(kernels)
    with tf.GradientTape() as tape:
        tape.watch([x, k])
        y = tf.nn.conv2d(x, k, strides=stride, padding=padding.upper())
    return [g.numpy() for g in tape.gradient(y, [x, k], output_gradients=tf.constant(grad))]


@settings(max_examples=60, deadline=None)
@given(batch_cases())
def test_batch_forward_and_backward_equal_tensorflow(case):
    batch, kernels, stride, padding, grad = case
    forward = conv.conv2d(batch, kernels, stride=stride, padding=padding)
    expected = tf.nn.conv2d(batch, kernels, strides=stride, padding=padding.upper()).numpy()
    np.testing.assert_allclose(forward, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(conv.conv2d_naive(batch, kernels, stride=stride, padding=padding), forward,
                               rtol=1e-5, atol=1e-4)
    grad_image, grad_kernel = conv.conv2d_backward(batch, kernels, grad, stride=stride, padding=padding)
    tape_image, tape_kernel = _tape_conv(batch, kernels, stride, padding, grad)
    assert grad_image.shape == batch.shape and grad_kernel.shape == kernels.shape
    np.testing.assert_allclose(grad_image, tape_image, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(grad_kernel, tape_kernel, rtol=1e-4, atol=1e-3)


@settings(max_examples=40, deadline=None)
@given(batch_cases())
def test_backward_takes_every_form_that_forward_takes(case):
    batch, kernels, stride, padding, grad = case
    full_image, full_kernel = conv.conv2d_backward(batch[:1], kernels, grad[:1], stride=stride, padding=padding)
    one_image, one_kernel = conv.conv2d_backward(batch[0], kernels, grad[0], stride=stride, padding=padding)
    np.testing.assert_allclose(one_image, full_image[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(one_kernel, full_kernel, rtol=1e-6, atol=1e-6)
    flat_image, flat_kernel = conv.conv2d_backward(batch[0, :, :, 0], kernels[:, :, 0, 0], grad[0, :, :, 0],
                                                   stride=stride, padding=padding)
    single_image, single_kernel = conv.conv2d_backward(batch[:1, :, :, :1], kernels[:, :, :1, :1],
                                                       grad[:1, :, :, :1], stride=stride, padding=padding)
    assert flat_image.shape == batch.shape[1:3] and flat_kernel.shape == kernels.shape[:2]
    np.testing.assert_allclose(flat_image, single_image[0, :, :, 0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(flat_kernel, single_kernel[:, :, 0, 0], rtol=1e-6, atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(batch_cases())
def test_backward_is_the_adjoint_of_forward(case):
    """conv2d is linear in the image and in the kernel, so <conv(x, k), g> = <x, dx> = <k, dk>."""
    batch, kernels, stride, padding, grad = (np.asarray(a, np.float64) if isinstance(a, np.ndarray) else a
                                             for a in case)
    inner = float((conv.conv2d(batch, kernels, stride=stride, padding=padding) * grad).sum())
    grad_image, grad_kernel = conv.conv2d_backward(batch, kernels, grad, stride=stride, padding=padding)
    assert float((batch * grad_image).sum()) == pytest.approx(inner, rel=1e-9, abs=1e-9)
    assert float((kernels * grad_kernel).sum()) == pytest.approx(inner, rel=1e-9, abs=1e-9)


def _numerical_gradient(loss, array: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central differences, one element at a time."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + step
        above = loss()
        array[index] = saved - step
        below = loss()
        array[index] = saved
        grad[index] = (above - below) / (2 * step)
    return grad


@pytest.mark.parametrize(("stride", "padding"), [(1, "valid"), (2, "same"), (2, "valid"), (3, "same")])
def test_gradients_pass_a_finite_difference_check(stride, padding):
    rng = np.random.default_rng(stride)
    x, k = rng.normal(size=(2, 7, 6, 3)), rng.normal(size=(3, 2, 3, 4))
    g = rng.normal(size=conv.conv2d(x, k, stride=stride, padding=padding).shape)

    def conv_loss() -> float:
        return float((conv.conv2d(x, k, stride=stride, padding=padding) * g).sum())

    grad_image, grad_kernel = conv.conv2d_backward(x, k, g, stride=stride, padding=padding)
    np.testing.assert_allclose(grad_image, _numerical_gradient(conv_loss, x), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(grad_kernel, _numerical_gradient(conv_loss, k), rtol=1e-6, atol=1e-7)
    for forward, backward in [(conv.max_pool2d, conv.max_pool2d_backward),
                              (conv.avg_pool2d, conv.avg_pool2d_backward)]:
        pooled = forward(x, 3, stride=stride, padding=padding)
        gp = rng.normal(size=pooled.shape)

        def pool_loss(forward=forward, gp=gp) -> float:
            return float((forward(x, 3, stride=stride, padding=padding) * gp).sum())

        np.testing.assert_allclose(backward(x, gp, 3, stride=stride, padding=padding),
                                   _numerical_gradient(pool_loss, x), rtol=1e-6, atol=1e-7)


def _tape_pool(function, x, grad, pool, stride, padding):
    tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        y = function(tensor, pool, stride, padding.upper())
    return tape.gradient(y, tensor, output_gradients=tf.constant(grad)).numpy()


@settings(max_examples=60, deadline=None)
@given(batch_cases(), st.integers(1, 4), st.booleans())
def test_pooling_backward_equals_tensorflow_ties_included(case, pool, coarse):
    batch, _, stride, padding, _ = case
    if coarse:  # few distinct values, so that windows often hold tied maxima, as after a ReLU
        batch = np.round(batch).clip(0, None)
    if padding == "valid":
        pool = min(pool, *batch.shape[1:3])
    for ours_forward, ours, theirs in [(conv.max_pool2d, conv.max_pool2d_backward, tf.nn.max_pool2d),
                                       (conv.avg_pool2d, conv.avg_pool2d_backward, tf.nn.avg_pool2d)]:
        pooled = ours_forward(batch, pool, stride=stride, padding=padding)
        grad = np.arange(1, pooled.size + 1, dtype=np.float32).reshape(pooled.shape)  # every window distinct
        expected = _tape_pool(theirs, batch, grad, pool, stride, padding)
        np.testing.assert_allclose(ours(batch, grad, pool, stride=stride, padding=padding), expected,
                                   rtol=1e-5, atol=1e-5)
        flat = ours(batch[0, :, :, 0], grad[0, :, :, 0], pool, stride=stride, padding=padding)
        np.testing.assert_allclose(flat, expected[0, :, :, 0], rtol=1e-5, atol=1e-5)


def test_max_pool_sends_the_gradient_to_the_winner_and_average_pool_shares_it():
    x = np.array([[1.0, 5.0], [2.0, 3.0]])
    np.testing.assert_array_equal(conv.max_pool2d_backward(x, np.array([[10.0]])), [[0, 10], [0, 0]])
    np.testing.assert_array_equal(conv.avg_pool2d_backward(x, np.array([[10.0]])), [[2.5, 2.5], [2.5, 2.5]])
    tied = np.zeros((2, 2))  # all equal, as after a ReLU: the first cell in row-major order wins
    np.testing.assert_array_equal(conv.max_pool2d_backward(tied, np.array([[1.0]])), [[1, 0], [0, 0]])


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: conv.conv2d_backward(np.zeros((6, 6)), KERNEL, np.zeros((3, 3))),
         "grad_output has shape (3, 3), but the forward convolution gives (4, 4)"),
        (lambda: conv.conv2d_backward(np.zeros((2, 6, 6, 1)), np.ones((3, 3, 1, 2)), np.zeros((2, 4, 4, 1))),
         "grad_output has shape (2, 4, 4, 1), but the forward convolution gives (2, 4, 4, 2)"),
        (lambda: conv.conv2d_backward(np.zeros((6, 6, 3)), np.ones((3, 3, 2, 2)), np.zeros((4, 4, 2))),
         "channel mismatch"),
        (lambda: conv.max_pool2d_backward(np.zeros((6, 6)), np.zeros((2, 2))),
         "grad_output has shape (2, 2), but the forward max pooling gives (3, 3)"),
        (lambda: conv.avg_pool2d_backward(np.zeros((1, 6, 6, 2)), np.zeros((1, 3, 3, 1))),
         "grad_output has shape (1, 3, 3, 1), but the forward average pooling gives (1, 3, 3, 2)"),
        (lambda: conv.avg_pool2d_backward(np.zeros((6, 6)), "grad"), "numeric"),
    ],
)
def test_backward_bad_input_names_both_shapes(call, fragment):
    with pytest.raises((ValueError, TypeError)) as caught:
        call()
    assert fragment in str(caught.value)
