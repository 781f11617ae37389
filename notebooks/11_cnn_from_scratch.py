# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 11 · A CNN from scratch: every layer written, checked and trained in NumPy
# <!-- course-map: A CNN from scratch | Every layer of a small CNN written in NumPy (Conv2D with im2col, BatchNorm,
# ReLU, pooling, inverted dropout, softmax cross-entropy), gradient-checked, proven equal to Keras step for step with
# SGD and Adam, and trained on MNIST beside its Keras twin; runs in the browser. -->
#
# **Why this matters.** Notebooks 07 and 08 computed a convolution and a pooling by hand, forward and backward.
# Here you go the rest of the way: you write every layer of a small CNN yourself (convolution, BatchNorm, ReLU,
# pooling, dropout, a dense layer and the loss), prove each gradient with finite differences, prove the whole
# network equal to Keras step for step, and train it on MNIST. After this, nothing in `model.fit` is a black box.
#
# *CNNs, hands-on* · going further, notebook 11 · previous:
# [**10 · transfer learning**](10_transfer_learning.ipynb) · next:
# [**12 · residual connections**](12_residual_connections.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/11_cnn_from_scratch.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/11_cnn_from_scratch.ipynb)
# **[Run it in your browser](https://cnns-hands-on.github.io/cnns-hands-on/lab/index.html?path=11_cnn_from_scratch.ipynb)**

# %% [markdown]
# ## You will learn
#
# - the contract every layer keeps: `forward` remembers what `backward` needs, `backward` turns the gradient of
#   the loss with respect to the output into the gradient with respect to the input and the weights;
# - `Dense`, `Conv2D` (as one matrix product, with im2col), `ReLU`, `MaxPool2D` and `Flatten`, forward and backward;
# - **BatchNormalization**: the formula with γ and β, the running averages, and why training and inference differ;
# - **Dropout**, inverted: why the kept values are divided by 1 − p;
# - a numerically stable softmax cross-entropy, and its gradient `(p − y) / N`;
# - gradient checking with finite differences, the way to prove a backward pass;
# - SGD with momentum and Adam, with Keras's exact update rules;
# - that the NumPy network equals Keras's: same logits, loss and gradients, same weights after 20 steps;
# - training it on MNIST, next to the same model in Keras.
#
# Runs anywhere, the browser included: TensorFlow is only needed for the comparisons with Keras.

# %% [markdown]
# ## Setup
#
# Run this cell first: one import line brings in NumPy, matplotlib and the course's helpers (and Keras where TensorFlow
# exists), and `setup` seeds the random generators and reports the environment and the mode. On Colab it first installs
# the course's helper package, `course_utils` (about 10 s); anywhere else it installs nothing (in the browser, the
# site ships `course_utils` as a folder next to this notebook).

# %%
import sys

if "google.colab" in sys.modules:  # on Colab only: install the course helpers (pinned), keep Colab's TensorFlow
    # %pip install --quiet --no-deps "course-utils @ git+https://github.com/cnns-hands-on/cnns-hands-on@main"
    sys.path_importer_cache.clear()  # forget cached folder listings: find the package installed a moment ago

from course_utils.start import *  # np, plt, keras, tf, and the course helpers (data, plots, results and more)

SEED = setup(seed=42)  # seeds every random generator, prints the environment; COURSE_SEED overrides 42

# %% [markdown]
# ## 1. The data
#
# MNIST's 60,000 training digits, of which the last 5,000 are held out for validation, and its 10,000 test digits.
# The images stay `uint8` (47 MB) and each batch is scaled to `[0, 1]` floats when it is used, which keeps the
# memory small enough for a browser tab.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_mnist(fast=(3_000, 1_000))
validation_size = len(train_images) // 12
fit_images, fit_labels = train_images[:-validation_size], train_labels[:-validation_size]
validation_images, validation_labels = train_images[-validation_size:], train_labels[-validation_size:]


def as_floats(images: np.ndarray) -> np.ndarray:  # @save
    """uint8 images (N, 28, 28) as float32 in [0, 1], shaped (N, 28, 28, 1) for a convolution."""
    return (images[..., np.newaxis] / np.float32(255)).astype(np.float32)


print(f"training {fit_images.shape}, validation {validation_images.shape}, test {test_images.shape}")

# %% [markdown]
# ## 2. What a layer is
#
# A network is a chain of functions, `logits = f₅(f₄(f₃(f₂(f₁(x)))))`, and the chain rule says how a change at the
# end travels back to every weight. Each layer needs two methods:
#
# - `forward(x, training)` computes the output and **keeps what the backward pass will need** (its input, a mask,
#   normalised values);
# - `backward(grad)` receives `∂L/∂output`, shaped like the output, stores `∂L/∂weight` for each of its weights in
#   `grads`, and returns `∂L/∂input`, shaped like the input, for the layer below.
#
# Weights live in `params` (what an optimiser changes), and anything else a layer keeps between batches, such as
# BatchNorm's running averages, in `state`. Every class and function marked `# @save` in this notebook is copied
# into `course_utils/numpy_net.py`, where the tests and the benchmark import it.

# %%
class Layer:  # @save
    """One layer: forward(x, training) -> y; backward(dL/dy) -> dL/dx; weights in params, their gradients in grads."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.state: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """The output; keeps what backward needs."""
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """dL/dinput from dL/doutput; fills self.grads."""
        raise NotImplementedError


# %% [markdown]
# ## 3. Dense, and how Keras starts its weights
#
# A dense layer computes `y = x W + b` for a batch `x` of shape `(N, D)`. Backward, with `g = ∂L/∂y`:
#
# - `∂L/∂W = xᵀ g`: each weight met every input it multiplied, summed over the batch;
# - `∂L/∂b = Σₙ g`: the bias was added to every example;
# - `∂L/∂x = g Wᵀ`: each input fed every output through its weight.
#
# Keras starts `Dense` and `Conv2D` kernels with **Glorot uniform** (uniform in `±√(6 / (fan_in + fan_out))`, so
# that the variance of the signal stays about the same through the layer) and biases at zero. So do we.

# %%
def glorot_uniform(shape: tuple[int, ...], fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:  # @save
    """Keras's default kernel initialiser: uniform in +-sqrt(6 / (fan_in + fan_out)), float32."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(np.float32)


class Dense(Layer):  # @save
    """y = x @ kernel + bias, on (N, D) batches; kernel (D, units)."""

    def __init__(self, inputs: int, units: int, rng: np.random.Generator) -> None:
        super().__init__()
        self.params["kernel"] = glorot_uniform((inputs, units), inputs, units, rng)
        self.params["bias"] = np.zeros(units, np.float32)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """(N, D) -> (N, units)."""
        self.x = x
        return x @ self.params["kernel"] + self.params["bias"]

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """(N, units) -> (N, D)."""
        self.grads["kernel"] = self.x.T @ grad
        self.grads["bias"] = grad.sum(axis=0)
        return grad @ self.params["kernel"].T


# %% [markdown]
# ## 4. Gradient checking: how to prove a backward pass
#
# A backward pass can be wrong in ways that still train, slowly and badly. The test is the definition of the
# derivative: nudge one number by `±h` and watch the loss, `∂L/∂w ≈ (L(w + h) − L(w − h)) / 2h`. This central
# difference is accurate to `h²`, but it needs many forward passes, so it is a check, never the way to train.
#
# To check a layer alone, give it a loss: `L = Σ y · r` for a fixed random `r`, whose gradient with respect to
# `y` is exactly `r`. Then compare the layer's `backward(r)` with the finite differences, as a **relative error**
# `‖a − b‖ / max(‖a‖, ‖b‖)` over the whole array. In float64, a correct layer gives about 1e-7 or less; a wrong
# one 1e-2 or more.
# Float32 has too few digits for this: the checks run in float64.

# %%
def relative_error(a: np.ndarray, b: np.ndarray) -> float:  # @save
    """||a - b|| / max(||a||, ||b||): how far apart two gradients are, as a share of their size (0 if both are 0)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return float(np.linalg.norm(a - b) / scale) if scale > 0 else 0.0


def numerical_gradient(loss: object, array: np.ndarray, h: float = 1e-5) -> np.ndarray:  # @save
    """Central differences of loss() with respect to every entry of array, which is changed in place and restored."""
    grad = np.zeros_like(array, dtype=np.float64)
    for index in np.ndindex(array.shape):
        kept = array[index]
        array[index] = kept + h
        above = loss()
        array[index] = kept - h
        below = loss()
        array[index] = kept
        grad[index] = (above - below) / (2 * h)
    return grad


def check_layer(layer: Layer, x: np.ndarray, training: bool = True, seed: int = 0) -> dict[str, float]:  # @save
    """Relative errors of layer.backward against finite differences, for its input and each weight (float64)."""
    rng = np.random.default_rng(seed)
    x = x.astype(np.float64)
    for name in layer.params:
        layer.params[name] = layer.params[name].astype(np.float64)
    state = {name: value.copy() for name, value in layer.state.items()}

    def loss() -> float:
        layer.state.update({name: value.copy() for name, value in state.items()})  # the same state every time
        return float(np.sum(layer.forward(x, training) * r))

    r = rng.standard_normal(layer.forward(x, training).shape)
    loss()  # the forward pass that backward will use
    errors = {"input": relative_error(layer.backward(r), numerical_gradient(loss, x))}
    analytic = {name: grad.copy() for name, grad in layer.grads.items()}
    for name, value in layer.params.items():
        errors[name] = relative_error(analytic[name], numerical_gradient(loss, value))
    return errors


def show_errors(name: str, errors: dict[str, float]) -> None:
    """(extra code) print one line of relative errors"""
    print(f"{name:<22}" + "  ".join(f"{key} {value:.1e}" for key, value in errors.items()))


rng = np.random.default_rng(SEED)
show_errors("Dense", check_layer(Dense(6, 4, rng), rng.standard_normal((5, 6))))

# %% [markdown]
# ## 5. ReLU and Flatten
#
# ReLU passes positive values and zeroes the rest, so backward it passes the gradient where the input was
# positive and blocks it elsewhere (at exactly 0 it blocks, as TensorFlow does). Flatten only reshapes, and
# backward it reshapes back.

# %%
class ReLU(Layer):  # @save
    """max(x, 0), any shape."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Same shape as x."""
        self.positive = x > 0
        return x * self.positive

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """The gradient where x > 0, zero elsewhere."""
        return grad * self.positive


class Flatten(Layer):  # @save
    """(N, ...) -> (N, everything else)."""

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """(N, H, W, C) -> (N, H * W * C)."""
        self.shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Back to the input's shape."""
        return grad.reshape(self.shape)


show_errors("ReLU", check_layer(ReLU(), rng.standard_normal((4, 3, 3, 2))))
show_errors("Flatten", check_layer(Flatten(), rng.standard_normal((4, 3, 3, 2))))

# %% [markdown]
# ## 6. Conv2D as one matrix product
#
# Notebook 07's loop visits every output position and multiplies a patch with the kernel. The fast way does all
# positions at once: **im2col** (`conv.im2col`) lays every `k × k × C` patch out as one row, so that the whole
# convolution is one matrix product, `(N·H'·W', k·k·C) @ (k·k·C, F)`. Backward, with `g` reshaped to
# `(N·H'·W', F)` rows:
#
# - `∂L/∂kernel = columnsᵀ g`, the Dense rule again;
# - `∂L/∂columns = g kernelᵀ`, and **col2im** (`conv.col2im`) adds each row back onto the patch it came from,
#   because an input pixel lies in up to `k²` patches.
#
# The kernel is `(k, k, C, F)` as in Keras, with Glorot's fans `k·k·C` and `k·k·F`. A bias right before BatchNorm
# is cancelled by its mean subtraction (β takes its place), so, like notebook 03's blocks, ours can go without one.

# %%
class Conv2D(Layer):  # @save
    """Valid, stride-1 convolution of (N, H, W, C) into (N, H-k+1, W-k+1, F); kernel (k, k, C, F) as in Keras."""

    def __init__(self, channels: int, filters: int, size: int, rng: np.random.Generator,
                 use_bias: bool = True) -> None:
        super().__init__()
        self.size = size
        self.params["kernel"] = glorot_uniform((size, size, channels, filters), size * size * channels,
                                               size * size * filters, rng)
        if use_bias:
            self.params["bias"] = np.zeros(filters, np.float32)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """(N, H, W, C) -> (N, H', W', F): im2col, then one matrix product."""
        n, h, w, _ = x.shape
        self.x_shape = x.shape
        self.columns = conv.im2col(x, self.size)  # (N * H' * W', k * k * C)
        kernel = self.params["kernel"]
        y = self.columns @ kernel.reshape(-1, kernel.shape[-1])  # (N * H' * W', F)
        if "bias" in self.params:
            y = y + self.params["bias"]
        return y.reshape(n, h - self.size + 1, w - self.size + 1, -1)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """(N, H', W', F) -> (N, H, W, C)."""
        kernel = self.params["kernel"]
        rows = grad.reshape(-1, kernel.shape[-1])  # (N * H' * W', F)
        self.grads["kernel"] = (self.columns.T @ rows).reshape(kernel.shape)
        if "bias" in self.params:
            self.grads["bias"] = rows.sum(axis=0)
        return conv.col2im(rows @ kernel.reshape(-1, kernel.shape[-1]).T, self.x_shape, self.size)


show_errors("Conv2D", check_layer(Conv2D(2, 3, 3, rng), rng.standard_normal((2, 5, 5, 2))))

# %% [markdown]
# The layer must also agree with notebook 07's reference, `conv.conv2d` and `conv.conv2d_backward`, on real
# digits:

# %%
digits = as_floats(fit_images[:16])
layer = Conv2D(1, 8, 3, rng)
upstream = rng.standard_normal((16, 26, 26, 8)).astype(np.float32)  # any dL/dy
same_forward = np.allclose(layer.forward(digits), conv.conv2d(digits, layer.params["kernel"]) + layer.params["bias"],
                           atol=1e-5)
reference_dx, reference_dkernel = conv.conv2d_backward(digits, layer.params["kernel"], upstream)
same_backward = (np.allclose(layer.backward(upstream), reference_dx, atol=1e-4)
                 and np.allclose(layer.grads["kernel"], reference_dkernel, rtol=1e-4, atol=1e-3))
print("forward equals conv.conv2d:", same_forward, "· backward equals conv.conv2d_backward:", same_backward)
assert same_forward and same_backward

# %% [markdown]
# ## 7. MaxPool2D, the fast way
#
# When the window moves by its own size (2×2, stride 2), the four cells of every window are four strided views of
# the input, `x[:, i::2, j::2]`: the maximum of the four views is the pooled map, with no copying of windows.
# Backward, each window's gradient goes to its winner; on a tie, to the first in row-major order, as TensorFlow and
# notebook 08's `conv.max_pool2d_backward` do.

# %%
class MaxPool2D(Layer):  # @save
    """size x size max pooling with stride = size (Keras's default), valid: (N, H, W, C) -> (N, H//size, W//size, C)."""

    def __init__(self, size: int = 2) -> None:
        super().__init__()
        self.size = size

    def _views(self, x: np.ndarray) -> list[tuple[slice, slice]]:
        k, h, w = self.size, x.shape[1] // self.size * self.size, x.shape[2] // self.size * self.size
        return [(slice(i, h, k), slice(j, w, k)) for i in range(k) for j in range(k)]  # row-major in the window

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """The largest of each window's cells."""
        self.x = x
        views = self._views(x)
        out = x[:, views[0][0], views[0][1]].copy()
        for rows, cols in views[1:]:
            np.maximum(out, x[:, rows, cols], out=out)
        self.out = out
        return out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Each window's gradient to its first maximum."""
        dx = np.zeros_like(self.x, dtype=grad.dtype)
        taken = np.zeros(self.out.shape, bool)
        for rows, cols in self._views(self.x):
            wins = (self.x[:, rows, cols] == self.out) & ~taken
            dx[:, rows, cols] = grad * wins
            taken |= wins
        return dx


pool = MaxPool2D(2)
feature_maps = np.maximum(layer.forward(digits), 0)  # ReLU'd: many windows tie at 0
same_pool = np.array_equal(pool.forward(feature_maps), conv.max_pool2d(feature_maps, 2))
upstream = rng.standard_normal((16, 13, 13, 8)).astype(np.float32)
same_routing = np.array_equal(pool.backward(upstream), conv.max_pool2d_backward(feature_maps, upstream, 2))
print("forward equals conv.max_pool2d:", same_pool, "· backward, ties included:", same_routing)
assert same_pool and same_routing
show_errors("MaxPool2D", check_layer(MaxPool2D(2), rng.standard_normal((2, 4, 6, 3))))

# %% [markdown]
# ## 8. Batch normalisation
#
# Notebook 03 used `BatchNormalization` as a black box that made training steadier. Here is what it computes, for
# each channel separately, over the `m` values of that channel in the batch (every image and every position):
#
# $$\mu_B = \frac{1}{m}\sum_i x_i, \qquad \sigma_B^2 = \frac{1}{m}\sum_i (x_i - \mu_B)^2, \qquad
# \hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad y_i = \gamma\,\hat x_i + \beta$$
#
# - `x̂` has mean 0 and variance 1 in every channel, whatever the layer below does; **γ (scale) and β (shift)** are
#   learned, so the layer can undo the normalisation where that helps. They start at 1 and 0.
# - **Training** normalises with the batch's own `μ_B` and `σ²_B`, and updates **running averages**:
#   `moving_mean ← 0.99 · moving_mean + 0.01 · μ_B`, the same for the variance (Keras's `momentum=0.99`).
# - **Inference** normalises with the running averages instead, so a prediction does not depend on which other
#   images share its batch. Keras's `epsilon` is 0.001.
# - So the layer has 4 numbers per channel: γ and β, trained by gradient descent; the two moving averages, not.
#
# Backward through the batch statistics is the subtle part: every `x̂ᵢ` depends on every `xⱼ` of its channel
# through `μ_B` and `σ_B`. With `g = ∂L/∂y`, `∂L/∂β = Σ g`, `∂L/∂γ = Σ g·x̂`, and the chain rule through the mean
# and the variance simplifies to
#
# $$\frac{\partial L}{\partial x_i} = \frac{\gamma}{\sqrt{\sigma_B^2 + \varepsilon}}\left(g_i - \frac{1}{m}
# \frac{\partial L}{\partial \beta} - \hat x_i\,\frac{1}{m}\frac{\partial L}{\partial \gamma}\right)$$
#
# In inference the statistics are constants, so backward is just `g · γ / √(moving_var + ε)`.
#
# *Speed note:* NumPy broadcasts an 8-long vector over an `(N, H, W, 8)` array in inner loops 8 long, which is
# slow; viewing the array as rows of `W·C` values and tiling the vector to `W·C` gives the same result several
# times faster. That is all the `rows` and `np.tile` below do.

# %%
class BatchNorm(Layer):  # @save
    """Batch normalisation of the last axis (channels), with Keras's defaults: momentum 0.99, epsilon 0.001."""

    def __init__(self, channels: int, momentum: float = 0.99, epsilon: float = 1e-3) -> None:
        super().__init__()
        self.momentum, self.epsilon = momentum, epsilon
        self.params["gamma"] = np.ones(channels, np.float32)
        self.params["beta"] = np.zeros(channels, np.float32)
        self.state["moving_mean"] = np.zeros(channels, np.float32)
        self.state["moving_variance"] = np.ones(channels, np.float32)

    def _channel_sums(self, rows: np.ndarray) -> np.ndarray:
        channels = len(self.params["gamma"])
        return np.ones(rows.size // channels, rows.dtype) @ rows.reshape(-1, channels)  # one matrix-vector product

    def _tiled(self, vector: np.ndarray) -> np.ndarray:
        return np.tile(vector, self.repeats)  # one value per channel, repeated along a row of W * C values

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Normalise with the batch's statistics (training) or the running averages (inference)."""
        channels = x.shape[-1]
        rows = x.reshape(-1, x.shape[-2] * channels) if x.ndim > 2 else x  # (N * H, W * C)
        self.shape, self.repeats, self.training = x.shape, rows.shape[1] // channels, training
        self.count = x.size // channels  # m: values per channel
        if training:
            mean = self._channel_sums(rows) / self.count
            centred = rows - self._tiled(mean)
            variance = self._channel_sums(centred * centred) / self.count
            keep = self.momentum
            self.state["moving_mean"] = keep * self.state["moving_mean"] + (1 - keep) * mean
            self.state["moving_variance"] = keep * self.state["moving_variance"] + (1 - keep) * variance
        else:
            variance = self.state["moving_variance"]
            centred = rows - self._tiled(self.state["moving_mean"])
        self.inv_std = 1 / np.sqrt(variance + self.epsilon)
        self.x_hat = centred * self._tiled(self.inv_std)
        y = self.x_hat * self._tiled(self.params["gamma"]) + self._tiled(self.params["beta"])
        return y.reshape(self.shape)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """The formula above (training), or g * gamma / sqrt(moving_var + eps) (inference)."""
        rows = grad.reshape(self.x_hat.shape)
        self.grads["beta"] = self._channel_sums(rows)
        self.grads["gamma"] = self._channel_sums(rows * self.x_hat)
        scale = self._tiled(self.params["gamma"] * self.inv_std)
        if not self.training:
            return (rows * scale).reshape(self.shape)
        mean_parts = self._tiled(self.grads["beta"] / self.count) + self.x_hat * self._tiled(
            self.grads["gamma"] / self.count)
        return (scale * (rows - mean_parts)).reshape(self.shape)


show_errors("BatchNorm, training", check_layer(BatchNorm(3), rng.standard_normal((4, 3, 3, 3)) * 2 + 1))
show_errors("BatchNorm, inference", check_layer(BatchNorm(3), rng.standard_normal((4, 3, 3, 3)), training=False))

# %% [markdown]
# What it does to real feature maps: the 8 channels of the convolution above, before and after, in training mode.

# %%
norm = BatchNorm(8)
maps = layer.forward(digits)
normalised = norm.forward(maps, training=True)
print("per-channel mean before:", np.round(maps.mean(axis=(0, 1, 2)), 3))
print("per-channel std before: ", np.round(maps.std(axis=(0, 1, 2)), 3))
print("after: means within", f"{np.abs(normalised.mean(axis=(0, 1, 2))).max():.0e}", "of 0, stds",
      np.round(normalised.std(axis=(0, 1, 2)), 3))

# %% [markdown]
# ## 9. Dropout, inverted
#
# In training, dropout zeroes each value with probability `p` (the rate), independently; in inference it does
# nothing. If it only zeroed values, the next layer would see inputs about `1 − p` times as large in training as
# in inference. **Inverted dropout** divides the kept values by `1 − p` in training, so the expected value of every
# output equals its input and inference needs no correction. Keras's `Dropout` does this. Backward, the gradient
# flows through the kept values, with the same mask and the same scaling.

# %%
class Dropout(Layer):  # @save
    """Inverted dropout: in training, zero each value with probability rate, divide the rest by 1 - rate."""

    def __init__(self, rate: float, rng: np.random.Generator) -> None:
        super().__init__()
        self.rate, self.rng = rate, rng

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """x * mask, mask in {0, 1 / (1 - rate)} (training); x itself (inference)."""
        if not training or self.rate == 0:
            self.mask = None
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.rate
        self.mask = keep / np.float32(1 - self.rate)
        return x * self.mask

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """The same mask, the same scaling."""
        return grad if self.mask is None else grad * self.mask


dropout = Dropout(0.25, np.random.default_rng(SEED))
activations = np.maximum(maps, 0).reshape(len(maps), -1)
dropped = dropout.forward(activations, training=True)
print(f"zeroed: {np.mean(dropout.mask == 0):.3f} of the values (rate 0.25); mean activation "
      f"{activations.mean():.4f} before, {dropped.mean():.4f} after (inverted: kept values x {1 / 0.75:.3f})")
print("inference leaves the input untouched:", np.array_equal(dropout.forward(activations), activations))

# %% [markdown]
# ## 10. The loss: softmax cross-entropy, stable
#
# The network ends with 10 logits `z`. Softmax turns them into probabilities `pₖ = e^{zₖ} / Σⱼ e^{zⱼ}`, and the
# loss for a digit of class `y` is `−log p_y`, averaged over the batch. Two facts matter:
#
# - **Stability.** `e^{1000}` overflows. Subtracting the row's largest logit first changes nothing
#   mathematically (it cancels in the fraction) and keeps every exponent ≤ 0; then `log p = z − max − log Σ e^{z−max}`.
# - **The gradient is simple:** `∂L/∂zₖ = (pₖ − [k = y]) / N`. The probabilities, minus 1 at the true class,
#   divided by the batch size because the loss is a mean. Keras computes the same with
#   `SparseCategoricalCrossentropy(from_logits=True)`.

# %%
def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:  # @save
    """Mean cross-entropy of integer labels (N,) under softmax(logits) (N, K), and its gradient dL/dlogits (N, K)."""
    shifted = logits - logits.max(axis=1, keepdims=True)  # every exponent <= 0: no overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    grad = np.exp(log_probs)
    grad[rows, labels] -= 1
    return float(-log_probs[rows, labels].mean()), grad / len(labels)


huge = np.array([[1000.0, 0.0, -1000.0]])
with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # NumPy would warn; the result says it all
    naive = -np.log(np.exp(huge[0, 1]) / np.exp(huge).sum())  # exp(1000) is inf, so p = 1 / inf = 0, -log 0 = inf
print("loss for logits (1000, 0, -1000), true class 1:", softmax_cross_entropy(huge, np.array([1]))[0],
      "· the naive formula gives", naive)
logits = rng.standard_normal((5, 10))
labels = rng.integers(0, 10, 5)
analytic = softmax_cross_entropy(logits, labels)[1]
numeric = numerical_gradient(lambda: softmax_cross_entropy(logits, labels)[0], logits)
show_errors("softmax cross-entropy", {"logits": relative_error(analytic, numeric)})

# %% [markdown]
# ## 11. The network and its optimisers
#
# `Sequential` runs the layers forward in order and backward in reverse. The network is 02's idea at its
# smallest: one convolution block and a classifier.
#
# `Conv2D(8, 3×3)` → `BatchNorm` → `ReLU` → `MaxPool2D(2)` → `Flatten` → `Dropout(0.25)` → `Dense(10)`
#
# The optimisers follow Keras's update rules exactly (`keras/src/optimizers/sgd.py` and `adam.py`), for each
# weight `w` with gradient `g` at step `t = 1, 2, …`:
#
# - **SGD with momentum**: `v ← μ·v − η·g`, then `w ← w + v` (μ = `momentum`, η = learning rate).
# - **Adam**: `m ← m + (1 − β₁)(g − m)`, `v ← v + (1 − β₂)(g² − v)`, then
#   `w ← w − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)`, with Keras's β₁ = 0.9, β₂ = 0.999, ε = 1e-7. The factor with
#   `t` corrects `m` and `v`, which start at 0, for their bias toward 0 in the first steps.
#
# A learning rate can be a number or, as in the Keras notebooks, a schedule: a function of the step.

# %%
class Sequential:  # @save
    """Layers run forward in order and backward in reverse."""

    def __init__(self, layers: list[Layer]) -> None:
        self.layers = list(layers)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """The logits."""
        for layer in self.layers:
            x = layer.forward(x, training)
        return x

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fills every layer's grads; returns dL/dinput."""
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def weights(self) -> list[tuple[int, str, Layer]]:
        """(layer index, name, layer) for every trained weight."""
        return [(index, name, layer) for index, layer in enumerate(self.layers) for name in layer.params]


def build_scratch_cnn(rng: np.random.Generator, filters: int = 8, rate: float = 0.25,  # @save
                      batchnorm: bool = True) -> Sequential:
    """This notebook's CNN: Conv2D(3x3) -> BatchNorm -> ReLU -> MaxPool2D(2) -> Flatten -> Dropout -> Dense(10)."""
    norm = [BatchNorm(filters)] if batchnorm else []
    return Sequential([Conv2D(1, filters, 3, rng, use_bias=not batchnorm), *norm, ReLU(), MaxPool2D(2), Flatten(),
                       Dropout(rate, rng), Dense(13 * 13 * filters, 10, rng)])


class SGD:  # @save
    """Keras's SGD: v = momentum * v - lr * g; w = w + v (plain w -= lr * g without momentum)."""

    def __init__(self, learning_rate: object = 0.01, momentum: float = 0.0) -> None:
        self.learning_rate, self.momentum = learning_rate, momentum
        self.iterations, self.velocity = 0, {}

    def step(self, net: Sequential) -> None:
        """One update of every weight from its gradient."""
        rate = self.learning_rate(self.iterations) if callable(self.learning_rate) else self.learning_rate
        self.iterations += 1
        for index, name, layer in net.weights():
            grad, weight = layer.grads[name], layer.params[name]
            if self.momentum:
                velocity = self.velocity.setdefault((index, name), np.zeros_like(weight))
                velocity[...] = self.momentum * velocity - rate * grad
                weight += velocity
            else:
                weight -= rate * grad


class Adam:  # @save
    """Keras's Adam: bias-corrected moving averages of g and g**2; beta_1 0.9, beta_2 0.999, epsilon 1e-7."""

    def __init__(self, learning_rate: object = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7) -> None:
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = learning_rate, beta_1, beta_2, epsilon
        self.iterations, self.m, self.v = 0, {}, {}

    def step(self, net: Sequential) -> None:
        """One update of every weight from its gradient."""
        rate = self.learning_rate(self.iterations) if callable(self.learning_rate) else self.learning_rate
        self.iterations += 1
        t = self.iterations
        alpha = rate * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        for index, name, layer in net.weights():
            grad, weight = layer.grads[name], layer.params[name]
            m = self.m.setdefault((index, name), np.zeros_like(weight))
            v = self.v.setdefault((index, name), np.zeros_like(weight))
            m += (grad - m) * (1 - self.beta_1)
            v += (grad * grad - v) * (1 - self.beta_2)
            weight -= (alpha * m / (np.sqrt(v) + self.epsilon)).astype(weight.dtype)


net = build_scratch_cnn(np.random.default_rng(SEED))
print(" -> ".join(type(layer).__name__ for layer in net.layers))
print("trained weights:", sum(layer.params[name].size for _, name, layer in net.weights()))

# %% [markdown]
# ## 12. The whole network, gradient-checked
#
# Each layer passed alone; the chain must pass too. On 4 real digits, in float64, BatchNorm in training mode and
# dropout on: the dropout generator is reset before every forward pass, so that every evaluation of the loss uses
# the same mask. A smaller copy of the network (2 filters) keeps the number of forward passes small.

# %%
def check_network(net: Sequential, x: np.ndarray, labels: np.ndarray, seed: int = 0) -> dict[str, float]:  # @save
    """Relative error of every weight's backpropagated gradient against finite differences (float64)."""
    for layer in net.layers:
        layer.params.update({name: value.astype(np.float64) for name, value in layer.params.items()})
    saved = [{name: value.copy() for name, value in layer.state.items()} for layer in net.layers]
    dropouts = [layer for layer in net.layers if isinstance(layer, Dropout)]

    def logits() -> np.ndarray:
        for layer, state in zip(net.layers, saved, strict=True):
            layer.state.update({name: value.copy() for name, value in state.items()})
        for layer in dropouts:
            layer.rng = np.random.default_rng(seed)  # the same mask in every evaluation
        return net.forward(x.astype(np.float64), training=True)

    def loss() -> float:
        return softmax_cross_entropy(logits(), labels)[0]

    net.backward(softmax_cross_entropy(logits(), labels)[1])
    analytic = {(index, name): layer.grads[name].copy() for index, name, layer in net.weights()}
    return {f"{type(layer).__name__}.{name}": relative_error(analytic[index, name],
                                                             numerical_gradient(loss, layer.params[name]))
            for index, name, layer in net.weights()}


errors = check_network(build_scratch_cnn(np.random.default_rng(SEED), filters=2), digits[:4], fit_labels[:4])
for name, error in errors.items():
    print(f"{name:<18} relative error {error:.1e}")
results.expect("largest_network_gradient_error", max(errors.values()), full=(0.0, 1e-5))

# %% [markdown]
# ## 13. Equal to Keras, step for step
#
# A from-scratch network is only as good as the proof that it computes what the library computes. The same
# architecture in Keras, with our starting weights copied in:
#
# 1. the same logits and loss on a batch, and the same gradients (from `tf.GradientTape`);
# 2. after 20 training steps on the same batches, with SGD with momentum and, separately, with Adam, the same
#    weights and the same BatchNorm running averages.
#
# Dropout draws its mask from a different generator in each library, so the comparison uses rate 0; section 9 and
# the tests check dropout on its own. How close is close enough? Float32 keeps about 7 significant digits, and the
# two libraries add in different orders, so single results differ in their last digits: we allow 1e-4 on the logits
# (relative to the largest). Gradients lose more: BatchNorm's backward pass subtracts two means from the gradient,
# and where they nearly cancel few significant digits remain, so we allow 1e-3 on each weight's gradient (relative
# to its largest entry).
#
# Training steps let differences grow, and in float32 they can jump: a last-digit difference can flip a ReLU or a
# max-pooling winner, and the two runs then take slightly different steps from there (over 20 SGD steps we saw
# float32 weights differ by up to 1e-3 on some seeds). So the 20-step comparison runs in **float64**, where both
# libraries round a billion times more finely:
#
# - **SGD** (learning rate 0.01, momentum 0.9) moves every weight in proportion to its gradient: we allow 1e-6 on
#   the weights after 20 steps (over seeds 1 to 5 and 42 we measured at most 5e-8).
# - **Adam** divides each step by `√v + ε`. For a weight whose gradient is almost 0, that quotient is made of
#   rounding errors, yet the step can still be a sizeable fraction of the learning rate; and Keras's Adam step
#   differs from the formula above by a relative 7e-6 (it rounds something in float32). We allow 1e-4 (measured:
#   at most 2.2e-5), still 30 times smaller than one step of 0.003.
#
# `tests/test_numpy_net.py` repeats all of this in float64, where logits, loss and gradients agree to better than
# 1e-10.

# %%
def keras_twin(net: Sequential) -> object:  # @save
    """The same network in Keras, with net's weights and BatchNorm state copied in (needs TensorFlow)."""
    import keras

    dtype = str(net.layers[0].params["kernel"].dtype)  # float32, or float64 for the tests
    twins = {"Conv2D": lambda layer: keras.layers.Conv2D(layer.params["kernel"].shape[-1], layer.size,
                                                         use_bias="bias" in layer.params, dtype=dtype),
             "BatchNorm": lambda layer: keras.layers.BatchNormalization(momentum=layer.momentum,
                                                                         epsilon=layer.epsilon, dtype=dtype),
             "ReLU": lambda layer: keras.layers.ReLU(dtype=dtype),
             "MaxPool2D": lambda layer: keras.layers.MaxPooling2D(layer.size, dtype=dtype),
             "Flatten": lambda layer: keras.layers.Flatten(dtype=dtype),
             "Dropout": lambda layer: keras.layers.Dropout(layer.rate, dtype=dtype),
             "Dense": lambda layer: keras.layers.Dense(layer.params["kernel"].shape[-1], dtype=dtype)}
    model = keras.Sequential([keras.Input((28, 28, 1), dtype=dtype)]
                             + [twins[type(layer).__name__](layer) for layer in net.layers])
    for layer, twin in zip(net.layers, model.layers, strict=True):
        twin.set_weights([*layer.params.values(), *layer.state.values()])  # Keras's order: BN's gamma, beta, means
    return model


# %%
if tf is None:
    results.show_verified("largest_logit_difference_vs_keras")
else:
    twin_net = build_scratch_cnn(np.random.default_rng(SEED), rate=0.0)
    twin = keras_twin(twin_net)
    batch, batch_labels = as_floats(fit_images[:64]), fit_labels[:64]
    ours_logits = twin_net.forward(batch, training=True)
    ours_loss, ours_dlogits = softmax_cross_entropy(ours_logits, batch_labels)
    twin_net.backward(ours_dlogits)
    keras_loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        keras_logits = twin(batch, training=True)
        keras_loss = keras_loss_fn(batch_labels, keras_logits)
    keras_grads = tape.gradient(keras_loss, twin.trainable_variables)
    ours_grads = [layer.grads[name] for _, name, layer in twin_net.weights()]
    logit_difference = float(np.abs(ours_logits - keras_logits.numpy()).max() / np.abs(keras_logits.numpy()).max())
    grad_error = max(float(np.abs(a - b.numpy()).max() / np.abs(b.numpy()).max())
                     for a, b in zip(ours_grads, keras_grads, strict=True))
    print(f"loss: NumPy {ours_loss:.6f}, Keras {float(keras_loss):.6f}")
    print(f"largest differences, relative to the largest entry: logits {logit_difference:.1e}, gradients "
          f"{grad_error:.1e}")
    results.record(expect={"largest_logit_difference_vs_keras": (logit_difference, (0.0, 1e-4)),
                           "largest_gradient_difference_vs_keras": (grad_error, (0.0, 1e-3))})

# %% [markdown]
# Now 20 steps with each optimiser, on the same 20 batches, in float64, and the weights compared at the end:

# %%
def all_weights(net: Sequential) -> list[np.ndarray]:
    """(extra code) every weight and BatchNorm average of the NumPy net, in the order Keras lists its twin's"""
    return [value for layer in net.layers for value in [*layer.params.values(), *layer.state.values()]]


def twenty_steps(make_optimisers: object) -> tuple[float, float]:
    """(extra code) train the NumPy net and its Keras twin 20 steps in float64; largest weight change and difference"""
    steps_net = build_scratch_cnn(np.random.default_rng(SEED), rate=0.0)
    for layer in steps_net.layers:
        layer.params.update({name: value.astype(np.float64) for name, value in layer.params.items()})
        layer.state.update({name: value.astype(np.float64) for name, value in layer.state.items()})
    default_dtype = keras.config.floatx()
    keras.config.set_floatx("float64")  # Keras's loss and optimiser variables in float64 too; restored below
    try:
        steps_twin = keras_twin(steps_net)
        start = [value.copy() for value in all_weights(steps_net)]
        ours_optimiser, keras_optimiser = make_optimisers()
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        for step in range(20):
            batch = as_floats(fit_images[step * 32:(step + 1) * 32]).astype(np.float64)
            batch_labels = fit_labels[step * 32:(step + 1) * 32]
            steps_net.backward(softmax_cross_entropy(steps_net.forward(batch, training=True), batch_labels)[1])
            ours_optimiser.step(steps_net)
            with tf.GradientTape() as tape:
                loss = loss_fn(batch_labels, steps_twin(batch, training=True))
            grads = tape.gradient(loss, steps_twin.trainable_variables)
            keras_optimiser.apply_gradients(zip(grads, steps_twin.trainable_variables, strict=True))
        theirs = [variable.numpy() for variable in steps_twin.weights]
    finally:
        keras.config.set_floatx(default_dtype)
    ours = all_weights(steps_net)
    moved = max(float(np.abs(now - then).max()) for now, then in zip(ours, start, strict=True))
    return max(float(np.abs(a - b).max()) for a, b in zip(ours, theirs, strict=True)), moved


if tf is None:
    results.show_verified("weight_difference_after_sgd", "weight_difference_after_adam")
else:
    sgd_gap, sgd_moved = twenty_steps(lambda: (SGD(0.01, momentum=0.9),
                                               keras.optimizers.SGD(0.01, momentum=0.9)))
    adam_gap, adam_moved = twenty_steps(lambda: (Adam(0.003), keras.optimizers.Adam(0.003)))
    print(f"SGD with momentum: weights moved up to {sgd_moved:.3f}, and differ from Keras's by at most {sgd_gap:.1e}")
    print(f"Adam:              weights moved up to {adam_moved:.3f}, and differ from Keras's by at most {adam_gap:.1e}")
    results.record(expect={"weight_difference_after_sgd": (sgd_gap, (0.0, 1e-6)),
                           "weight_difference_after_adam": (adam_gap, (0.0, 1e-4))})

# %% [markdown]
# ## 14. Training on MNIST
#
# The training loop is the one `model.fit` runs: each epoch, shuffle; for each batch, forward, loss, backward, one
# optimiser step. Every few hundred steps, it measures the validation accuracy in inference mode. The recipe is
# the course's: Adam at 0.003 with a cosine schedule down to 0, batches of 64, 2 epochs.

# %%
import copy


def predict(net: Sequential, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:  # @save
    """Predicted classes of uint8 images (N, 28, 28), in inference mode, a batch at a time."""
    return np.concatenate([net.forward(as_floats(images[start:start + batch_size])).argmax(axis=1)
                           for start in range(0, len(images), batch_size)])


def cosine_schedule(rate: float, total_steps: int) -> object:  # @save
    """Keras's CosineDecay(rate, total_steps): rate * (1 + cos(pi * step / total_steps)) / 2, then 0."""
    return lambda step: rate * 0.5 * (1 + np.cos(np.pi * min(step, total_steps) / total_steps))


def fit(net: Sequential, optimiser: object, images: np.ndarray, labels: np.ndarray, epochs: int,  # @save
        batch_size: int, rng: np.random.Generator, validation: tuple | None = None, every: int = 200) -> dict:
    """Mini-batch training; returns per-step losses and (step, accuracy) checkpoints on the validation data."""
    history: dict[str, list] = {"loss": [], "validation": []}
    step = 0
    for _ in range(epochs):
        order = rng.permutation(len(images))
        for start in range(0, len(images), batch_size):
            chosen = order[start:start + batch_size]
            loss, grad = softmax_cross_entropy(net.forward(as_floats(images[chosen]), training=True), labels[chosen])
            net.backward(grad)
            optimiser.step(net)
            history["loss"].append(loss)
            step += 1
            at_epoch_end = start + batch_size >= len(images)
            if validation is not None and (step % every == 0 or at_epoch_end):
                history["validation"].append((step, float(np.mean(predict(net, validation[0]) == validation[1]))))
    return history


EPOCHS, BATCH_SIZE, LEARNING_RATE = 2, 64, 0.003
steps_per_epoch = -(-len(fit_images) // BATCH_SIZE)  # ceil
net = build_scratch_cnn(np.random.default_rng(SEED))
start_net = copy.deepcopy(net)  # the same starting weights, for Keras below
with Timer() as numpy_time:
    history = fit(net, Adam(cosine_schedule(LEARNING_RATE, EPOCHS * steps_per_epoch)), fit_images, fit_labels,
                  EPOCHS, BATCH_SIZE, np.random.default_rng(SEED), validation=(validation_images, validation_labels))
numpy_accuracy = float(np.mean(predict(net, test_images) == test_labels))
print(f"NumPy: {EPOCHS} epochs of {len(fit_images):,} images in {numpy_time}; test accuracy {numpy_accuracy:.4f}")
results.record(numpy_seconds=numpy_time.seconds, expect={"numpy_test_accuracy": (numpy_accuracy, (0.97, 1.0))})

# %% [markdown]
# ## 15. The same model in Keras, side by side
#
# The Keras twin of the network above, from the **same starting weights**, trained with the same recipe: Adam,
# `CosineDecay(0.003)` over the same number of steps, batches of 64, 2 epochs, dropout 0.25. The batches and the
# dropout masks differ (each library draws its own), so the two runs are not identical, only equivalent.

# %%
if tf is None:
    results.show_verified("keras_test_accuracy")
    keras_history = None
else:
    from course_utils.models import compile_with_cosine  # notebook 02's recipe

    model = keras_twin(start_net)  # logits out, like our net: the loss applies the softmax
    compile_with_cosine(model, rate=LEARNING_RATE, steps=EPOCHS * steps_per_epoch, from_logits=True,
                        steps_per_execution=1)  # one step per call from Python, as our NumPy loop takes them

    def batches(images: np.ndarray, labels: np.ndarray, shuffle: bool = False) -> object:
        """(extra code) a tf.data pipeline that scales each batch when it is used, as as_floats does"""
        dataset = tf.data.Dataset.from_tensor_slices((images, labels))
        dataset = dataset.shuffle(len(images), seed=SEED) if shuffle else dataset
        return dataset.batch(BATCH_SIZE).map(lambda x, y: (tf.cast(x[..., tf.newaxis], tf.float32) / 255, y))

    with Timer() as keras_time:
        keras_history = model.fit(batches(fit_images, fit_labels, shuffle=True), epochs=EPOCHS, verbose=0,
                                  validation_data=batches(validation_images, validation_labels)).history
    keras_accuracy = float(model.evaluate(batches(test_images, test_labels), verbose=0)[1])
    print(f"{'':<7}{'time':>10}{'test accuracy':>15}")
    print(f"{'NumPy':<7}{str(numpy_time):>10}{numpy_accuracy:>15.4f}")
    print(f"{'Keras':<7}{str(keras_time):>10}{keras_accuracy:>15.4f}")
    results.record(keras_seconds=keras_time.seconds, expect={"keras_test_accuracy": (keras_accuracy, (0.97, 1.0))})

# %% [markdown]
# The learning curves: the NumPy network's loss at every step (smoothed over 50 steps) and its validation accuracy
# every 200 steps. Keras reports the mean loss over each epoch, which includes the high losses of the epoch's
# first steps, so the NumPy network's epoch means are drawn beside it (circles) for a like-for-like comparison.
# Keras's points appear where TensorFlow is available.

# %%
def smoothed(values: list[float], width: int = 50) -> np.ndarray:
    """(extra code) the running mean over `width` steps"""
    values = np.asarray(values, dtype=float)
    width = max(1, min(width, len(values)))
    return np.convolve(values, np.ones(width) / width, mode="valid")


figure, (loss_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(11, 3.6))
curve = smoothed(history["loss"])
loss_axis.plot(np.arange(len(curve)) + len(history["loss"]) - len(curve) + 1, curve, label="NumPy (50-step mean)")
epoch_ends = [steps_per_epoch * (epoch + 1) for epoch in range(EPOCHS)]
epoch_means = [np.mean(history["loss"][end - steps_per_epoch:end]) for end in epoch_ends]
loss_axis.plot(epoch_ends, epoch_means, "o", color="C0", markersize=11, markerfacecolor="none",
               label="NumPy (epoch mean)")
steps, accuracies = zip(*history["validation"], strict=True)
accuracy_axis.plot(steps, accuracies, marker=".", label="NumPy")
if keras_history is not None:
    loss_axis.plot(epoch_ends, keras_history["loss"], "s", color="C1", label="Keras (epoch mean)")
    accuracy_axis.plot(epoch_ends, keras_history["val_accuracy"], "s", color="C1", label="Keras")
loss_axis.set(xlabel="training step", ylabel="training loss", yscale="log", title="Loss")
accuracy_axis.set(xlabel="training step", ylabel="validation accuracy", title="Validation accuracy",
                  ylim=(max(0.8, min(accuracies) - 0.01), 1.0))
for axis in (loss_axis, accuracy_axis):
    axis.legend()
    axis.grid(alpha=0.3)
figure.tight_layout()
plt.show()

# %% [markdown]
# Both reach the same accuracy band from the same starting weights; the printout above gives the times on this
# machine (NumPy uses the CPU only; on a GPU, Keras pulls far ahead). For a network this small, most of NumPy's work
# is moving arrays around rather than multiplying them: `benchmarks/numpy_training.py` times one epoch of each side
# by side and says where NumPy's time goes (BatchNorm, pooling, im2col, matrix products; see docs/speed.md).

# %% [markdown]
# ## 16. Common mistake: predicting in training mode
#
# `forward(x, training=True)` at test time looks harmless: the same network, the same weights. It is not the same
# function. Dropout zeroes a quarter of the features, so the same image can get a different answer each time, and
# BatchNorm normalises with the statistics of whatever else is in the batch instead of the training set's. The
# worst case is an app that classifies **one image at a time**: each image is then normalised by its own mean and
# variance, which removes exactly the brightness and contrast differences the network learned to expect. In Keras
# this is `model(x, training=True)`, or a custom loop that forgets to pass `training=False`.
#
# On a copy of the trained network (training mode also overwrites the running averages), the first 2,000 test
# digits, one at a time:

# %%
sample_images, sample_labels = test_images[:2_000], test_labels[:2_000]
careless = copy.deepcopy(net)
one_at_a_time = [np.array([careless.forward(as_floats(sample_images[i:i + 1]), training=True).argmax()
                           for i in range(len(sample_images))]) for _ in range(2)]
inference_accuracy = float(np.mean(predict(net, sample_images) == sample_labels))
training_mode_accuracy = float(np.mean(one_at_a_time[0] == sample_labels))
changed = float(np.mean(one_at_a_time[0] != one_at_a_time[1]))
print(f"inference mode:                  accuracy {inference_accuracy:.4f}")
print(f"training mode, one at a time:    accuracy {training_mode_accuracy:.4f}")
print(f"answers that change when the same images are classified again: {changed:.1%}")
results.record(
    inference_accuracy=inference_accuracy,
    training_mode_accuracy=training_mode_accuracy,
    training_mode_cost=inference_accuracy - training_mode_accuracy,
    claims={"training_mode_hurts": (
        training_mode_accuracy < inference_accuracy - 0.02,
        "predicting one image at a time in training mode costs more than 0.02 of accuracy")},
)

# %% [markdown]
# Training mode, one image at a time, cost the network 0.044<!-- value: training_mode_cost --> of accuracy in the
# course's run, and its answers are no longer a function of the image. The fix is one argument: `training=False`
# for everything that is not a training step (Keras's `predict` and `evaluate` pass it for you).

# %% [markdown]
# ## 17. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb11 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1. The gradient of softmax cross-entropy.** Write `softmax_ce_gradient(logits, labels)`: the gradient
# of the *mean* cross-entropy with respect to the logits, shape `(N, K)`, for integer labels `(N,)`. Make it stable
# for large logits.

# %%
def softmax_ce_gradient(logits, labels):
    ...  # your code here


ex.q1.check(softmax_ce_gradient)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2. BatchNorm's backward pass.** For a batch `(N, C)` in training mode, write
# `batchnorm_backward(grad, x_hat, gamma, inv_std)`, returning `∂L/∂x` from `g = ∂L/∂y`, the normalised inputs
# `x̂`, `γ` and `1 / √(σ²_B + ε)` (both `(C,)`). Section 8 has the formula.

# %%
def batchnorm_backward(grad, x_hat, gamma, inv_std):
    ...  # your code here


ex.q2.check(batchnorm_backward)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3. Inverted dropout.** Write `inverted_dropout(x, rate, rng)`: training-mode dropout of an array `x`,
# drawing from the NumPy generator `rng`. Leave `x` itself unchanged.

# %%
def inverted_dropout(x, rate, rng):
    ...  # your code here


ex.q3.check(inverted_dropout)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. What does BatchNorm buy this network?** Change one thing: build the network without
# BatchNorm (`build_scratch_cnn(np.random.default_rng(SEED), batchnorm=False)`; its convolution gets a bias
# instead) and train it for the **first epoch** of the same recipe: the same schedule over
# `EPOCHS * steps_per_epoch` steps, the same batches (`np.random.default_rng(SEED)`), `epochs=1`. Compare its
# validation accuracy at the end of that epoch with the BatchNorm network's at the same step (`history`).

# %% tags=["stretch-answer"]
no_bn_net = ...  # build_scratch_cnn(..., batchnorm=False)
no_bn_history = ...  # fit(no_bn_net, ..., epochs=1, ...) with validation=(validation_images, validation_labels)

# %% [markdown]
# Without BatchNorm, is the validation accuracy after one epoch `"higher"`, `"lower"` or `"about the same"`?
# Count a difference within ±0.005 as the same: one run each cannot resolve less.

# %% tags=["stretch-answer"]
no_bn_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(no_bn_verdict, model=no_bn_net, run=no_bn_history, baseline=history,
                 steps_per_epoch=steps_per_epoch)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - A layer is a forward pass that remembers and a backward pass that applies the chain rule; a network runs
#   them in order and in reverse. Our seven layers, the loss and two optimisers fit in a few hundred lines of NumPy.
# - Finite differences prove a backward pass: relative errors of about 1e-7 or less in float64 for every layer and
#   for the whole network.
# - BatchNorm normalises each channel with the batch's mean and variance in training, then scales by γ and
#   shifts by β; inference uses running averages (momentum 0.99). Its backward pass goes through the batch
#   statistics too.
# - Inverted dropout divides what it keeps by 1 − p, so inference needs no change.
# - Softmax cross-entropy is stable after subtracting the largest logit; its gradient is `(p − y) / N`.
# - The NumPy network equals Keras's: the same logits, loss and gradients, and the same weights after 20 steps of
#   SGD with momentum or Adam.
# - Trained on MNIST for 2 epochs, it reached 0.976<!-- value: numpy_test_accuracy --> test accuracy, and its Keras
#   twin 0.977<!-- value: keras_test_accuracy -->; section 15 prints both training times on your machine. The cost:
#   writing and proving every layer yourself, and a network that does only what you wrote (no GPU, no other layer
#   types).
# - Predicting in training mode, one image at a time, cost 0.044<!-- value: training_mode_cost --> of accuracy on
#   2,000 test digits.
#
# **Next: [12 · residual connections](12_residual_connections.ipynb)** goes deeper than any network so far, and
# shows why plain stacks of layers stop working. You can now read any Keras model as the NumPy above: go back to
# **[03 · deeper CNN](03_deeper_cnn.ipynb)**, whose `BatchNormalization` and `Dropout` layers you have now written
# yourself.
