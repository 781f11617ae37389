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
# # 08 · Pooling by hand in NumPy
# <!-- course-map: Pooling in NumPy | Max and average pooling by hand, what pooling keeps and loses, and where each
# sends the gradient backwards, checked against Keras and TensorFlow. -->
#
# **Why this matters.** Every CNN in this course alternates `Conv2D` with `MaxPooling2D`. Pooling has no weights
# and looks trivial, yet it decides how fast the feature maps shrink, what survives the shrinking, and how much
# the maps change when an object moves by a pixel or two. Here you compute it yourself and see what it keeps and
# what it throws away.
#
# *CNNs, hands-on* · notebook 8 of 8 · previous: [**07 · convolution in NumPy**](07_manual_convolution.ipynb) ·
# going further: [**09 · augmentation and global pooling**](09_augmentation_global_pooling.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/08_manual_pooling.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/08_manual_pooling.ipynb)
# **[Run it in your browser](https://cnns-hands-on.github.io/cnns-hands-on/lab/index.html?path=08_manual_pooling.ipynb)**

# %% [markdown]
# ## You will learn
#
# - how 2×2 max pooling turns each window into one number, written as a loop;
# - the output size of pooling, with and without overlap;
# - max vs average pooling on a real edge map;
# - what pooling keeps (maps that change less when the input moves a little) and what it loses (resolution, exact
#   positions), and which part of pooling does which;
# - that our NumPy pooling equals Keras's `MaxPooling2D` and `AveragePooling2D`;
# - the backward passes: where each kind of pooling sends the gradient, checked against `tf.GradientTape`.
#
# No training here: every cell runs in seconds.

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
# ## 1. Max pooling by hand
#
# A 4×4 feature map, cut into non-overlapping 2×2 windows. Each window becomes its largest value.

# %% tags=["nbval-check-output"]
feature_map = np.array(
    [
        [1, 3, 2, 0],
        [4, 6, 1, 1],
        [0, 2, 9, 7],
        [1, 1, 8, 5],
    ]
)
for i in range(2):
    for j in range(2):
        window = feature_map[2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
        print(f"window ({i}, {j}) = {window.tolist()} -> max {window.max()}")

# %% [markdown]
# The same thing as a function: two loops over output positions, one `max` per window. Note `size` plays two
# roles: the window is `size`×`size`, and it moves `size` pixels at a time (stride = pool size, the Keras
# default).

# %%
def max_pool_by_hand(x: np.ndarray, size: int = 2) -> np.ndarray:
    """Non-overlapping size x size max pooling; a partial window at the edge is dropped ('valid')."""
    out_h, out_w = (x.shape[0] - size) // size + 1, (x.shape[1] - size) // size + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = x[i * size : i * size + size, j * size : j * size + size].max()
    return out


# %% tags=["nbval-check-output"]
pooled = max_pool_by_hand(feature_map)
print(pooled)
assert np.array_equal(pooled, conv.max_pool2d_naive(feature_map, 2))
assert np.array_equal(pooled, conv.max_pool2d(feature_map, 2))

# %% [markdown]
# ## 2. Output size
#
# A pooling window is a convolution window without weights, so its output size follows notebook 07's rule for a
# convolution with no padding (exercise 1 asks you to write it as a function). Two paddings exist: `"valid"`, the
# Keras default, keeps only the windows that fit inside the map; `"same"` pads the map so that every pixel is
# covered, which gives `ceil(H / stride)` outputs. Even sizes cannot tell them apart; odd sizes can.

# %% tags=["nbval-check-output"]
for height in (32, 15, 9):
    valid = conv.max_pool2d(np.zeros((height, height)), 2)
    same = conv.max_pool2d(np.zeros((height, height)), 2, padding="same")
    print(f"{height}x{height} -> valid {valid.shape}, same {same.shape}")
    assert same.shape[0] == -(-height // 2)  # ceil division

# %% [markdown]
# ## 3. Pooling a real feature map
#
# Pooling acts on feature maps, not on photos, so first we make one: the edge strength of the `ascent` image,
# computed with the Sobel kernels from notebook 07 (recomputed here, so this notebook stands alone).

# %%
ascent = data.load_ascent()
sobel_x = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
edges = np.hypot(conv.conv2d(ascent, sobel_x), conv.conv2d(ascent, sobel_x.T))  # edge strength, any direction
print("edge map:", edges.shape, f"values {edges.min():.0f} to {edges.max():.0f}")

pyramid = [edges]
for _ in range(3):
    pyramid.append(conv.max_pool2d(pyramid[-1], 2))
print("after 0, 1, 2, 3 poolings:", [level.shape for level in pyramid])
assert [level.shape[0] for level in pyramid] == [510, 255, 127, 63]

# %%
# (extra code) shows the pooling pyramid of ascent
fig, axes = plt.subplots(1, 4, figsize=(16, 4.2))
for ax, level in zip(axes, pyramid, strict=True):
    ax.imshow(level, cmap="gray", vmax=np.percentile(level, 99))
    ax.set_title(f"{level.shape[0]}x{level.shape[1]}")
    ax.axis("off")
fig.suptitle("The same edges after 0, 1, 2 and 3 max poolings (each shown at the same size, each on its own grey "
             "scale)")
plt.show()

# %% [markdown]
# Each pooling keeps a quarter of the values, yet the stairs stay recognisable at 63×63: max pooling keeps the
# strongest response of every window, and strong responses are what mark the edges. (Each panel has its own grey
# scale, from 0 to its own 99th percentile, so the panels show where the edges are, not how bright they are: each
# max pooling can only raise the values, so a shared scale would make the later panels look brighter.)

# %% [markdown]
# ## 4. Max vs average pooling
#
# Average pooling keeps the mean of each window instead of its maximum. On an edge map that matters: an edge is
# thin, so most of each window is background, and averaging dilutes it.

# %%
max_pooled = conv.max_pool2d(edges, 4)
average_pooled = conv.avg_pool2d(edges, 4)
print(f"4x4 pooling of the edge map: {edges.shape} -> {max_pooled.shape}")
print(f"strongest edge: before {edges.max():.0f}, max pooling {max_pooled.max():.0f}, average pooling "
      f"{average_pooled.max():.0f}")
print(f"mean value:     before {edges.mean():.0f}, max pooling {max_pooled.mean():.0f}, average pooling "
      f"{average_pooled.mean():.0f}")
assert max_pooled.max() == edges.max() and np.isclose(average_pooled.mean(), edges[:508, :508].mean())

# %%
# (extra code) shows max and average pooling side by side
fig, axes = plt.subplots(1, 2, figsize=(9, 4.5))
for ax, image, title in zip(axes, (max_pooled, average_pooled), ("max pooling 4x4", "average pooling 4x4"),
                            strict=True):
    ax.imshow(image, cmap="gray", vmin=0, vmax=np.percentile(max_pooled, 99))
    ax.set_title(title)
    ax.axis("off")
plt.show()

# %% [markdown]
# Here both panels share one grey scale (that of the max-pooled map), so the darker right panel is the dilution
# itself, not a display setting. Max pooling answers "is the feature somewhere in this window?"; average pooling
# answers "how much of the window is feature?". CNNs use max pooling between convolution blocks because they care
# about presence; average pooling (often global, over the whole map) is common at the very end of a network.

# %% [markdown]
# ## 5. Stride and overlap
#
# The window and the step need not match. A 3×3 window with stride 2 overlaps its neighbours by one pixel (AlexNet
# pooled this way). The output size follows the same rule.

# %% tags=["nbval-check-output"]
overlapping = conv.max_pool2d(edges, 3, stride=2)
print(f"3x3 windows, stride 2: {edges.shape} -> {overlapping.shape}")
assert overlapping.shape[0] == conv.output_size(510, 3, stride=2)

windows_covering = np.zeros((9, 9), dtype=int)  # how many windows see each pixel, on a small 9x9 map
for i in range((9 - 3) // 2 + 1):
    for j in range((9 - 3) // 2 + 1):
        windows_covering[2 * i : 2 * i + 3, 2 * j : 2 * j + 3] += 1
print("windows covering each pixel of a 9x9 map:\n", windows_covering)

# %% [markdown]
# Pixels on the shared rows and columns are seen by two (or four) windows, so a strong value there can win in
# several outputs.

# %% [markdown]
# ## 6. Common mistake: misunderstanding what pooling does to resolution
#
# Two opposite misreadings are common: "pooling just makes the image smaller" (it also makes the map change less
# when the input moves a little) and "pooling makes the network shift-invariant" (the maps still change, more and
# more as the shift grows, and the shrinking throws positions away). Both, measured.
#
# **What it keeps.** Shift the image one pixel to the right and compare each map with its unshifted version
# position by position, the way a `Flatten` and `Dense` head reads it. Before pooling, most edge values move to
# another position. Pooling has two steps, and one more arm separates them: a 2×2 **max filter** takes the maximum
# of every 2×2 window at stride 1, so it keeps every position; 2×2 max pooling is that map with every second row
# and column kept.

# %%
shifted = np.roll(ascent, 1, axis=1)  # every pixel moves one column to the right
shifted_edges = np.hypot(conv.conv2d(shifted, sobel_x), conv.conv2d(shifted, sobel_x.T))
inner = (slice(8, -8), slice(8, -8))  # ignore the wrapped-around column at the border


def relative_change(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean() / np.abs(a).mean())


def max_filter(x: np.ndarray) -> np.ndarray:
    return conv.max_pool2d(x, 2, stride=1)  # 2x2 windows, stride 1: a local maximum at every position


assert np.array_equal(conv.max_pool2d(edges, 2), max_filter(edges)[::2, ::2])  # pooling = max filter, then subsample
change_before = relative_change(edges[inner], shifted_edges[inner])
change_after = relative_change(conv.max_pool2d(edges, 2)[inner], conv.max_pool2d(shifted_edges, 2)[inner])
change_filter = relative_change(max_filter(edges)[inner], max_filter(shifted_edges)[inner])
change_after_two = relative_change(
    conv.max_pool2d(edges, 4, stride=4)[inner], conv.max_pool2d(shifted_edges, 4, stride=4)[inner]
)
print(f"change caused by a 1-pixel shift: edge map {change_before:.0%}, after one 2x2 max pooling "
      f"{change_after:.0%}, after a 2x2 max filter (no downsampling) {change_filter:.0%}, after 4x4 max pooling "
      f"{change_after_two:.0%}")
results.record(claims={
    "pooling_steadies_one_pixel_shifts": (change_after < change_before, "2x2 max pooling changes less than the "
                                          "edge map under a 1-pixel shift"),
    "window_not_downsampling": (abs(change_filter - change_after) < 0.02, "the 2x2 max filter without "
                                "downsampling changes within 2 points of 2x2 max pooling"),
})

# %% [markdown]
# The max filter changes as little as max pooling does. That could not have come out otherwise: the `assert` above
# shows that max pooling *is* the max filter with three positions in four dropped, and an average over positions
# cannot see which ones were dropped. So, on this measure, the steadiness comes from the window, not from the
# downsampling: every output summarises a 2×2 neighbourhood, and after a 1-pixel move the neighbourhood at the same
# position still holds half of its old pixels. Whether it has to be the *maximum* of the window is the stretch
# exercise's question.
#
# **How far does it reach?** Now shifts of 1 to 4 pixels, each arm against no pooling *at the same shift*. To read
# a change on a scale, compare it with what an *unrelated* map scores, the ceiling of this measure: the edge map of
# the same photo turned upside down, which has the same kind of edges, none of them in the same places. The
# fraction "change ÷ that ceiling" is 0 for an unchanged map and 1 for an unrelated one. (The 2×2 max filter is
# left out: it scores the same as 2×2 max pooling, for the reason above.)

# %%
def edge_map(image: np.ndarray) -> np.ndarray:
    return np.hypot(conv.conv2d(image, sobel_x), conv.conv2d(image, sobel_x.T))


upside_down_edges = edge_map(ascent[::-1])  # same kind of edges as `edges`, none in the same place


def unrelated_change(operation) -> float:
    """The ceiling: relative change of operation(edge map) against operation(edge map of ascent upside down)."""
    return relative_change(operation(edges)[inner], operation(upside_down_edges)[inner])


def change_after_shift(operation, shift: int) -> float:
    """Relative change of operation(edge map) when ascent moves `shift` pixels right, as a fraction of the ceiling."""
    moved = operation(edge_map(np.roll(ascent, shift, axis=1)))
    return relative_change(operation(edges)[inner], moved[inner]) / unrelated_change(operation)


arms = {"edge map, no pooling": lambda x: x, "2x2 max pooling": lambda x: conv.max_pool2d(x, 2),
        "4x4 max pooling": lambda x: conv.max_pool2d(x, 4)}
shifts = (1, 2, 3, 4)
sweep = {name: [change_after_shift(op, shift) for shift in shifts] for name, op in arms.items()}
print("change as a fraction of an unrelated map's (0 = unchanged, 1 = as different as ascent upside down):")
print(f"{'':<22}" + "".join(f"{shift} px".rjust(8) for shift in shifts))
for name, fractions in sweep.items():
    print(f"{name:<22}" + "".join(f"{fraction:8.2f}" for fraction in fractions))
raw, pool_2, pool_4 = sweep.values()
results.record(
    edge_map_ceiling=unrelated_change(arms["edge map, no pooling"]),
    pool2_ceiling=unrelated_change(arms["2x2 max pooling"]),
    pool2_one_pixel=pool_2[0], pool2_four_pixels=pool_2[3], edge_map_one_pixel=raw[0],
    claims={
        "pooling_damps_every_shift": (all(p2 < r and p4 < p2 for r, p2, p4 in zip(raw, pool_2, pool_4, strict=True)),
                                      "at every shift, 2x2 pooling changes less than no pooling, 4x4 less than 2x2"),
        "pooled_map_still_changes": (pool_2[3] > 2 * pool_2[0] and pool_2[3] > 0.5, "the 2x2 pooled map changes "
                                     "over twice as much at 4 px as at 1 px, more than half way to unrelated"),
    },
)

# %%
# (extra code) plots the shift sweep
fig, ax = plt.subplots(figsize=(8.5, 4))
for (name, fractions), marker in zip(sweep.items(), "os^", strict=True):
    ax.plot(shifts, fractions, marker=marker, label=name)
ax.axhline(1, color="grey", linestyle="--", linewidth=1)
ax.text(1, 0.97, "an unrelated map (the photo upside down)", va="top", color="grey")
ax.set(xticks=shifts, xlabel="shift of the photo (pixels)", ylim=(0, 1.05),
       ylabel="change, as a fraction\nof an unrelated map's")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
fig.tight_layout()
plt.show()

# %% [markdown]
# Pooling lowers the change at every shift, and a 4×4 window lowers it more than a 2×2 one, paying with one value
# kept in 16 instead of one in 4. But no line is flat: the 2×2 pooled map changes more with every pixel of shift,
# and at 4 pixels it has gone more than half way to an unrelated map. Pooling *damps* small shifts; it does not make
# a map shift-invariant. Notebook 09 trains networks to cope with larger ones.
#
# **Deep dive (optional): moved, or changed? Aliasing.** A position-by-position comparison mixes up two things: a
# map that has *moved* (the same values, one cell over, which later layers can still use) and a map that has
# *changed*. Pooling keeps every second position, so an input shift of 2 pixels moves a 2×2-pooled map by exactly
# one cell, but a 1-pixel shift has no such move: the pooled map becomes a different map. Zhang (2019, *Making
# Convolutional Networks Shift-Invariant Again*) describes max pooling as exactly our two steps, a dense max (the
# max filter) followed by subsampling, and blames the subsampling: it ignores the sampling theorem (a signal must
# be smooth enough before you keep one sample in two), so fine detail *aliases*, reappearing as coarse patterns
# that jump as the input moves. A one-dimensional example shows it:

# %% tags=["nbval-check-output"]
stripes = np.array([0, 0, 1, 1, 0, 0, 1, 1], dtype=float)
for shift in (0, 1, 2):
    moved = np.roll(stripes, shift)
    pooled_stripes = moved.reshape(-1, 2).max(axis=1)  # 2-wide windows, stride 2
    print(f"shifted by {shift}: {moved.astype(int)} -> 2-wide max pooling {pooled_stripes.astype(int)}")

# %% [markdown]
# A shift of 2 moves the pooled signal by one place; a shift of 1 turns it into all ones, which no move of the
# original pooled signal gives. Zhang's fix, *anti-aliasing*, puts a small blur between the two steps
# (MaxBlurPool): a 2×2 max filter, a 3×3 blur (weights 1, 2, 1 in each direction, summing to 1), then every second
# position. To measure aliasing on `ascent`, compare the pooled map of the shifted photo with the best a move can
# do: for an even shift the original pooled map moved by whole cells, for a 1-pixel shift its average with its
# one-cell move (a move by half a cell). What is left over is the change that no move explains, as a fraction of
# the unrelated map's.

# %%
blur = np.outer([1, 2, 1], [1, 2, 1]) / 16  # a small low-pass filter: a weighted local average


def max_blur_pool(x: np.ndarray) -> np.ndarray:
    return conv.conv2d(max_filter(x), blur)[::2, ::2]  # dense max, blur, then keep every second row and column


def unexplained_by_a_move(pool, shift: int) -> float:
    """Change of pool(edge map) under a `shift`-pixel shift that no move of the pooled map explains (0 = a move)."""
    pooled, moved = pool(edges), pool(edge_map(np.roll(ascent, shift, axis=1)))
    best_move = np.roll(pooled, shift // 2, axis=1)
    if shift % 2:  # half a cell more: the average of the two nearest moves
        best_move = (best_move + np.roll(pooled, shift // 2 + 1, axis=1)) / 2
    return relative_change(moved[inner], best_move[inner]) / unrelated_change(pool)


poolings = {"2x2 max pooling": lambda x: conv.max_pool2d(x, 2), "MaxBlurPool 2x2": max_blur_pool}
aliasing = {name: [unexplained_by_a_move(pool, shift) for shift in (1, 2)] for name, pool in poolings.items()}
for name, (odd, even) in aliasing.items():
    print(f"{name:<16} not explained by a move: 1-pixel shift {odd:.2f}, 2-pixel shift {even:.2f}")
(max_odd, max_even), (blur_odd, blur_even) = aliasing.values()
results.record(aliasing_max_pool=max_odd, aliasing_max_blur_pool=blur_odd, claims={
    "even_shifts_are_moves": (max(max_even, blur_even) < 1e-9, "a 2-pixel shift moves both pooled maps by exactly "
                              "one cell"),
    "blur_reduces_aliasing": (blur_odd < 0.75 * max_odd, "MaxBlurPool leaves less than three quarters of max "
                              "pooling's unexplained change at a 1-pixel shift"),
})

# %% [markdown]
# An even shift is a pure move for both poolings. A 1-pixel shift leaves a change that no move explains, and the
# blur shrinks it. The price is sharpness: a blurred map cannot place an edge as precisely (not measured here).
# Zhang reports that in ImageNet classifiers this trade also raised accuracy; we have measured only the aliasing.
# *End of the deep dive.*

# %% [markdown]
# **What it loses.** Inside a window, position is gone: a feature in any of the four cells gives the same output.
# And two features closer than the window merge into one.

# %% tags=["nbval-check-output"]
top_left, bottom_right = np.zeros((4, 4)), np.zeros((4, 4))
top_left[0, 0] = bottom_right[1, 1] = 1
print("a dot at (0, 0) and a dot at (1, 1) pool to the same map:",
      np.array_equal(conv.max_pool2d(top_left, 2), conv.max_pool2d(bottom_right, 2)))
two_lines = np.zeros((4, 4))
two_lines[:, 0] = two_lines[:, 2] = 1  # two vertical lines with a one-pixel gap between them
print("two lines:\n", two_lines, "\npooled: a solid block, the gap is gone:\n", conv.max_pool2d(two_lines, 2))
assert conv.max_pool2d(two_lines, 2).min() == 1

# %% [markdown]
# So each pooling trades spatial resolution for robustness. That is why CNNs pool a few times, not after every
# layer, and why the last maps of a network say *what* is in the image far better than *where*.

# %% [markdown]
# ## 7. Check against Keras
#
# Keras pooling layers take a batch with channels, `(N, H, W, C)`. On the edge map, in both paddings, with and
# without overlap:

# %%
if keras is None:
    results.show_verified("largest_relative_difference_vs_keras")
else:
    edges_batch = edges.astype(np.float32)[np.newaxis, :, :, np.newaxis]  # (1, 510, 510, 1)
    largest_difference = 0.0
    for pool, stride, padding in [(2, 2, "valid"), (3, 2, "valid"), (3, 2, "same"), (2, 1, "same")]:
        pairs = ((keras.layers.MaxPooling2D, conv.max_pool2d), (keras.layers.AveragePooling2D, conv.avg_pool2d))
        for layer, ours in pairs:
            theirs = layer(pool_size=pool, strides=stride, padding=padding)(edges_batch).numpy()[0, :, :, 0]
            mine = ours(edges.astype(np.float32), pool, stride=stride, padding=padding)
            difference = np.abs(mine - theirs).max() / edges.max()
            assert mine.shape == theirs.shape and difference < 1e-6
            largest_difference = max(largest_difference, float(difference))
        print(f"pool {pool}, stride {stride}, {padding:<5}: output {mine.shape}, max and average pooling match Keras")
    results.expect("largest_relative_difference_vs_keras", largest_difference, full=(0.0, 1e-6))

# %% [markdown]
# ## 8. The backward pass: where the gradient goes
#
# Training sends the loss's gradient backwards through every layer. A pooling layer has no weights, so it only
# passes the gradient on, from each output to the inputs it came from:
#
# - **max pooling** gives each window's whole gradient to the cell that won the window, and nothing to the others:
#   nudging a loser does not change the output at all;
# - **average pooling** shares it equally among the cells it counted: each contributed 1/count of the average.
#
# On a 4×4 map with 2×2 windows, and an upstream gradient of 10, 20, 30, 40 for the four outputs:

# %% tags=["nbval-check-output"]
small_map = np.array([[1.0, 3.0, 2.0, 0.0], [4.0, 2.0, 1.0, 1.0], [0.0, 1.0, 5.0, 6.0], [2.0, 2.0, 7.0, 1.0]])
upstream = np.array([[10.0, 20.0], [30.0, 40.0]])  # dL/d(pooled), from the layers above
max_gradient = conv.max_pool2d_backward(small_map, upstream, 2)
average_gradient = conv.avg_pool2d_backward(small_map, upstream, 2)
print("map:\n", small_map, "\nmax pooled:\n", conv.max_pool2d(small_map, 2))
print("gradient through max pooling (only the winners):\n", max_gradient)
print("gradient through average pooling (shared by 4):\n", average_gradient)
assert max_gradient.sum() == average_gradient.sum() == upstream.sum()  # nothing is lost, only routed

# %% [markdown]
# With overlapping windows (3×3, stride 2, section 5), a cell that wins two windows collects both gradients; with
# `padding="same"`, a padded cell never wins and is never counted, so it gets nothing. TensorFlow computes the same
# gradients with automatic differentiation, `tf.GradientTape`. On a batch of two edge maps (ascent's and the
# shifted one), for both kinds of pooling and the four settings of section 7:

# %%
if tf is None:
    results.show_verified("largest_gradient_difference_vs_tf")
else:
    edge_maps = np.stack([edges, shifted_edges]).astype(np.float32)[..., np.newaxis]  # (2, 510, 510, 1)
    largest_gradient_difference = 0.0
    for pool, stride, padding in [(2, 2, "valid"), (3, 2, "valid"), (3, 2, "same"), (2, 1, "same")]:
        for forward, backward, tf_pool in [
            (conv.max_pool2d, conv.max_pool2d_backward, tf.nn.max_pool2d),
            (conv.avg_pool2d, conv.avg_pool2d_backward, tf.nn.avg_pool2d),
        ]:
            pooled = forward(edge_maps, pool, stride=stride, padding=padding)
            gradient_above = np.cos(np.arange(pooled.size, dtype=np.float32)).reshape(pooled.shape)  # any dL/dy
            ours = backward(edge_maps, gradient_above, pool, stride=stride, padding=padding)
            tensor = tf.constant(edge_maps)
            with tf.GradientTape() as tape:
                tape.watch(tensor)
                output = tf_pool(tensor, pool, stride, padding.upper())
            theirs = tape.gradient(output, tensor, output_gradients=tf.constant(gradient_above)).numpy()
            largest_gradient_difference = max(largest_gradient_difference, float(np.abs(ours - theirs).max()))
            assert np.allclose(ours, theirs, atol=1e-5)
        print(f"pool {pool}, stride {stride}, {padding:<5}: max and average pooling gradients match tf.GradientTape")
    results.expect("largest_gradient_difference_vs_tf", largest_gradient_difference, full=(0.0, 1e-5))

# %% [markdown]
# Notice what max pooling's gradient means for learning: in each window, only the winning cell's input, and so
# only the weights that produced it, get a signal at that step.

# %% [markdown]
# ## 9. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb08 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** Write `pooled_size(n, pool, stride)`: the output length of valid pooling.

# %%
def pooled_size(n, pool, stride):
    ...  # your code here


ex.q1.check(pooled_size)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2. A stride that differs from the window.** `max_pool_by_hand` moves its window by its own size.
# Section 5 showed overlapping windows (3×3, stride 2). Write `max_pool_strided(x, pool, stride)`: valid max
# pooling of a 2-D array with `pool`×`pool` windows that start every `stride` pixels, for any pool and stride,
# overlapping (stride < pool) or leaving gaps (stride > pool).

# %%
def max_pool_strided(x, pool, stride):
    ...  # your code here


ex.q2.check(max_pool_strided)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** A 28×28 feature map goes through three `MaxPooling2D(2)` layers with the default padding. What
# side length comes out? Work it out without running anything.

# %%
side_after_three_pools = ...  # a whole number

ex.q3.check(side_after_three_pools)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Is average pooling as steady?** Section 6 measured how much a 1-pixel shift changes the edge
# map after 2×2 *max* pooling (`change_after`). Measure the same for 2×2 *average* pooling: pool `edges` and
# `shifted_edges` with `conv.avg_pool2d`, crop both with `[inner]`, and call `relative_change`.

# %% tags=["stretch-answer"]
average_change = ...  # relative_change(...) of the two average-pooled maps

# %% [markdown]
# Print `average_change` next to `change_after`. Is the change after average pooling `"higher"`, `"lower"` or
# `"about the same"` as after max pooling? Count a difference within 1 percentage point as the same. Then think
# about why, window by window.

# %% tags=["stretch-answer"]
average_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(average_verdict, average_change=average_change, max_change=change_after, edges=edges,
                 shifted_edges=shifted_edges)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - Max pooling replaces each window by its largest value; average pooling by its mean.
# - Output size: `(H - pool) // stride + 1` (valid) or `ceil(H / stride)` (same); odd sizes lose a row in valid.
# - Max pooling keeps the strongest responses, so edges survive repeated halving; averaging dilutes them.
# - Pooling makes feature maps change less when the input moves a little: the window does that (a max filter
#   without downsampling is as steady), and the downsampling costs resolution and exact positions. The maps still
#   change more with every pixel of shift: pooling damps shifts, it does not remove them.
# - Our NumPy pooling equals Keras's `MaxPooling2D` and `AveragePooling2D`.
# - Backward, max pooling routes each window's gradient to its winner only; average pooling shares it among the
#   cells it counted. Both equal `tf.GradientTape`'s gradients.
#
# **Next:** this is the last notebook of the core course. Go back to **[02 · first CNN](02_first_cnn.ipynb)** and
# read its `Conv2D` and `MaxPooling2D` layers again: you can now compute every number they produce. Then go further
# with **[09 · augmentation and global pooling](09_augmentation_global_pooling.ipynb)** (it needs TensorFlow, so
# not in the browser-only version), which answers the shift problem that pooling only partly solves.
