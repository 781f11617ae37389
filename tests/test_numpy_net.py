"""Notebook 11's NumPy network (course_utils/numpy_net.py, generated from the notebook): proven, not plausible.

- every layer, the loss and the whole network pass finite-difference gradient checks in float64;
- Conv2D and MaxPool2D equal course_utils.conv's reference forward and backward, for hypothesis-drawn shapes;
- the network equals its Keras twin: logits, loss and gradients, BatchNorm in both modes with its running
  statistics, and the weights after 20 steps of SGD with momentum and of Adam;
- dropout is inverted; the optimisers follow Keras's update rules; the module imports without TensorFlow.

Tolerances. In float64 both libraries round at about 1e-16 of a value, so logits, losses and gradients must agree
to 1e-10 (relative): anything larger is a real difference. Training lets rounding grow: SGD keeps differences in
proportion to the gradients (1e-6 after 20 steps), while Adam divides by sqrt(v) + eps, which turns rounding in a
near-zero gradient into a step of up to a fraction of the learning rate; and Keras's own float64 Adam step differs
from its formula by a relative 7e-6 (it rounds something in float32; measured by
test_one_optimiser_step_follows_kerass_rule_exactly). So Adam's weights are compared to 1e-4 (the learning rate is
3e-3). Over 20 steps in float32, a last-digit difference can flip a ReLU or a pooling winner and send the runs
apart (differences up to 1e-3 seen), so the step-by-step comparisons run in float64, as the notebook's do. Float32
logits: 1e-4 relative (7 significant digits, summed in other orders); gradients 1e-3, because BatchNorm's backward
pass subtracts means that nearly cancel.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import conv
from course_utils import numpy_net as nn


def _float64(net: nn.Sequential) -> nn.Sequential:
    for layer in net.layers:
        layer.params.update({name: value.astype(np.float64) for name, value in layer.params.items()})
        layer.state.update({name: value.astype(np.float64) for name, value in layer.state.items()})
    return net


def _digits(count: int = 32, start: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A fixture of MNIST-shaped images: smooth blobs (real data is in the notebook; this keeps the test offline)."""
    rng = np.random.default_rng(start)
    grid = np.linspace(-1, 1, 28)
    centres = rng.uniform(-0.5, 0.5, (count, 2, 1, 1))
    images = np.exp(-((grid[None, :, None] - centres[:, 0]) ** 2 + (grid[None, None, :] - centres[:, 1]) ** 2) * 6)
    return (images * 255).astype(np.uint8), rng.integers(0, 10, count)


# ---------------------------------------------------------------------------
# Gradient checks, float64
# ---------------------------------------------------------------------------

RNG = np.random.default_rng(0)
LAYERS = {
    "Dense": (lambda: nn.Dense(5, 3, np.random.default_rng(1)), (4, 5), True),
    "ReLU": (nn.ReLU, (3, 4, 4, 2), True),
    "Flatten": (nn.Flatten, (3, 2, 2, 2), True),
    "Conv2D": (lambda: nn.Conv2D(2, 3, 3, np.random.default_rng(2)), (2, 5, 6, 2), True),
    "Conv2D without bias": (lambda: nn.Conv2D(1, 2, 2, np.random.default_rng(3), use_bias=False), (2, 4, 4, 1), True),
    "MaxPool2D": (lambda: nn.MaxPool2D(2), (2, 4, 6, 3), True),
    "MaxPool2D, odd size": (lambda: nn.MaxPool2D(2), (2, 5, 7, 2), True),
    "BatchNorm, training": (lambda: nn.BatchNorm(3), (4, 3, 3, 3), True),
    "BatchNorm, training, (N, D)": (lambda: nn.BatchNorm(4), (6, 4), True),
    "BatchNorm, inference": (lambda: nn.BatchNorm(3), (4, 3, 3, 3), False),
    "Dropout, inference": (lambda: nn.Dropout(0.5, np.random.default_rng(4)), (3, 5), False),
}


@pytest.mark.parametrize("name", LAYERS)
def test_every_layer_passes_a_gradient_check(name):
    make, shape, training = LAYERS[name]
    layer = make()
    if isinstance(layer, nn.BatchNorm):  # non-trivial gamma, beta and running statistics
        layer.params["gamma"] = RNG.uniform(0.5, 2, layer.params["gamma"].shape)
        layer.params["beta"] = RNG.uniform(-1, 1, layer.params["beta"].shape)
        layer.state["moving_mean"] = RNG.uniform(-1, 1, layer.state["moving_mean"].shape)
        layer.state["moving_variance"] = RNG.uniform(0.5, 2, layer.state["moving_variance"].shape)
    errors = nn.check_layer(layer, RNG.standard_normal(shape) * 2 + 0.5, training=training)
    assert set(errors) == {"input", *layer.params}
    assert max(errors.values()) < 1e-6, errors


def test_a_wrong_backward_pass_fails_the_gradient_check():
    class HalfReLU(nn.ReLU):
        def backward(self, grad):
            return super().backward(grad) * 0.5

    assert nn.check_layer(HalfReLU(), RNG.standard_normal((3, 4)))["input"] > 0.3


def test_dropout_in_training_is_inverted_and_its_backward_uses_the_same_mask():
    layer = nn.Dropout(0.25, np.random.default_rng(5))
    x = np.random.default_rng(6).uniform(1, 2, (200, 500)).astype(np.float32)
    y = layer.forward(x, training=True)
    assert abs(np.mean(y == 0) - 0.25) < 0.005
    assert np.allclose(y[y != 0], x[y != 0] / 0.75)
    assert abs(y.mean() / x.mean() - 1) < 0.01
    grad = np.ones_like(x)
    assert np.array_equal(layer.backward(grad), layer.mask)
    assert np.array_equal(layer.forward(x, training=False), x)
    assert np.array_equal(nn.Dropout(0.0, np.random.default_rng(0)).forward(x, training=True), x)


def test_softmax_cross_entropy_is_stable_and_its_gradient_checks():
    loss, grad = nn.softmax_cross_entropy(np.array([[1000.0, 0.0, -1000.0]]), np.array([1]))
    assert loss == pytest.approx(1000.0) and np.isfinite(grad).all()
    logits, labels = RNG.standard_normal((6, 10)), RNG.integers(0, 10, 6)
    numeric = nn.numerical_gradient(lambda: nn.softmax_cross_entropy(logits, labels)[0], logits)
    assert nn.relative_error(nn.softmax_cross_entropy(logits, labels)[1], numeric) < 1e-7


def test_the_whole_network_passes_a_gradient_check_with_batchnorm_and_dropout_on():
    images, labels = _digits(4)
    errors = nn.check_network(nn.build_scratch_cnn(np.random.default_rng(7), filters=2),
                              nn.as_floats(images), labels)
    assert set(errors) == {"Conv2D.kernel", "BatchNorm.gamma", "BatchNorm.beta", "Dense.kernel", "Dense.bias"}
    assert max(errors.values()) < 1e-5, errors


def test_relative_error_and_numerical_gradient_on_known_values():
    assert nn.relative_error(np.array([3.0, 0.0]), np.array([3.0, 4.0])) == pytest.approx(4 / 5)
    assert nn.relative_error(np.zeros(2), np.zeros(2)) == 0
    x = np.array([1.0, 2.0, 3.0])
    assert np.allclose(nn.numerical_gradient(lambda: float(np.sum(x ** 2)), x), 2 * x, atol=1e-6)
    assert np.array_equal(x, [1.0, 2.0, 3.0])  # restored


# ---------------------------------------------------------------------------
# Equal to course_utils.conv's reference, for drawn shapes
# ---------------------------------------------------------------------------

conv_cases = st.tuples(st.integers(1, 3), st.integers(3, 9), st.integers(3, 9), st.integers(1, 3),
                       st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**31 - 1))


@settings(max_examples=40, deadline=None)
@given(conv_cases)
def test_conv2d_layer_equals_the_reference_forward_and_backward(case):
    n, h, w, c, f, k, seed = case
    rng = np.random.default_rng(seed)
    layer = nn.Conv2D(c, f, min(k, h, w), rng)
    layer.params["bias"] = rng.standard_normal(f)
    x = rng.standard_normal((n, h, w, c))
    y = layer.forward(x)
    assert np.allclose(y, conv.conv2d(x, layer.params["kernel"]) + layer.params["bias"])
    grad = rng.standard_normal(y.shape)
    dx, dkernel = conv.conv2d_backward(x, layer.params["kernel"], grad)
    assert np.allclose(layer.backward(grad), dx) and np.allclose(layer.grads["kernel"], dkernel)
    assert np.allclose(layer.grads["bias"], grad.sum(axis=(0, 1, 2)))


@settings(max_examples=40, deadline=None)
@given(st.tuples(st.integers(1, 3), st.integers(2, 9), st.integers(2, 9), st.integers(1, 3), st.integers(2, 3),
                 st.integers(0, 2**31 - 1)))
def test_maxpool_layer_equals_the_reference_ties_included(case):
    n, h, w, c, k, seed = case
    if k > min(h, w):
        k = min(h, w)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, (n, h, w, c)).astype(np.float64)  # few distinct values: many ties
    layer = nn.MaxPool2D(k)
    y = layer.forward(x)
    assert np.array_equal(y, conv.max_pool2d(x, k))
    grad = rng.standard_normal(y.shape)
    assert np.array_equal(layer.backward(grad), conv.max_pool2d_backward(x, grad, k))


@settings(max_examples=30, deadline=None)
@given(st.tuples(st.integers(1, 3), st.integers(3, 8), st.integers(3, 8), st.integers(1, 3), st.integers(1, 3),
                 st.integers(1, 2), st.integers(0, 2**31 - 1)))
def test_col2im_is_the_adjoint_of_im2col(case):
    n, h, w, c, k, stride, seed = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, h, w, c))
    columns = conv.im2col(x, k, stride)
    other = rng.standard_normal(columns.shape)
    assert np.isclose(np.sum(columns * other), np.sum(x * conv.col2im(other, x.shape, k, stride)))


def test_im2col_and_col2im_say_what_is_wrong():
    with pytest.raises(ValueError, match=r"\(N, H, W, C\)"):
        conv.im2col(np.zeros((5, 5)), 3)
    with pytest.raises(ValueError, match="larger than"):
        conv.im2col(np.zeros((1, 2, 2, 1)), 3)
    with pytest.raises(ValueError, match="im2col of a batch shaped"):
        conv.col2im(np.zeros((4, 9)), (1, 5, 5, 1), 3)


# ---------------------------------------------------------------------------
# Equal to Keras
# ---------------------------------------------------------------------------


@pytest.fixture
def keras64():
    """Keras with float64 as its default dtype (losses, optimiser variables), restored afterwards."""
    import keras  # a hard dependency of the course: no skip
    before = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        yield keras
    finally:
        keras.config.set_floatx(before)


def _twin_gradients(keras, net, images, labels, dtype):
    import tensorflow as tf

    twin = nn.keras_twin(net)
    x = nn.as_floats(images).astype(dtype)
    logits = net.forward(x, training=True)
    loss, grad = nn.softmax_cross_entropy(logits, labels)
    net.backward(grad)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype=str(np.dtype(dtype)))
    with tf.GradientTape() as tape:
        keras_logits = twin(x, training=True)
        keras_loss = loss_fn(labels, keras_logits)
    keras_grads = tape.gradient(keras_loss, twin.trainable_variables)
    ours = [layer.grads[name] for _, name, layer in net.weights()]
    relative = max(float(np.abs(a - b.numpy()).max() / np.abs(b.numpy()).max())
                   for a, b in zip(ours, keras_grads, strict=True))
    logit_error = float(np.abs(logits - keras_logits.numpy()).max() / np.abs(keras_logits.numpy()).max())
    return logit_error, abs(loss - float(keras_loss)) / float(keras_loss), relative, twin


def test_logits_loss_and_gradients_equal_keras_in_float64(keras64):
    images, labels = _digits(16)
    net = _float64(nn.build_scratch_cnn(np.random.default_rng(8), rate=0.0))
    logit_error, loss_error, grad_error, _ = _twin_gradients(keras64, net, images, labels, np.float64)
    assert logit_error < 1e-10 and loss_error < 1e-10 and grad_error < 1e-10, (logit_error, loss_error, grad_error)


def test_logits_and_gradients_equal_keras_in_float32():
    import keras  # a hard dependency of the course: no skip
    images, labels = _digits(16)
    net = nn.build_scratch_cnn(np.random.default_rng(9), rate=0.0)
    logit_error, loss_error, grad_error, _ = _twin_gradients(keras, net, images, labels, np.float32)
    assert logit_error < 1e-4 and loss_error < 1e-5 and grad_error < 1e-3, (logit_error, loss_error, grad_error)


def test_batchnorm_equals_keras_in_both_modes_running_statistics_included(keras64):
    rng = np.random.default_rng(10)
    ours = nn.BatchNorm(3)
    ours.params["gamma"], ours.params["beta"] = rng.uniform(0.5, 2, 3), rng.uniform(-1, 1, 3)
    theirs = keras64.layers.BatchNormalization(dtype="float64")
    theirs.build((None, 5, 5, 3))
    theirs.set_weights([ours.params["gamma"], ours.params["beta"], ours.state["moving_mean"].astype(np.float64),
                        ours.state["moving_variance"].astype(np.float64)])
    for step in range(5):
        x = rng.standard_normal((4, 5, 5, 3)) * (step + 1) + step
        assert np.allclose(ours.forward(x, training=True), theirs(x, training=True).numpy(), atol=1e-10)
    assert np.allclose(ours.state["moving_mean"], theirs.moving_mean.numpy(), atol=1e-12)
    assert np.allclose(ours.state["moving_variance"], theirs.moving_variance.numpy(), atol=1e-12)
    x = rng.standard_normal((2, 5, 5, 3))
    assert np.allclose(ours.forward(x, training=False), theirs(x, training=False).numpy(), atol=1e-10)


def _twenty_steps(keras, dtype, make_optimisers) -> float:
    import tensorflow as tf

    net = nn.build_scratch_cnn(np.random.default_rng(11), rate=0.0)
    if dtype == np.float64:
        _float64(net)
    twin = nn.keras_twin(net)
    ours, theirs = make_optimisers()
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype=str(np.dtype(dtype)))
    for step in range(20):
        images, labels = _digits(16, start=100 + step)
        x = nn.as_floats(images).astype(dtype)
        net.backward(nn.softmax_cross_entropy(net.forward(x, training=True), labels)[1])
        ours.step(net)
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, twin(x, training=True))
        grads = tape.gradient(loss, twin.trainable_variables)
        theirs.apply_gradients(zip(grads, twin.trainable_variables, strict=True))
    mine = [value for layer in net.layers for value in [*layer.params.values(), *layer.state.values()]]
    return max(float(np.abs(a - b.numpy()).max()) for a, b in zip(mine, twin.weights, strict=True))


def test_twenty_sgd_momentum_steps_equal_keras(keras64):
    keras = keras64
    assert _twenty_steps(keras, np.float64, lambda: (nn.SGD(0.01, momentum=0.9),
                                                    keras.optimizers.SGD(0.01, momentum=0.9))) < 1e-6


def test_twenty_adam_steps_equal_keras(keras64):
    keras = keras64
    assert _twenty_steps(keras, np.float64, lambda: (nn.Adam(0.003), keras.optimizers.Adam(0.003))) < 1e-4


def test_one_optimiser_step_follows_kerass_rule_exactly(keras64):
    keras = keras64
    grads = np.array([0.3, -0.01, 1e-4, 2.0])

    def step(ours, theirs, times=3):
        layer = nn.Layer()
        layer.params["w"] = np.zeros(4)
        net = nn.Sequential([layer])
        variable = keras.Variable(np.zeros(4))
        for _ in range(times):
            layer.grads["w"] = grads.copy()
            ours.step(net)
            theirs.apply_gradients([(keras.ops.convert_to_tensor(grads), variable)])
        return layer.params["w"], variable.numpy()

    # Keras keeps its hyperparameters in float32 variables (0.1 and 0.9 to about 1e-8), hence rtol 1e-6.
    mine, kerass = step(nn.SGD(0.1, momentum=0.9), keras.optimizers.SGD(0.1, momentum=0.9))
    assert np.allclose(mine, kerass, rtol=1e-6, atol=0)
    assert np.allclose(mine, -0.1 * grads * (1 + 1.9 + 2.71))  # v1 = -g, v2 = -1.9g, v3 = -2.71g (times 0.1)
    mine, kerass = step(nn.SGD(0.1), keras.optimizers.SGD(0.1))
    assert np.allclose(mine, kerass, rtol=1e-6, atol=0)
    mine, kerass = step(nn.Adam(0.01), keras.optimizers.Adam(0.01))
    assert np.allclose(mine, kerass, rtol=2e-5, atol=0)  # Keras's step: a relative 7e-6 off the formula


def test_a_schedule_is_read_at_the_step_before_it_is_counted():
    seen = []
    optimiser = nn.SGD(lambda step: seen.append(step) or 0.1)
    layer = nn.Layer()
    layer.params["w"], layer.grads["w"] = np.zeros(1), np.ones(1)
    for _ in range(3):
        optimiser.step(nn.Sequential([layer]))
    assert seen == [0, 1, 2]  # as Keras calls a LearningRateSchedule with optimizer.iterations
    cosine = nn.cosine_schedule(0.003, 100)
    assert cosine(0) == pytest.approx(0.003) and cosine(50) == pytest.approx(0.0015) and cosine(200) == 0


def test_cosine_schedule_equals_kerass():
    import keras  # a hard dependency of the course: no skip
    theirs = keras.optimizers.schedules.CosineDecay(0.003, 1000)
    for step in (0, 1, 250, 999, 1000, 1500):
        assert nn.cosine_schedule(0.003, 1000)(step) == pytest.approx(float(theirs(step)), rel=1e-5, abs=1e-10)


# ---------------------------------------------------------------------------
# Training, and the browser
# ---------------------------------------------------------------------------


def test_fit_lowers_the_loss_and_records_validation_at_epoch_ends():
    images, labels = _digits(256)
    labels = (images.reshape(256, -1).argmax(axis=1) % 28 > 14).astype(int)  # learnable: blob on the right half
    net = nn.build_scratch_cnn(np.random.default_rng(12))
    history = nn.fit(net, nn.Adam(0.01), images, labels, 3, 32, np.random.default_rng(0),
                     validation=(images[:64], labels[:64]), every=5)
    assert np.mean(history["loss"][-8:]) < np.mean(history["loss"][:8])
    steps = [step for step, _ in history["validation"]]
    assert {8, 16, 24} <= set(steps) and steps == sorted(steps)
    assert nn.predict(net, images, batch_size=100).shape == (256,)


def test_the_generated_module_runs_without_tensorflow():
    code = ("import sys; sys.modules['tensorflow'] = None; sys.modules['keras'] = None\n"
            "import numpy as np\n"
            "from course_utils import numpy_net as nn\n"
            "net = nn.build_scratch_cnn(np.random.default_rng(0))\n"
            "print(net.forward(np.zeros((2, 28, 28, 1), np.float32)).shape)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.strip() == "(2, 10)", done.stderr
