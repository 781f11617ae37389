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
# # 07 · Convolution by hand in NumPy
# <!-- course-map: Convolution in NumPy | The convolution loop by hand, padding, stride, edge filters on real photos;
# channels and filters (a trained layer reproduced), 1×1 convolutions, and the backward pass, checked against
# TensorFlow. -->
#
# **Why this matters.** `Conv2D` is one line of Keras, and that line hides everything: what a kernel does to a
# patch, why the output shrinks, what happens at the border, why the "convolution" in deep learning is not the
# one in your signal-processing book. Here you compute it yourself, with loops you can read, and check every
# result against SciPy and TensorFlow.
#
# *CNNs, hands-on* · notebook 7 of 8 · previous: [**06 · MNIST with callbacks**](06_mnist_callbacks.ipynb) ·
# next: [**08 · pooling in NumPy**](08_manual_pooling.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/07_manual_convolution.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/07_manual_convolution.ipynb)
# **[Run it in your browser](https://cnns-hands-on.github.io/cnns-hands-on/lab/index.html?path=07_manual_convolution.ipynb)**

# %% [markdown]
# ## You will learn
#
# - how one output value of a convolution is computed: patch × kernel, summed;
# - the loop that slides a kernel over an image, written out;
# - what classic kernels (edges, Sobel, sharpen, blur) do to a real photo;
# - `valid` vs `same` padding, stride, and the output-size formula `(H - k + 2p) / s + 1`;
# - why `Conv2D` computes a *cross-correlation* and not a flipped convolution;
# - how to display filter responses that go negative, without losing half of them;
# - what a `Conv2D` layer computes with several channels and filters, reproduced from a trained layer's weights;
# - what a 1×1 convolution does to channels;
# - the backward pass: the gradient of a convolution is a convolution, checked against `tf.GradientTape`.
#
# No training here (unless notebook 02's saved model is missing): every cell runs in seconds.

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
# ## 1. Warm-up: one output value, by hand
#
# A 5×5 toy image and a 3×3 kernel. The kernel's left column is +1 and its right column −1, so it measures
# "left minus right": large where brightness drops from left to right.

# %% tags=["nbval-check-output"]
toy_image = np.array(
    [
        [9, 9, 9, 0, 0],
        [9, 9, 9, 0, 0],
        [9, 9, 9, 0, 0],
        [9, 9, 9, 0, 0],
        [9, 9, 9, 0, 0],
    ]
)
edge_kernel = np.array(
    [
        [1, 0, -1],
        [1, 0, -1],
        [1, 0, -1],
    ]
)
patch = toy_image[0:3, 0:3]
print("patch at row 0, column 0:\n", patch)
print("patch * kernel (element by element):\n", patch * edge_kernel)
print("sum =", np.sum(patch * edge_kernel))

# %% [markdown]
# That single number is output `[0, 0]`. Move the patch one column right and repeat:

# %% tags=["nbval-check-output"]
for column in range(3):
    patch = toy_image[0:3, column : column + 3]
    print(f"output[0, {column}] = sum(patch * kernel) = {np.sum(patch * edge_kernel)}")

# %% [markdown]
# ## 2. The loop
#
# A 3×3 kernel fits in `5 - 3 + 1 = 3` positions along each axis, so the output is 3×3. The whole operation is
# two loops over output positions. This is the heart of a `Conv2D` layer (which adds many kernels, channels, a bias
# and an activation).

# %%
def correlate_by_hand(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Slide `kernel` over `image` (no padding, stride 1); each output is sum(patch * kernel)."""
    image = image.astype(float)  # work and answer in floats; why this matters for uint8 images is shown below
    kh, kw = kernel.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out


# %% tags=["nbval-check-output"]
toy_result = correlate_by_hand(toy_image, edge_kernel)
print(toy_result)
assert np.array_equal(toy_result, conv.conv2d_naive(toy_image, edge_kernel))
assert np.array_equal(toy_result, conv.conv2d(toy_image, edge_kernel))

# %% [markdown]
# The response is 27 where the kernel straddles the edge between the 9s and the 0s, and 0 over flat regions.
# `course_utils.conv` holds the same loop as `conv2d_naive` (with channels, stride and padding), and a fast
# vectorized `conv2d`; the asserts check that all three agree.
#
# Why `image.astype(float)` and `np.zeros(...)` (a float array) for the output? Photos arrive as `uint8`, which
# holds 0 to 255 only. NumPy promotes the *products* (`uint8` pixels times an integer kernel give 64-bit integers),
# so the sums are right. The trap is the output array: `np.zeros_like(image)` of a `uint8` image is `uint8` too,
# and NumPy stores a sum above 255 or below 0 in it by wrapping around, silently:

# %% tags=["nbval-check-output"]
bright_patch = np.array([[200, 250, 250], [200, 250, 250], [200, 250, 250]], dtype=np.uint8)
true_sum = np.sum(bright_patch * edge_kernel)  # the products are promoted to int64: the sum is right
wrapped_output = np.zeros_like(bright_patch)  # uint8, like the image
wrapped_output[0, 0] = true_sum
wrapped_output[0, 1] = np.sum(bright_patch * np.ones((3, 3), dtype=np.int64))  # a box sum: 2,100
print(f"true sums: {true_sum} and {np.sum(bright_patch.astype(np.int64))}; stored in a uint8 output: "
      f"{wrapped_output[0, 0]} and {wrapped_output[0, 1]}")
assert wrapped_output[0, 0] == true_sum % 256 and wrapped_output[0, 1] == 2100 % 256

# %% [markdown]
# −150 became 106 and 2,100 became 52 (each modulo 256), with no warning. Work and store in floats.
#
# ## 3. Classic kernels on a real photo
#
# scipy's `ascent` image: 512×512 pixels, `uint8`. Each kernel below looks for one kind of pattern.

# %%
ascent = data.load_ascent()
print(ascent.shape, ascent.dtype, ascent.min(), ascent.max())

kernels = {
    "vertical edges": np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]]),
    "horizontal edges": np.array([[1, 1, 1], [0, 0, 0], [-1, -1, -1]]),
    "Sobel x": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
    "Sobel y": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "box blur": np.ones((3, 3)) / 9,
}
responses = {name: conv.conv2d(ascent, kernel) for name, kernel in kernels.items()}
for name, response in responses.items():
    print(f"{name:<17} output {response.shape}, values {response.min():8.1f} to {response.max():7.1f}")

# %%
# (extra code) shows ascent and a detail, filtered by each kernel
crop = (slice(180, 260), slice(300, 380))  # an 80x80 detail of the staircase: the row below zooms into it
fig, axes = plt.subplots(2, 7, figsize=(21, 6.6))
for row, region in enumerate([(slice(None), slice(None)), crop]):
    axes[row, 0].imshow(ascent[region], cmap="gray", vmin=0, vmax=255)
    axes[row, 0].set_title("ascent" if row == 0 else "ascent, 80x80 crop")
    for ax, (name, response) in zip(axes[row, 1:], responses.items(), strict=True):
        shown = response[region[0], region[1]] if row else response  # the crop, on the valid output (off by 1)
        if "edges" in name or "Sobel" in name:
            ax.imshow(np.abs(shown), cmap="gray", vmin=0)  # edge strength, either sign
        else:
            ax.imshow(np.clip(shown, 0, 255), cmap="gray", vmin=0, vmax=255)  # a photo again: clip to 0-255
        ax.set_title(name + ("" if row == 0 else ", crop"))
rows_cut, columns_cut = crop
axes[0, 0].add_patch(plt.Rectangle((columns_cut.start, rows_cut.start), 80, 80, fill=False, edgecolor="tab:red",
                                   linewidth=2))
for ax in axes.flat:
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# Edge kernels light up where brightness changes in their direction: the vertical kernel finds the steps' vertical
# sides, the horizontal one their horizontal edges (shown as absolute values: either sign is an edge). Sobel does the
# same with extra weight on the centre row, so it is less sensitive to noise. Sharpen boosts the centre against its
# neighbours, so its output is a photo again with crisper edges (clipped to 0–255 for display, since it
# overshoots); the box blur averages the neighbours away. The zoomed row shows the detail the full view hides.

# %% [markdown]
# ## 4. Common mistake: ignoring the boundary
#
# With `padding="valid"` the kernel stays inside the image, so the output is smaller: `H - k + 1`. With
# `padding="same"` zeros are added around the border so the output keeps the input's size (for stride 1). With a
# stride `s`, the kernel jumps `s` pixels. Here is where a 3×3 kernel lands on a 5×5 input in each case:

# %%
# (extra code) draws padding and stride on a 5×5 input
plots.padding_and_stride(5, 3, [("valid", 1), ("same", 1), ("valid", 2), ("same", 2)])
plt.show()

# %% [markdown]
# Count the dots: that is the output size. In general:
#
# $$H_{out} = \left\lfloor \frac{H - k + 2p}{s} \right\rfloor + 1$$

# %% tags=["nbval-check-output"]
def conv_output_length(size: int, kernel_size: int, padding: int, stride: int) -> int:
    return (size - kernel_size + 2 * padding) // stride + 1


for padding_name, pad, stride in [("valid", 0, 1), ("same", 1, 1), ("valid", 0, 2), ("same", 1, 2)]:
    result = conv.conv2d(ascent, kernels["Sobel x"], stride=stride, padding=padding_name)
    formula = conv_output_length(512, 3, pad, stride)
    print(f"padding={padding_name!r:8} stride={stride}: output {result.shape}, formula says {formula}")
    assert result.shape == (formula, formula)

# %% [markdown]
# The formula gets the *size* right for `same` with stride 2, but not where the padding goes. `same` means "as many
# outputs as `ceil(H / s)`"; the padding is whatever that needs, here (256 − 1) × 2 + 3 − 512 = 1 row and 1 column in
# total, and one cell cannot be split. TensorFlow puts the odd cell at the end: (0, 1), nothing before and one
# after, so its first window starts on the image's first pixel. Padding symmetrically, one on each side, as the
# formula's `p = 1` suggests, gives the same shape and other numbers:

# %%
before, after = conv.same_padding(512, 3, stride=2)
print(f"TensorFlow's 'same' padding for 512 pixels, a 3-wide kernel, stride 2: {before} before, {after} after")
ours = conv.conv2d(ascent, kernels["Sobel x"], stride=2, padding="same")  # pads (0, 1), as TensorFlow does
symmetric = conv.conv2d(np.pad(ascent, 1), kernels["Sobel x"], stride=2)  # pads (1, 1), then valid
print(f"shapes: {ours.shape} and {symmetric.shape}; equal values: {np.allclose(ours, symmetric)}")
if tf is not None:
    theirs = tf.nn.conv2d(ascent.astype(np.float32)[np.newaxis, :, :, np.newaxis],
                          kernels["Sobel x"].astype(np.float32)[:, :, np.newaxis, np.newaxis], strides=2,
                          padding="SAME").numpy()[0, :, :, 0]
    print(f"ours equals tf.nn.conv2d with padding='SAME': {np.allclose(ours, theirs, atol=1e-2)}")
    assert np.allclose(ours, theirs, atol=1e-2)
assert (before, after) == (0, 1) and ours.shape == symmetric.shape and not np.allclose(ours, symmetric)

# %% [markdown]
# Ignoring the boundary bites in two ways. First, **valid convolutions shrink the image every time**: stack a few
# on a 28×28 digit and the border is gone.

# %% tags=["nbval-check-output"]
size = 28
for layer in range(1, 6):
    size = conv_output_length(size, 3, 0, 1)
    print(f"after {layer} valid 3x3 convolutions: {size}x{size}")
assert size == 18

# %% [markdown]
# Second, **`same` padding invents zeros**. Blur the photo with `same` padding and the outermost ring of pixels
# is darker than it should be, because a third or more of each border window is padding.

# %%
blurred_same = conv.conv2d(ascent, kernels["box blur"], padding="same")
border_ratio = blurred_same[0, 1:-1].mean() / ascent[0, 1:-1].mean()
corner_ratio = blurred_same[0, 0] / ascent[0:2, 0:2].mean()
print(f"top row after 'same' blur: {border_ratio:.2f} of its true brightness (about 6/9 expected)")
print(f"corner pixel: {corner_ratio:.2f} (about 4/9 expected)")
assert 0.55 < border_ratio < 0.75

# %% [markdown]
# Keras uses zero padding too, so the first `Conv2D` of a network sees this frame; it learns to cope. Your own
# image-processing code may not: pick `valid` and accept the smaller output, or pad by reflection
# (`np.pad(image, 1, mode="reflect")`) when the border matters.

# %% [markdown]
# ## 5. Cross-correlation is not convolution
#
# In mathematics, convolution *flips* the kernel (both axes) before sliding it; what we computed above, without the
# flip, is *cross-correlation*. The difference shows with an asymmetric kernel applied to a single bright pixel.

# %% tags=["nbval-check-output"]
import scipy.signal

impulse = np.zeros((5, 5))
impulse[2, 2] = 1
asymmetric_kernel = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
print("cross-correlation (Conv2D):\n", conv.conv2d(impulse, asymmetric_kernel))
print("convolution (scipy.signal.convolve2d):\n", scipy.signal.convolve2d(impulse, asymmetric_kernel, mode="valid"))
flipped = asymmetric_kernel[::-1, ::-1]
assert np.array_equal(conv.conv2d(impulse, flipped), scipy.signal.convolve2d(impulse, asymmetric_kernel, mode="valid"))
assert np.array_equal(conv.conv2d(ascent, kernels["Sobel x"]), scipy.signal.correlate2d(ascent, kernels["Sobel x"],
                                                                                         mode="valid"))

# %% [markdown]
# Convolution stamps the kernel as it is; cross-correlation stamps it upside down and mirrored. Deep-learning
# frameworks skip the flip because the kernel is *learned*: a network that needed the flipped kernel simply learns
# the flipped numbers. Skipping it saves work and nothing is lost. When you copy a kernel from a textbook into a
# `Conv2D` layer, though, flip it if the book meant true convolution.

# %% [markdown]
# ## 6. Negative responses: clipping vs rescaling for display
#
# Edge responses are signed: a bright-to-dark step gives a positive value, dark-to-bright a negative one. Images
# are displayed as 0–255, so the result has to be mapped somehow. Clipping to 0–255 (what `np.clip` or a cast to
# `uint8` after clipping does) silently throws away every negative response, and with them every edge that goes
# the other way: the cell below measures what share of the strong edges that is.

# %%
sobel_x = conv.conv2d(ascent, kernels["Sobel x"])
clipped = np.clip(sobel_x, 0, 255)
rescaled = (sobel_x - sobel_x.min()) / (sobel_x.max() - sobel_x.min()) * 255
magnitude = np.abs(sobel_x)
strong = magnitude > 100
lost = (strong & (sobel_x < 0)).sum() / strong.sum()
print(f"Sobel x values run from {sobel_x.min():.0f} to {sobel_x.max():.0f}")
print(f"strong edges (|response| > 100) that clipping turns black: {lost:.0%}")
assert 0.2 < lost < 0.8

# %%
# (extra code) shows three ways to display signed filter outputs
fig, axes = plt.subplots(1, 3, figsize=(12, 4))
for ax, image, title in zip(
    axes,
    (clipped, rescaled, magnitude),
    ("clipped to 0–255: negative edges vanish", "rescaled min–max: grey = 0", "absolute value: every edge"),
    strict=True,
):
    ax.imshow(image, cmap="gray")
    ax.set_title(title)
    ax.axis("off")
plt.show()

# %% [markdown]
# Rescaling keeps the sign (dark = negative, light = positive, grey = zero); the absolute value shows edge
# *strength* regardless of direction. Either is honest. Clipping is not.

# %% [markdown]
# ## 7. Check against TensorFlow
#
# `tf.nn.conv2d` wants a batch and channels: images `(N, H, W, C)` and kernels `(kh, kw, C_in, F)`. Our `conv2d`
# accepts the same layout for one image, `(H, W, C)`. Same numbers, up to float32 rounding:

# %%
if tf is None:
    results.show_verified("largest_difference_vs_tf")
else:
    ascent_hwc = ascent.astype(np.float32)[:, :, np.newaxis]  # (512, 512, 1): add the channel axis
    kernel_stack = np.stack([k.astype(np.float32) for k in kernels.values()], axis=-1)[:, :, np.newaxis, :]
    print("image", ascent_hwc.shape, "kernels", kernel_stack.shape)
    largest_difference = 0.0
    for padding_name in ("valid", "same"):
        ours = conv.conv2d(ascent_hwc, kernel_stack, padding=padding_name)
        theirs = tf.nn.conv2d(ascent_hwc[np.newaxis], kernel_stack, strides=1, padding=padding_name.upper()).numpy()[0]
        difference = np.abs(ours - theirs).max()
        print(f"{padding_name}: output {ours.shape}, largest difference from tf.nn.conv2d: {difference:.2e}")
        assert ours.shape == theirs.shape and difference < 1e-3
        largest_difference = max(largest_difference, float(difference))
    results.expect("largest_difference_vs_tf", largest_difference, full=(0.0, 1e-3))

# %% [markdown]
# ## 8. Several channels, several filters: what `Conv2D` computes
#
# A colour photo has 3 channels, and the second layer of notebook 02's CNN reads the 64 maps of the first. A
# `Conv2D(F, (kh, kw))` layer stores its weights as `(kh, kw, C_in, F)` and one bias per filter. Output map `f` is,
# at every position, the sum over the window **and over all input channels** of input × weight, plus the bias of
# filter `f`:
#
# out[i, j, f] = Σ over a, b, c of image[i + a, j + b, c] · kernels[a, b, c, f] + bias[f]
#
# It is section 2's loop with two more loops around the sum, over filters and over channels. Exercise 2 asks you to
# write it; here `conv.conv2d_naive` (the course's loop version) computes it, and we check it against the
# vectorised `conv.conv2d` and against TensorFlow.

# %% [markdown]
# scipy's `face` photo is in colour, `(768, 1024, 3)`. Two filters that read all three channels: filter 0 applies
# Sobel x to each channel and sums, so it finds vertical edges in the brightness; filter 1 looks only at the centre
# pixel, red minus blue, so it answers to colour, not to edges. Two filters, so two output maps.

# %%
face = data.load_face()  # (768, 1024, 3) uint8, red, green, blue
face_crop = face[260:420, 560:720].astype(np.float64) / 255  # 160x160 around the raccoon's eye, scaled to 0-1
colour_kernels = np.zeros((3, 3, 3, 2))  # (kh, kw, C_in, F)
colour_kernels[:, :, :, 0] = kernels["Sobel x"][:, :, np.newaxis] / 3  # every channel, the same edge kernel
colour_kernels[1, 1, :, 1] = [1.0, 0.0, -1.0]  # the centre pixel's red minus its blue
colour_biases = np.zeros(2)  # one per filter; a trained layer learns them (below)
by_hand = conv.conv2d_naive(face_crop, colour_kernels) + colour_biases  # loops over positions, filters, channels
vectorized = conv.conv2d(face_crop, colour_kernels) + colour_biases
print(f"image {face_crop.shape}, kernels {colour_kernels.shape} -> output {by_hand.shape}")
print(f"largest difference, loops vs vectorised: {np.abs(by_hand - vectorized).max():.1e}")
assert by_hand.shape == (158, 158, 2) and np.allclose(by_hand, vectorized)
if tf is not None:
    with_tf = tf.nn.conv2d(face_crop[np.newaxis], colour_kernels, strides=1, padding="VALID").numpy()[0]
    print(f"largest difference, loops vs tf.nn.conv2d: {np.abs(by_hand - (with_tf + colour_biases)).max():.1e}")
    assert np.allclose(by_hand, with_tf + colour_biases)

# %%
# (extra code) shows the face crop and two filters' outputs
fig, axes = plt.subplots(1, 3, figsize=(12, 4))
axes[0].imshow(face_crop)
axes[0].set_title("face, 160x160 crop (3 channels)")
for ax, index, title in zip(axes[1:], (0, 1), ("filter 0: Sobel x on all channels", "filter 1: red minus blue"),
                            strict=True):
    limit = np.abs(by_hand[:, :, index]).max()
    shown = ax.imshow(by_hand[:, :, index], cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(title)
    fig.colorbar(shown, ax=ax, fraction=0.046)
for ax in axes:
    ax.axis("off")
plt.show()

# %% [markdown]
# The red-minus-blue map shows square blocks that the photo does not seem to have. They are not the filter's doing:
# `face` was once a JPEG, and JPEG stores colour at half the resolution of brightness, compressed in blocks, so the
# colour of each 16×16 square is coded on its own. A filter that reads colour differences shows those seams. Measured
# on the whole photo: how much red minus blue changes from one column to the next, at the 16-pixel seams and
# elsewhere (the crop above starts on a seam, at column 560 = 35 × 16).

# %%
red_minus_blue = face[:, :, 0].astype(float) - face[:, :, 2]
brightness = face.astype(float).mean(axis=2)
for name, channel in (("red minus blue", red_minus_blue), ("brightness", brightness)):
    step = np.abs(np.diff(channel, axis=1)).mean(axis=0)  # change from column j to column j + 1
    at_seams = step[15::16].mean()  # between columns 16k + 15 and 16k + 16
    elsewhere = np.delete(step, np.s_[15::16]).mean()
    print(f"{name:>14}: change across a 16-pixel seam {at_seams:.2f}, elsewhere {elsewhere:.2f} "
          f"({at_seams / elsewhere:.1f}x)")
    if name == "red minus blue":
        colour_seam_ratio = at_seams / elsewhere
    else:
        brightness_seam_ratio = at_seams / elsewhere
results.record(colour_seam_ratio=colour_seam_ratio, brightness_seam_ratio=brightness_seam_ratio, claims={
    "colour_has_jpeg_seams": (colour_seam_ratio > 3 > 1.5 > brightness_seam_ratio, "red minus blue changes over 3x "
                              "more across the 16-pixel seams than elsewhere; brightness under 1.5x")})

# %% [markdown]
# Colour jumps several times more across the seams than anywhere else, brightness much less: the blocks are
# compression artefacts in the photo's colour, which a colour filter faithfully reports. A network trained on JPEG
# photos sees them too.

# %% [markdown]
# ### A trained layer, reproduced with NumPy
#
# Notebook 02 saved its trained CNN in the course output folder. Its first two `Conv2D` layers hold 64 filters of
# 3×3×1 and 64 filters of 3×3×**64**. We send one Fashion-MNIST test image through them with NumPy, using the layers'
# own weights (`layer.get_weights()` gives the kernels and the biases), and compare with Keras. If notebook 02 has
# not run on this machine, the cell trains notebook 02's model (`build_first_cnn`) for one epoch instead.

# %%
if keras is None:
    print("Keras is not available here (a browser has none): this part runs on Colab, Binder or your own "
          "machine.")
else:
    cnn, source = saving.load_model(f"02_first_cnn_{mode.name()}.keras", input_shape=(28, 28, 1))
    print(source)
    (train_images, train_labels), (test_images, _) = data.load_fashion_mnist()
    if cnn is None:  # notebook 02 has not run here: train its model briefly
        from course_utils.models import build_first_cnn  # notebook 02's function (needs Keras)

        cnn = build_first_cnn(seed=SEED)
        cnn.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        cnn.fit(train_images[:6000, ..., np.newaxis], train_labels[:6000], epochs=1, batch_size=128, verbose=0)
    first_conv, second_conv = [layer for layer in cnn.layers if isinstance(layer, keras.layers.Conv2D)][:2]
    kernels_1, biases_1 = first_conv.get_weights()
    kernels_2, biases_2 = second_conv.get_weights()
    print(f"first Conv2D kernels {kernels_1.shape}, second {kernels_2.shape}: "
          f"{kernels_2.size + biases_2.size:,} parameters = 3 x 3 x 64 x 64 + 64")

# %%
if keras is None:
    results.show_verified("trained_layer_difference_vs_keras")
else:
    image = test_images[0].astype(np.float64)[:, :, np.newaxis] / 255  # (28, 28, 1), scaled like Rescaling does
    maps_1 = np.maximum(conv.conv2d(image, kernels_1) + biases_1, 0)  # Conv2D(64, 3, activation="relu")
    pooled_1 = conv.max_pool2d(maps_1, 2)  # MaxPooling2D(2)
    maps_2 = np.maximum(conv.conv2d(pooled_1, kernels_2) + biases_2, 0)  # 64 input channels summed per filter
    keras_1, keras_2 = keras.Model(cnn.inputs, [first_conv.output, second_conv.output]).predict(
        test_images[:1, :, :, np.newaxis], verbose=0)
    layer_difference = max(np.abs(maps_1 - keras_1[0]).max() / keras_1.max(), np.abs(maps_2 - keras_2[0]).max()
                           / keras_2.max())
    print(f"NumPy {maps_1.shape} -> {pooled_1.shape} -> {maps_2.shape}; largest difference from Keras, relative to "
          f"the largest activation: {layer_difference:.1e}")
    results.expect("trained_layer_difference_vs_keras", float(layer_difference), full=(0.0, 1e-4))

# %% [markdown]
# The same numbers, up to float32 rounding: a `Conv2D` layer is this sum, over a window and over every input
# channel, for every filter, plus a bias, then the activation. Nothing more.
#
# ## 9. A 1×1 convolution mixes channels
#
# A 1×1 kernel sees a single pixel, but all of its channels: each output map is a weighted sum of the input maps at
# the same position, with the same weights everywhere. It changes the number of channels, not the height and width,
# and costs C_in × C_out + C_out parameters. GoogLeNet and ResNet use it to shrink the channels cheaply before a
# larger kernel. The most familiar 1×1 convolution turns a colour photo grey: 3 channels in, 1 out, with the
# luminance weights of the ITU-R BT.601 standard (green counts most, blue least):

# %%
to_grey = np.array([0.299, 0.587, 0.114]).reshape(1, 1, 3, 1)  # (kh, kw, C_in, F) = (1, 1, 3, 1)
grey = conv.conv2d(face_crop, to_grey)
per_pixel = face_crop @ to_grey[0, 0]  # the same thing: one (3 -> 1) matrix product at every pixel
print(f"{face_crop.shape} -> {grey.shape}; equal to a matrix product at every pixel: {np.allclose(grey, per_pixel)}")
assert grey.shape == (160, 160, 1) and np.allclose(grey, per_pixel)

# %% [markdown]
# ## 10. The gradient of a convolution is a convolution
#
# Training needs, for every weight, how the loss changes when that weight changes. Take a tiny example: a 4×4 image
# X, a 2×2 kernel K, the 3×3 output Y = X ⋆ K (⋆ is the correlation of section 2), and the gradient of the loss
# with respect to Y, G = ∂L/∂Y, which the layers above have already computed (backpropagation runs from the loss
# backwards, layer by layer).
#
# **The kernel's gradient.** Weight K[a, b] multiplies X[i + a, j + b] in output Y[i, j], for every (i, j). So
# ∂L/∂K[a, b] = Σᵢⱼ G[i, j] · X[i + a, j + b]: slide G over X and sum the products. That is **X ⋆ G**, the image
# correlated with the output's gradient, and it has the kernel's shape: (4 − 3 + 1) × (4 − 3 + 1) = 2×2.
#
# **The image's gradient.** Pixel X[p, q] fed every output whose window covers it, through the weight at its place
# in that window: ∂L/∂X[p, q] = Σᵢⱼ G[i, j] · K[p − i, q − j]. That is **pad(G) ⋆ flip(K)**: G padded with one row
# and column of zeros on every side (kernel size − 1), correlated with the kernel turned by 180°, 4×4 like X.
#
# Both come from `conv.conv2d` alone. We check them against `conv.conv2d_backward` and against TensorFlow's
# automatic differentiation, `tf.GradientTape`, with a loss whose gradient with respect to Y is exactly G.

# %%
X = np.arange(16, dtype=np.float64).reshape(4, 4)
K = np.array([[1.0, -2.0], [0.5, 3.0]])
G = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0], [0.0, -1.0, 1.0]])  # dL/dY, given by the layers above

grad_kernel = conv.conv2d(X, G)  # X correlated with G
grad_image = conv.conv2d(np.pad(G, 1), K[::-1, ::-1])  # pad(G) correlated with the flipped kernel
print("dL/dK =\n", grad_kernel, "\ndL/dX =\n", grad_image)

# %%
library_image, library_kernel = conv.conv2d_backward(X, K, G)
print(f"conv2d_backward: dL/dK differs by {np.abs(grad_kernel - library_kernel).max():.1e}, "
      f"dL/dX by {np.abs(grad_image - library_image).max():.1e}")
assert np.allclose(grad_kernel, library_kernel) and np.allclose(grad_image, library_image)
if tf is None:
    print("TensorFlow is not available here (a browser has none): the GradientTape check runs on Colab, Binder or "
          "your own machine, and in the course's tests.")
else:
    x_variable, k_variable = tf.Variable(X), tf.Variable(K)
    with tf.GradientTape() as tape:
        Y = tf.nn.conv2d(x_variable[tf.newaxis, :, :, tf.newaxis], k_variable[:, :, tf.newaxis, tf.newaxis], 1,
                         "VALID")
        loss = tf.reduce_sum(Y[0, :, :, 0] * G)  # dL/dY = G
    tape_image, tape_kernel = (gradient.numpy() for gradient in tape.gradient(loss, [x_variable, k_variable]))
    print(f"GradientTape: dL/dK differs by {np.abs(grad_kernel - tape_kernel).max():.1e}, "
          f"dL/dX by {np.abs(grad_image - tape_image).max():.1e}")
    assert np.allclose(grad_kernel, tape_kernel) and np.allclose(grad_image, tape_image)

# %% [markdown]
# With stride, padding, channels and a batch the bookkeeping grows (each filter's gradient sums over the batch and
# the positions; each input channel's over the filters), but the idea is the same. `conv.conv2d_backward` handles
# every case, vectorised; `tests/test_conv.py` checks it against `tf.GradientTape` on random shapes, strides and
# paddings, and with finite differences. Here, on the trained second layer, for a batch of 8 test images:

# %%
if tf is None:
    results.show_verified("batch_gradient_difference_vs_tf")
else:
    batch = np.stack([conv.max_pool2d(np.maximum(conv.conv2d(test_images[n, :, :, np.newaxis] / 255, kernels_1)
                                                 + biases_1, 0), 2) for n in range(8)]).astype(np.float32)
    outputs_2 = conv.conv2d(batch, kernels_2)  # (8, 11, 11, 64): a batch, 64 channels in, 64 filters out
    upstream = np.cos(np.arange(outputs_2.size, dtype=np.float32)).reshape(outputs_2.shape)  # any dL/dY will do
    grad_batch, grad_kernels_2 = conv.conv2d_backward(batch, kernels_2, upstream)
    batch_variable, kernel_variable = tf.Variable(batch), tf.Variable(kernels_2)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.nn.conv2d(batch_variable, kernel_variable, 1, "VALID") * upstream)
    tape_batch, tape_kernels = (gradient.numpy() for gradient in tape.gradient(loss, [batch_variable, kernel_variable]))
    gradient_difference = max(np.abs(grad_batch - tape_batch).max() / np.abs(tape_batch).max(),
                              np.abs(grad_kernels_2 - tape_kernels).max() / np.abs(tape_kernels).max())
    print(f"batch {batch.shape}, kernels {kernels_2.shape}: gradients {grad_batch.shape} and {grad_kernels_2.shape}; "
          f"largest relative difference from GradientTape {gradient_difference:.1e}")
    results.expect("batch_gradient_difference_vs_tf", float(gradient_difference), full=(0.0, 1e-4))

# %% [markdown]
# ## 11. How fast is each way?
#
# The same 3×3 convolution, four ways, timed in this run. In fast mode the image is cropped to 128×128 so CI stays
# quick.

# %%
side = mode.by_mode(full=512, fast=128)
image = ascent[:side, :side].astype(np.float64)
kernel = kernels["Sobel x"].astype(np.float64)
ways = {
    "loops (conv2d_naive)": lambda: conv.conv2d_naive(image, kernel),
    "vectorized NumPy (conv2d)": lambda: conv.conv2d(image, kernel),
    "scipy.signal.correlate2d": lambda: scipy.signal.correlate2d(image, kernel, mode="valid"),
}
if tf is not None:  # not in the browser
    image_tf = tf.constant(image[np.newaxis, :, :, np.newaxis], dtype=tf.float32)
    kernel_tf = tf.constant(kernel[:, :, np.newaxis, np.newaxis], dtype=tf.float32)
    ways["tf.nn.conv2d"] = lambda: tf.nn.conv2d(image_tf, kernel_tf, strides=1, padding="VALID")
seconds = {}
for name, run in ways.items():
    run()  # warm-up: TensorFlow builds its kernel on the first call
    repeats = 1 if "loops" in name else 10
    with Timer() as timer:
        for _ in range(repeats):
            run()
    seconds[name] = timer.seconds / repeats
print(f"{side}x{side} image, 3x3 kernel")
for name, duration in seconds.items():
    print(f"  {name:<27} {duration * 1000:9.2f} ms   {seconds['loops (conv2d_naive)'] / duration:7.0f}x the loops")

# %% [markdown]
# The loops do the same arithmetic as the others; they are slow because Python runs each of the ~260,000 window
# sums one at a time. Vectorized NumPy hands all windows to compiled code at once (see
# `benchmarks/conv_numpy.py` for a careful side-by-side measurement). Write loops to understand, vectorize to use.

# %% [markdown]
# ## 12. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb07 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1. Stride and padding in the loop.** `correlate_by_hand` slides the kernel one pixel at a time over
# the image as it is. Write `conv2d_strided(image, kernel, stride, padding)`: first add `padding` rows and columns
# of zeros on every side, then move the window `stride` pixels at a time. The check compares with the formula of
# section 4 and tells you if the padding is missing or one-sided, the window moves the wrong amount, the size is
# off by one, or `uint8` numbers overflow.

# %%
def conv2d_strided(image, kernel, stride, padding):
    ...  # your code here


ex.q1.check(conv2d_strided)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2. Several input channels.** A real `Conv2D` reads every channel of its input: a colour photo has 3,
# and the second layer of notebook 02's CNN reads the 64 maps of the first. Its weights are stored as
# `(kh, kw, C_in, F)`: filter `f` is the block `kernels[..., f]`, one `kh × kw` slice per input channel. Write
# `conv2d_channels(image, kernels)` for an image `(H, W, C_in)`: valid, stride 1, returning `(H', W', F)`, where
# each output value sums the products over the window *and* over all input channels. Section 7 checked
# `conv.conv2d` against TensorFlow in this layout.

# %%
def conv2d_channels(image, kernels):
    ...  # your code here


ex.q2.check(conv2d_channels)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** Which of these kernels responds to *horizontal* edges? Answer `"A"`, `"B"` or `"C"`. Try them
# on `ascent` with `conv.conv2d` if you are unsure.

# %% tags=["nbval-check-output"]
for label, kernel in ex.KERNELS.items():
    print(label, kernel.tolist())

# %%
horizontal_edge_kernel = ...  # "A", "B" or "C"

ex.q3.check(horizontal_edge_kernel)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Exercise 4. The kernel's gradient, by hand.** Write `grad_kernel_by_hand(image, grad_output)` for a valid,
# stride-1 correlation of a 2-D image: given ∂L/∂Y (`grad_output`, shaped like the output), return ∂L/∂K, shaped
# like the kernel. Section 10 derived it; write it with loops, not with `conv.conv2d`.

# %%
def grad_kernel_by_hand(image, grad_output):
    ...  # your code here


ex.q4.check(grad_kernel_by_hand)

# %%
# ex.q4.hint()
# ex.q4.solution()

# %% [markdown]
# **Stretch exercise. Design a kernel for diagonal edges.** Sobel x answers to vertical edges, Sobel y to
# horizontal ones. Write `diagonal_kernel`, a 3×3 array that answers to edges running along `/` (bottom left to
# top right), and, like every edge detector, gives 0 on a flat area. The next cell measures, on `ascent`, how
# strongly it responds compared with Sobel x: the mean |response| divided by the kernel's total |weight|, so that
# multiplying a kernel by 10 changes nothing.

# %% tags=["stretch-answer"]
diagonal_kernel = ...  # a 3x3 np.array

# %%
diagonal_strength = sobel_strength = None
if ex.stretch.ready(diagonal_kernel):
    diagonal_strength = ex.strength(ascent, diagonal_kernel)
    sobel_strength = ex.strength(ascent, kernels["Sobel x"])
    print(f"response per unit of weight on ascent: your '/' kernel {diagonal_strength:.2f}, "
          f"Sobel x {sobel_strength:.2f}")

# %% [markdown]
# Is your kernel's strength `"higher"`, `"lower"` or `"about the same"` as Sobel x's on this photo? Count a
# difference within 5% as the same.

# %% tags=["stretch-answer"]
diagonal_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(diagonal_verdict, kernel=diagonal_kernel, image=ascent, diagonal=diagonal_strength,
                 sobel=sobel_strength)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - One output value is `sum(patch * kernel)`; a convolution layer is that sum at every position, for every kernel.
# - Output size: `(H - k + 2p) // s + 1`. `valid` shrinks the image; `same` keeps its size by padding with zeros,
#   which darkens the border.
# - `Conv2D` computes cross-correlation (no flip). Learned kernels make the flip irrelevant.
# - Edge responses are signed: rescale or take the absolute value to display them; never clip them. (A sharpened
#   photo is different: it is a photo again, and clipping its overshoot to 0–255 is how it is shown.)
# - Our NumPy results equal `tf.nn.conv2d` and `scipy.signal.correlate2d`.
# - A `Conv2D` layer sums over the window and every input channel, once per filter, then adds a bias: a trained
#   layer's output is reproduced from its weights. A 1×1 convolution mixes channels at each pixel.
# - Backward: ∂L/∂K = X ⋆ G and ∂L/∂X = pad(G) ⋆ flip(K), two convolutions again.
#
# **Next: [08 · pooling in NumPy](08_manual_pooling.ipynb)**: shrink these feature maps with max and average
# pooling, and see what is kept and what is lost.
