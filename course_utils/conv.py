"""Convolution and pooling in NumPy, matching TensorFlow/Keras exactly.

Two versions of each operation, with the same signatures:

- ``conv2d_naive``, ``max_pool2d_naive``, ``avg_pool2d_naive``: plain loops, written to be read;
- ``conv2d``, ``max_pool2d``, ``avg_pool2d``: vectorized with ``sliding_window_view``, written to be fast.

Shapes: ``image`` is ``(H, W)`` with a ``(kh, kw)`` kernel, giving ``(H', W')``; or ``(H, W, C)`` with kernels
``(kh, kw, C, F)``, giving ``(H', W', F)``, equal to ``tf.nn.conv2d`` on a batch of one. ``conv2d`` is a
cross-correlation (no kernel flip), as in ``Conv2D``.

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
) -> tuple[np.ndarray, np.ndarray, tuple[int, int], str, bool]:
    """Validate conv2d arguments; return (image HWC, kernel HWCF, stride, padding, was_2d), both as floats."""
    image = _as_numeric_array(image, "image")
    kernel = _as_numeric_array(kernel, "kernel")
    if image.ndim == 2:
        if kernel.ndim != 2:
            raise ValueError(
                f"a 2-D image (H, W) needs a 2-D kernel (kh, kw), got kernel shape {kernel.shape}. "
                "For (kh, kw, C, F) kernels, give the image a channel axis: image[..., np.newaxis]"
            )
        image, kernel, was_2d = image[..., np.newaxis], kernel[..., np.newaxis, np.newaxis], True
    elif image.ndim == 3:
        if kernel.ndim != 4:
            raise ValueError(
                f"an (H, W, C) image needs kernels shaped (kh, kw, C, F), got kernel shape {kernel.shape}"
            )
        if kernel.shape[2] != image.shape[2]:
            raise ValueError(
                f"channel mismatch: the image has {image.shape[2]} channels (shape {image.shape}) but the kernels "
                f"expect {kernel.shape[2]} (kernel shape {kernel.shape} is (kh, kw, C, F))"
            )
        was_2d = False
    else:
        hint = " For a batch, pass one image at a time (images[0])." if image.ndim == 4 else ""
        raise ValueError(f"image must be (H, W) or (H, W, C), got {image.ndim} axes with shape {image.shape}.{hint}")
    strides = _pair(stride, "stride")
    mode = _padding(padding)
    _check_fits(image.shape[:2], kernel.shape[:2], mode, "kernel")
    dtype = np.result_type(image.dtype, kernel.dtype, np.float32)
    return image.astype(dtype, copy=False), kernel.astype(dtype, copy=False), strides, mode, was_2d


def _pool_args(
    x: object, pool_size: object, stride: object, padding: object
) -> tuple[np.ndarray, tuple[int, int], tuple[int, int], str, bool]:
    """Validate pooling arguments; return (x as float HWC, window, stride, padding, was_2d)."""
    x = _as_numeric_array(x, "x")
    if x.ndim not in (2, 3):
        hint = " For a batch, pass one feature map at a time (x[0])." if x.ndim == 4 else ""
        raise ValueError(f"x must be (H, W) or (H, W, C), got {x.ndim} axes with shape {x.shape}.{hint}")
    window = _pair(pool_size, "pool_size")
    strides = window if stride is None else _pair(stride, "stride")  # Keras: stride defaults to pool_size.
    mode = _padding(padding)
    _check_fits(x.shape[:2], window, mode, "pooling window")
    was_2d = x.ndim == 2
    x = x[..., np.newaxis] if was_2d else x
    return x.astype(np.result_type(x.dtype, np.float32), copy=False), window, strides, mode, was_2d


def _pad_amounts(shape: tuple[int, ...], window: tuple[int, int], strides: tuple[int, int], mode: str):
    if mode == "valid":
        return (0, 0), (0, 0)
    return same_padding(shape[0], window[0], strides[0]), same_padding(shape[1], window[1], strides[1])


def _tf_max(values: np.ndarray, axis: tuple[int, ...]) -> np.ndarray:
    """Max as TensorFlow's max pooling computes it: NaN is skipped, and the result is at least the dtype's lowest."""
    lowest = np.finfo(values.dtype).min
    return np.maximum(np.where(np.isnan(values), -np.inf, values).max(axis=axis), lowest)


def _pad(x: np.ndarray, pads: tuple[tuple[int, int], tuple[int, int]], value: float) -> np.ndarray:
    return np.pad(x, (pads[0], pads[1], (0, 0)), constant_values=value)


# ---------------------------------------------------------------------------
# Readable loops
# ---------------------------------------------------------------------------


def conv2d_naive(image: object, kernel: object, *, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Cross-correlate ``image`` with ``kernel`` using plain loops (the version to read)."""
    image, kernel, (sh, sw), mode, was_2d = _conv_args(image, kernel, stride, padding)
    kh, kw, _, filters = kernel.shape
    padded = _pad(image, _pad_amounts(image.shape, (kh, kw), (sh, sw), mode), 0.0)
    out_h = output_size(image.shape[0], kh, sh, mode)
    out_w = output_size(image.shape[1], kw, sw, mode)
    out = np.zeros((out_h, out_w, filters), dtype=image.dtype)
    with np.errstate(invalid="ignore"):  # 0 * inf is NaN, silently, as in TensorFlow
        for i in range(out_h):
            for j in range(out_w):
                patch = padded[i * sh : i * sh + kh, j * sw : j * sw + kw, :]  # (kh, kw, C)
                for f in range(filters):
                    out[i, j, f] = np.sum(patch * kernel[:, :, :, f])
    return out[:, :, 0] if was_2d else out


def _pool_naive(x: object, pool_size: object, stride: object, padding: object, reduce: str) -> np.ndarray:
    x, (ph, pw), (sh, sw), mode, was_2d = _pool_args(x, pool_size, stride, padding)
    (top, _), (left, _) = _pad_amounts(x.shape, (ph, pw), (sh, sw), mode)
    out_h = output_size(x.shape[0], ph, sh, mode)
    out_w = output_size(x.shape[1], pw, sw, mode)
    out = np.zeros((out_h, out_w, x.shape[2]), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            # Clip the window to the real input: padded cells take no part (TensorFlow's rule).
            r0, c0 = i * sh - top, j * sw - left
            window = x[max(r0, 0) : r0 + ph, max(c0, 0) : c0 + pw, :]
            for c in range(x.shape[2]):
                values = window[:, :, c]
                out[i, j, c] = _tf_max(values, axis=(0, 1)) if reduce == "max" else values.mean()
    return out[:, :, 0] if was_2d else out


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
    """All windows as a view shaped (out_h, out_w, C, kh, kw), no copying."""
    view = sliding_window_view(padded, window, axis=(0, 1))
    return view[:: strides[0], :: strides[1]]


def conv2d(image: object, kernel: object, *, stride: int = 1, padding: str = "valid") -> np.ndarray:
    """Cross-correlate ``image`` with ``kernel``, vectorized; same result as ``conv2d_naive``."""
    image, kernel, strides, mode, was_2d = _conv_args(image, kernel, stride, padding)
    window = kernel.shape[:2]
    padded = _pad(image, _pad_amounts(image.shape, window, strides, mode), 0.0)
    out_h = output_size(image.shape[0], window[0], strides[0], mode)
    out_w = output_size(image.shape[1], window[1], strides[1], mode)
    patches = _windows(padded, window, strides)[:out_h, :out_w]  # (out_h, out_w, C, kh, kw)
    # Sum over (C, kh, kw) for every window and filter; optimize=True lets NumPy hand it to BLAS.
    out = np.einsum("ijckl,klcf->ijf", patches, kernel, optimize=True)
    return out[:, :, 0] if was_2d else out


def max_pool2d(x: object, pool_size: int = 2, *, stride: int | None = None, padding: str = "valid") -> np.ndarray:
    """Max pooling, vectorized; equal to Keras ``MaxPooling2D`` (padded cells never win)."""
    x, window, strides, mode, was_2d = _pool_args(x, pool_size, stride, padding)
    padded = _pad(x, _pad_amounts(x.shape, window, strides, mode), -np.inf)
    out_h = output_size(x.shape[0], window[0], strides[0], mode)
    out_w = output_size(x.shape[1], window[1], strides[1], mode)
    out = _tf_max(_windows(padded, window, strides)[:out_h, :out_w], axis=(3, 4))
    return out[:, :, 0] if was_2d else out


def avg_pool2d(x: object, pool_size: int = 2, *, stride: int | None = None, padding: str = "valid") -> np.ndarray:
    """Average pooling, vectorized; equal to Keras ``AveragePooling2D`` (padded cells not counted)."""
    x, window, strides, mode, was_2d = _pool_args(x, pool_size, stride, padding)
    pads = _pad_amounts(x.shape, window, strides, mode)
    out_h = output_size(x.shape[0], window[0], strides[0], mode)
    out_w = output_size(x.shape[1], window[1], strides[1], mode)
    sums = _windows(_pad(x, pads, 0.0), window, strides)[:out_h, :out_w].sum(axis=(3, 4))
    ones = np.ones(x.shape[:2] + (1,), dtype=x.dtype)
    counts = _windows(_pad(ones, pads, 0.0), window, strides)[:out_h, :out_w].sum(axis=(3, 4))
    out = sums / counts
    return out[:, :, 0] if was_2d else out
