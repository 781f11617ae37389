"""Convolution and pooling in NumPy, matching TensorFlow/Keras exactly.

Two versions of each operation, with the same signatures:

- ``conv2d_naive``, ``max_pool2d_naive``, ``avg_pool2d_naive``: plain loops, written to be read;
- ``conv2d``, ``max_pool2d``, ``avg_pool2d``: vectorized with ``sliding_window_view``, written to be fast.

``im2col`` lays every window of a batch out as a row, so that a convolution is one matrix product, and ``col2im``
adds rows back onto their windows (the input gradient); notebook 11's ``Conv2D`` layer is built on the two.

Shapes: ``image`` is ``(H, W)`` with a ``(kh, kw)`` kernel, giving ``(H', W')``; or ``(H, W, C)`` with kernels
``(kh, kw, C, F)``, giving ``(H', W', F)``; or a batch ``(N, H, W, C)``, giving ``(N, H', W', F)``, equal to
``tf.nn.conv2d``. ``conv2d`` is a cross-correlation (no kernel flip), as in ``Conv2D``. Pooling takes ``(H, W)``,
``(H, W, C)`` or ``(N, H, W, C)`` and keeps the form.

Backward passes: given ``grad_output``, the gradient of a loss with respect to a forward result, shaped like that
result, ``conv2d_backward`` returns the gradients with respect to the image and the kernel, and
``max_pool2d_backward`` / ``avg_pool2d_backward`` the gradient with respect to the input: what
``tf.GradientTape`` computes for the same operation. Max pooling sends each window's gradient to its maximum (the
first one in row-major order on a tie, as TensorFlow does); average pooling shares it among the cells it counted.

Padding follows TensorFlow: ``"valid"`` uses only full windows; ``"same"`` gives ``ceil(H / stride)`` outputs and
pads ``total = max((out - 1) * stride + k - H, 0)`` cells, ``total // 2`` before and the rest after (so the
extra cell goes after for even kernels). Max pooling ignores padded cells; average pooling does not count them.

Integer inputs give float results, so nothing overflows or wraps around. NaN and inf behave as in TensorFlow:
in ``conv2d`` and average pooling a NaN in the window gives NaN, and ``0 * inf`` is NaN; max pooling skips NaN,
and a window with nothing above the dtype's lowest finite value (all NaN or -inf) gives that lowest value.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

PADDINGS = ("valid", "same")


# ---------------------------------------------------------------------------
# Output sizes and padding
# ---------------------------------------------------------------------------


def output_size(size: int, window: int, stride: int = 1, padding: str = "valid") -> int:
    """Length of the output along one axis, with TensorFlow's rules."""
    if padding == "same":
        return math.ceil(size / stride)
    return (size - window) // stride + 1


def same_padding(size: int, window: int, stride: int = 1) -> tuple[int, int]:
    """Cells TensorFlow pads (before, after) along one axis for ``padding="same"``."""
    total = max((output_size(size, window, stride, "same") - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


# ---------------------------------------------------------------------------
# Argument checks: every message says what is wrong and what is expected
# ---------------------------------------------------------------------------


def _as_numeric_array(value: object, name: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise TypeError(f"{name} must be a numeric array, got dtype {array.dtype}")
    if np.iscomplexobj(array):
        raise TypeError(f"{name} must be real-valued, got dtype {array.dtype}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); it needs at least one value on every axis")
    return array


def _pair(value: object, name: str) -> tuple[int, int]:
    values = value if isinstance(value, (tuple, list)) else (value, value)
    if len(values) != 2:
        raise ValueError(f"{name} must be an int or a pair (rows, columns), got {value!r}")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name} must be a whole number (or a pair of them), got {value!r}")
        if v < 1:
            raise ValueError(f"{name} must be at least 1, got {value!r}")
    return int(values[0]), int(values[1])


def _padding(padding: object) -> str:
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same' (as in Keras), got {padding!r}")
    return mode


def _check_fits(shape: tuple[int, int], window: tuple[int, int], padding: str, what: str) -> None:
    if padding == "valid" and (window[0] > shape[0] or window[1] > shape[1]):
        raise ValueError(
            f"the {window[0]}x{window[1]} {what} is larger than the {shape[0]}x{shape[1]} input, so with "
            "padding='valid' it fits nowhere. Use padding='same' or a smaller window"
        )


def _conv_args(
    image: object, kernel: object, stride: object, padding: object
) -> tuple[np.ndarray, np.ndarray, tuple[int, int], str, str]:
    """Validate conv2d arguments; return (image NHWC, kernel HWCF, stride, padding, form), both as floats."""
    image = _as_numeric_array(image, "image")
    kernel = _as_numeric_array(kernel, "kernel")
    if image.ndim == 2:
        if kernel.ndim != 2:
            raise ValueError(
                f"a 2-D image (H, W) needs a 2-D kernel (kh, kw), got kernel shape {kernel.shape}. "
                "For (kh, kw, C, F) kernels, give the image a channel axis: image[..., np.newaxis]"
            )
        image, kernel, form = image[np.newaxis, ..., np.newaxis], kernel[..., np.newaxis, np.newaxis], "HW"
    elif image.ndim in (3, 4):
        form = "HWC" if image.ndim == 3 else "NHWC"
        if kernel.ndim != 4:
            raise ValueError(
                f"an {form} image (shape {image.shape}) needs kernels shaped (kh, kw, C, F), got kernel shape "
                f"{kernel.shape}"
            )
        if kernel.shape[2] != image.shape[-1]:
            raise ValueError(
                f"channel mismatch: the image has {image.shape[-1]} channels (shape {image.shape}) but the kernels "
                f"expect {kernel.shape[2]} (kernel shape {kernel.shape} is (kh, kw, C, F))"
            )
        image = image[np.newaxis] if image.ndim == 3 else image
    else:
        raise ValueError(f"image must be (H, W), (H, W, C) or a batch (N, H, W, C), got {image.ndim} axes with "
                         f"shape {image.shape}")
    strides = _pair(stride, "stride")
    mode = _padding(padding)
    _check_fits(image.shape[1:3], kernel.shape[:2], mode, "kernel")
    dtype = np.result_type(image.dtype, kernel.dtype, np.float32)
    return image.astype(dtype, copy=False), kernel.astype(dtype, copy=False), strides, mode, form


def _in_form(batch: np.ndarray, form: str) -> np.ndarray:
    """An (N, H, W, C) result back in the caller's form: (H, W), (H, W, C) or (N, H, W, C)."""
    return batch[0, :, :, 0] if form == "HW" else batch[0] if form == "HWC" else batch


def _as_batch(array: np.ndarray, form: str) -> np.ndarray:
    """An array in the caller's form as (N, H, W, C)."""
    return array[np.newaxis, :, :, np.newaxis] if form == "HW" else array[np.newaxis] if form == "HWC" else array


def _pool_args(
    x: object, pool_size: object, stride: object, padding: object
) -> tuple[np.ndarray, tuple[int, int], tuple[int, int], str, str]:
    """Validate pooling arguments; return (x as float NHWC, window, stride, padding, form)."""
    x = _as_numeric_array(x, "x")
    if x.ndim not in (2, 3, 4):
        raise ValueError(f"x must be (H, W), (H, W, C) or a batch (N, H, W, C), got {x.ndim} axes with shape "
                         f"{x.shape}")
    window = _pair(pool_size, "pool_size")
    strides = window if stride is None else _pair(stride, "stride")  # Keras: stride defaults to pool_size.
    mode = _padding(padding)
    form = {2: "HW", 3: "HWC", 4: "NHWC"}[x.ndim]
    _check_fits(x.shape[-3:-1] if x.ndim > 2 else x.shape, window, mode, "pooling window")
    x = _as_batch(x, form)
    return x.astype(np.result_type(x.dtype, np.float32), copy=False), window, strides, mode, form


def _pad_amounts(shape: tuple[int, ...], window: tuple[int, int], strides: tuple[int, int], mode: str):
    if mode == "valid":
        return (0, 0), (0, 0)
    return same_padding(shape[0], window[0], strides[0]), same_padding(shape[1], window[1], strides[1])


def _tf_max(values: np.ndarray, axis: tuple[int, ...]) -> np.ndarray:
    """Max as TensorFlow's max pooling computes it: NaN is skipped, and the result is at least the dtype's lowest."""
    lowest = np.finfo(values.dtype).min
    return np.maximum(np.where(np.isnan(values), -np.inf, values).max(axis=axis), lowest)


def _pad(x: np.ndarray, pads: tuple[tuple[int, int], tuple[int, int]], value: float) -> np.ndarray:
    """Pad the height and width of an (N, H, W, C) array."""
    return np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=value)


# ---------------------------------------------------------------------------
# Readable loops
# ---------------------------------------------------------------------------


def conv2d_naive(image: object, kernel: object, *, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Cross-correlate ``image`` with ``kernel`` using plain loops (the version to read)."""
    image, kernel, (sh, sw), mode, form = _conv_args(image, kernel, stride, padding)
    kh, kw, _, filters = kernel.shape
    padded = _pad(image, _pad_amounts(image.shape[1:3], (kh, kw), (sh, sw), mode), 0.0)
    out_h = output_size(image.shape[1], kh, sh, mode)
    out_w = output_size(image.shape[2], kw, sw, mode)
    out = np.zeros((len(image), out_h, out_w, filters), dtype=image.dtype)
    with np.errstate(invalid="ignore"):  # 0 * inf is NaN, silently, as in TensorFlow
        for n in range(len(image)):
            for i in range(out_h):
                for j in range(out_w):
                    patch = padded[n, i * sh : i * sh + kh, j * sw : j * sw + kw, :]  # (kh, kw, C)
                    for f in range(filters):
                        out[n, i, j, f] = np.sum(patch * kernel[:, :, :, f])
    return _in_form(out, form)


def _pool_naive(x: object, pool_size: object, stride: object, padding: object, reduce: str) -> np.ndarray:
    x, (ph, pw), (sh, sw), mode, form = _pool_args(x, pool_size, stride, padding)
    (top, _), (left, _) = _pad_amounts(x.shape[1:3], (ph, pw), (sh, sw), mode)
    out_h = output_size(x.shape[1], ph, sh, mode)
    out_w = output_size(x.shape[2], pw, sw, mode)
    out = np.zeros((len(x), out_h, out_w, x.shape[3]), dtype=x.dtype)
    for n in range(len(x)):
        for i in range(out_h):
            for j in range(out_w):
                # Clip the window to the real input: padded cells take no part (TensorFlow's rule).
                r0, c0 = i * sh - top, j * sw - left
                window = x[n, max(r0, 0) : r0 + ph, max(c0, 0) : c0 + pw, :]
                for c in range(x.shape[3]):
                    values = window[:, :, c]
                    out[n, i, j, c] = _tf_max(values, axis=(0, 1)) if reduce == "max" else values.mean()
    return _in_form(out, form)


def max_pool2d_naive(x: object, pool_size: int = 2, *, stride: int | None = None, padding: str = "valid") -> np.ndarray:
    """Max pooling with plain loops (the version to read)."""
    return _pool_naive(x, pool_size, stride, padding, "max")


def avg_pool2d_naive(x: object, pool_size: int = 2, *, stride: int | None = None, padding: str = "valid") -> np.ndarray:
    """Average pooling with plain loops; padded cells are not counted (the version to read)."""
    return _pool_naive(x, pool_size, stride, padding, "mean")


# ---------------------------------------------------------------------------
# Vectorized versions
# ---------------------------------------------------------------------------


def _windows(padded: np.ndarray, window: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """All windows of an (N, H, W, C) array as a view shaped (N, out_h, out_w, C, kh, kw), no copying."""
    view = sliding_window_view(padded, window, axis=(1, 2))
    return view[:, :: strides[0], :: strides[1]]


def _im2col(padded: np.ndarray, window: tuple[int, int], strides: tuple[int, int], out_hw: tuple[int, int]):
    """Every window as one row (im2col): (N * out_h * out_w, kh * kw * C), in the kernel's (kh, kw, C) order."""
    patches = _windows(padded, window, strides)[:, : out_hw[0], : out_hw[1]]  # (N, oh, ow, C, kh, kw)
    return patches.transpose(0, 1, 2, 4, 5, 3).reshape(-1, window[0] * window[1] * padded.shape[3])


def conv2d(image: object, kernel: object, *, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Cross-correlate ``image`` with ``kernel``, vectorized (im2col, then one matrix product); equals conv2d_naive."""
    image, kernel, strides, mode, form = _conv_args(image, kernel, stride, padding)
    kh, kw, channels, filters = kernel.shape
    padded = _pad(image, _pad_amounts(image.shape[1:3], (kh, kw), strides, mode), 0.0)
    out_h = output_size(image.shape[1], kh, strides[0], mode)
    out_w = output_size(image.shape[2], kw, strides[1], mode)
    with np.errstate(invalid="ignore"):  # 0 * inf is NaN, silently, as in TensorFlow
        out = _im2col(padded, (kh, kw), strides, (out_h, out_w)) @ kernel.reshape(kh * kw * channels, filters)
    return _in_form(out.reshape(len(image), out_h, out_w, filters), form)


def im2col(batch: np.ndarray, window: int | tuple[int, int], stride: int = 1) -> np.ndarray:
    """Every valid window of an (N, H, W, C) batch as one row: (N * H' * W', kh * kw * C), kernel order (kh, kw, C)."""
    batch = _as_numeric_array(batch, "batch")
    if batch.ndim != 4:
        raise ValueError(f"im2col takes a batch shaped (N, H, W, C), got shape {batch.shape}")
    size, strides = _pair(window, "window"), _pair(stride, "stride")
    _check_fits(batch.shape[1:3], size, "valid", "window")
    out_hw = (output_size(batch.shape[1], size[0], strides[0]), output_size(batch.shape[2], size[1], strides[1]))
    return _im2col(batch, size, strides, out_hw)


def col2im(columns: np.ndarray, shape: tuple[int, int, int, int], window: int | tuple[int, int],
           stride: int = 1) -> np.ndarray:
    """im2col's adjoint: add each row back onto the window it came from, giving an array of ``shape`` (N, H, W, C)."""
    (kh, kw), strides = _pair(window, "window"), _pair(stride, "stride")
    n, h, w, c = shape
    out_h, out_w = output_size(h, kh, strides[0]), output_size(w, kw, strides[1])
    if np.shape(columns) != (n * out_h * out_w, kh * kw * c):
        raise ValueError(f"columns has shape {np.shape(columns)}; im2col of a batch shaped {tuple(shape)} with a "
                         f"{kh}x{kw} window gives ({n * out_h * out_w}, {kh * kw * c})")
    windows = np.asarray(columns).reshape(n, out_h, out_w, kh, kw, c).transpose(0, 1, 2, 5, 3, 4)
    return _scatter_windows(windows, tuple(shape), strides)


def max_pool2d(x: object, pool_size: int = 2, *, stride: int | None = None, padding: str = "valid") -> np.ndarray:
    """Max pooling, vectorized; equal to Keras ``MaxPooling2D`` (padded cells never win)."""
    x, window, strides, mode, form = _pool_args(x, pool_size, stride, padding)
    padded = _pad(x, _pad_amounts(x.shape[1:3], window, strides, mode), -np.inf)
    out_h = output_size(x.shape[1], window[0], strides[0], mode)
    out_w = output_size(x.shape[2], window[1], strides[1], mode)
    return _in_form(_tf_max(_windows(padded, window, strides)[:, :out_h, :out_w], axis=(4, 5)), form)


def avg_pool2d(x: object, pool_size: int = 2, *, stride: int | None = None, padding: str = "valid") -> np.ndarray:
    """Average pooling, vectorized; equal to Keras ``AveragePooling2D`` (padded cells not counted)."""
    x, window, strides, mode, form = _pool_args(x, pool_size, stride, padding)
    pads = _pad_amounts(x.shape[1:3], window, strides, mode)
    out_h = output_size(x.shape[1], window[0], strides[0], mode)
    out_w = output_size(x.shape[2], window[1], strides[1], mode)
    sums = _windows(_pad(x, pads, 0.0), window, strides)[:, :out_h, :out_w].sum(axis=(4, 5))
    return _in_form(sums / _counts(x.shape[1:3], window, strides, pads, (out_h, out_w)), form)


def _counts(shape: tuple[int, int], window, strides, pads, out_hw) -> np.ndarray:
    """How many real (unpadded) cells each pooling window covers, shaped (1, out_h, out_w, 1)."""
    ones = np.ones((1, *shape, 1))
    return _windows(_pad(ones, pads, 0.0), window, strides)[:, : out_hw[0], : out_hw[1]].sum(axis=(4, 5))


# ---------------------------------------------------------------------------
# Backward passes: the gradients that tf.GradientTape computes
# ---------------------------------------------------------------------------


def _expect_grad_shape(grad_output: object, expected: tuple[int, ...], what: str) -> np.ndarray:
    grad = _as_numeric_array(grad_output, "grad_output")
    if grad.shape != expected:
        raise ValueError(f"grad_output has shape {grad.shape}, but the forward {what} gives {expected}: pass the "
                         "gradient of the loss with respect to that output, shaped like it")
    return grad


def _scatter_windows(grad_windows: np.ndarray, padded_shape: tuple[int, ...], strides: tuple[int, int]) -> np.ndarray:
    """Add every window's (N, oh, ow, C, kh, kw) gradient back onto the padded input it was cut from."""
    _, out_h, out_w, _, kh, kw = grad_windows.shape
    (sh, sw), grad = strides, np.zeros(padded_shape, dtype=grad_windows.dtype)
    for k in range(kh):  # one strided slice per kernel cell: overlapping windows add up
        for m in range(kw):
            grad[:, k : k + sh * (out_h - 1) + 1 : sh, m : m + sw * (out_w - 1) + 1 : sw, :] += grad_windows[..., k, m]
    return grad


def _crop(padded: np.ndarray, pads: tuple[tuple[int, int], tuple[int, int]], shape: tuple[int, ...]) -> np.ndarray:
    (top, _), (left, _) = pads
    return padded[:, top : top + shape[1], left : left + shape[2], :]


def conv2d_backward(
    image: object, kernel: object, grad_output: object, *, stride: int = 1, padding: str = "valid"
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of a loss with respect to ``image`` and ``kernel``, from its gradient with respect to the result."""
    batch, kernel4, strides, mode, form = _conv_args(image, kernel, stride, padding)
    kh, kw, channels, filters = kernel4.shape
    out_h = output_size(batch.shape[1], kh, strides[0], mode)
    out_w = output_size(batch.shape[2], kw, strides[1], mode)
    forward_shape = _in_form(np.empty((len(batch), out_h, out_w, filters)), form).shape
    grad = _as_batch(_expect_grad_shape(grad_output, forward_shape, "convolution"), form).astype(batch.dtype)
    pads = _pad_amounts(batch.shape[1:3], (kh, kw), strides, mode)
    padded = _pad(batch, pads, 0.0)
    rows = grad.reshape(-1, filters)  # (N * oh * ow, F)
    # Each kernel weight met every input value under it, once per window: sum those products (im2col transposed).
    grad_kernel = (_im2col(padded, (kh, kw), strides, (out_h, out_w)).T @ rows).reshape(kh, kw, channels, filters)
    # Each input value fed every window it lies in, through the weight at its position in that window.
    grad_windows = (rows @ kernel4.reshape(-1, filters).T).reshape(len(batch), out_h, out_w, kh, kw, channels)
    grad_padded = _scatter_windows(grad_windows.transpose(0, 1, 2, 5, 3, 4), padded.shape, strides)
    return _in_form(_crop(grad_padded, pads, batch.shape), form), grad_kernel.reshape(np.shape(kernel))


def max_pool2d_backward(
    x: object, grad_output: object, pool_size: int = 2, *, stride: int | None = None, padding: str = "valid"
) -> np.ndarray:
    """Gradient with respect to ``x`` of max pooling: each window's gradient goes to its maximum, all of it."""
    batch, window, strides, mode, form = _pool_args(x, pool_size, stride, padding)
    pads = _pad_amounts(batch.shape[1:3], window, strides, mode)
    padded = _pad(batch, pads, -np.inf)
    out_h = output_size(batch.shape[1], window[0], strides[0], mode)
    out_w = output_size(batch.shape[2], window[1], strides[1], mode)
    forward_shape = _in_form(np.empty((len(batch), out_h, out_w, batch.shape[3])), form).shape
    grad = _as_batch(_expect_grad_shape(grad_output, forward_shape, "max pooling"), form).astype(batch.dtype)
    windows = _windows(padded, window, strides)[:, :out_h, :out_w]  # (N, oh, ow, C, kh, kw)
    flat = windows.reshape(*windows.shape[:4], -1)
    # The first maximum in row-major order takes the gradient (TensorFlow's choice on ties); NaN never wins.
    winner = np.where(np.isnan(flat), -np.inf, flat).argmax(axis=-1)
    routed = (np.arange(flat.shape[-1]) == winner[..., np.newaxis]) * grad[..., np.newaxis]
    grad_padded = _scatter_windows(routed.reshape(windows.shape), padded.shape, strides)
    return _in_form(_crop(grad_padded, pads, batch.shape), form)


def avg_pool2d_backward(
    x: object, grad_output: object, pool_size: int = 2, *, stride: int | None = None, padding: str = "valid"
) -> np.ndarray:
    """Gradient with respect to ``x`` of average pooling: each window's gradient shared by the cells it counted."""
    batch, window, strides, mode, form = _pool_args(x, pool_size, stride, padding)
    pads = _pad_amounts(batch.shape[1:3], window, strides, mode)
    out_h = output_size(batch.shape[1], window[0], strides[0], mode)
    out_w = output_size(batch.shape[2], window[1], strides[1], mode)
    forward_shape = _in_form(np.empty((len(batch), out_h, out_w, batch.shape[3])), form).shape
    grad = _as_batch(_expect_grad_shape(grad_output, forward_shape, "average pooling"), form).astype(batch.dtype)
    share = grad / _counts(batch.shape[1:3], window, strides, pads, (out_h, out_w))
    shares = np.broadcast_to(share[..., np.newaxis, np.newaxis], (*share.shape, *window))
    padded_shape = (len(batch), batch.shape[1] + sum(pads[0]), batch.shape[2] + sum(pads[1]), batch.shape[3])
    return _in_form(_crop(_scatter_windows(shares, padded_shape, strides), pads, batch.shape), form)
