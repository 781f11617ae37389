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
# # 02 · Your first CNN: Conv2D and MaxPooling2D
# <!-- course-map: First CNN | What one filter computes, `Conv2D` + `MaxPooling2D`, why dense layers are not enough
# for images, equivariance and shifts, beat the baseline. -->
#
# **Why this matters.** The dense baseline of notebook 01 reached about 0.86<!-- value: 01/test_accuracy --> test
# accuracy, but it treats an image
# as a shuffled bag of 784 numbers. A convolutional network keeps the image's 2-D layout and looks at small
# neighbourhoods with the same filter everywhere. This notebook shows, with measurements, what the dense model
# gets wrong, then builds and trains the first CNN of the course.
#
# *CNNs, hands-on* · notebook 2 of 8 · previous: [**01 · dense baseline**](01_dense_baseline.ipynb) ·
# next: [**03 · deeper CNN**](03_deeper_cnn.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/02_first_cnn.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/02_first_cnn.ipynb)

# %% [markdown]
# ## You will learn
#
# - why dense layers are a poor fit for images: parameter count, lost layout, no tolerance for shifts, measured;
# - the input shape `Conv2D` expects, and the error you get without a channel axis;
# - how `Conv2D` and `MaxPooling2D` change the shape of the data, layer by layer;
# - how to count a convolution layer's parameters by hand;
# - how the first CNN compares with the dense baseline on the same data.
#
# Cells whose first line is `# (extra code)` only draw figures or tables.

# %% [markdown]
# ## Setup
#
# Run this cell first: one import line brings in NumPy, matplotlib, Keras and the course's helpers, and `setup` seeds
# the random generators and reports the environment and the mode. On Colab it first installs the course's helper
# package, `course_utils` (about 10 s); anywhere else it installs nothing.

# %%
import sys

if "google.colab" in sys.modules:  # on Colab only: install the course helpers (pinned), keep Colab's TensorFlow
    # %pip install --quiet --no-deps "course-utils @ git+https://github.com/cnns-hands-on/cnns-hands-on@main"
    sys.path_importer_cache.clear()  # forget cached folder listings: find the package installed a moment ago

from course_utils.start import *  # np, plt, keras, tf, and the course helpers (data, plots, results and more)

SEED = setup(seed=42)  # seeds every random generator, prints the environment; COURSE_SEED overrides 42

# %% [markdown]
# ## 1. The data, as in notebook 01, with one change
#
# Fashion-MNIST again. This time we keep the pixels as `uint8` and let each model scale them itself, with a
# `keras.layers.Rescaling(1 / 255)` layer right after its input. The arithmetic is the one of notebook 01, but the
# training images take 4 times less memory, and a model that scales its own input can never be fed unscaled images
# by mistake. In fast mode, `fast=(6000, 2000)` keeps the first 6,000 training and 2,000 test images.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist(fast=(6000, 2000))
class_names = data.FASHION_CLASS_NAMES
print(f"train {train_images.shape} {train_images.dtype}, test {test_images.shape}")
print(f"training images: {train_images.nbytes / 2**20:.0f} MiB as uint8, "
      f"{train_images.nbytes * 4 / 2**20:.0f} MiB if converted to float32")

# %% [markdown]
# ## 2. Why dense layers are not enough for images
#
# ### 2a. Parameters grow with the image
#
# A `Dense(128)` layer after `Flatten` has one weight per pixel per unit. In notebook 01 that was 100,480 weights
# and biases for a tiny 28×28 greyscale image. For real photos it explodes. Next to it, a `Conv2D(64, (3, 3))`:

# %% tags=["nbval-check-output"]
for height, width, channels in [(28, 28, 1), (64, 64, 3), (224, 224, 3)]:
    dense_parameters = height * width * channels * 128 + 128
    conv_parameters_here = 3 * 3 * channels * 64 + 64
    print(f"{height}x{width}x{channels} image -> Dense(128) needs {dense_parameters:>12,} parameters, "
          f"Conv2D(64, 3x3) {conv_parameters_here:>6,}")
assert 28 * 28 * 1 * 128 + 128 == 100_480

# %% [markdown]
# The convolution's count depends on the number of input channels, not on the height and width: 3 × 3 × 1 × 64 +
# 64 = 640 for a greyscale image of any size, 3 × 3 × 3 × 64 + 64 = 1,792 for an RGB one, because the same small
# filters slide over every position (*weight sharing*).
#
# ### 2b. The dense model does not know which pixels are neighbours
#
# Shuffle the 784 pixel positions with one fixed permutation, the same for every image. To us the images become
# noise. To the dense model nothing changes: it never used the layout. We train the notebook-01 baseline on both
# versions, from the same starting weights.
#
# Every model in this notebook trains with one recipe, `train()` below: 4 epochs, batches of 128 images, and Adam
# whose learning rate decays along a cosine curve from 0.002 to 0. Larger batches keep the CPU busier per step;
# the decaying rate takes big steps early and settles the weights at the end. `compile_with_cosine` sets up that
# optimizer; its `# @save` mark exports it to `course_utils.models`, and every later notebook trains with it.

# %%
def build_scaled_dense() -> keras.Model:
    """The model of notebook 01 (Flatten -> Dense(128, relu) -> Dense(10, softmax)), scaling its own input."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Rescaling(1 / 255),  # uint8 0-255 in, float 0-1 out
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="dense_baseline",
    )


def compile_with_cosine(model: keras.Model, *, rate: float, steps: int, floor: float = 0.0,  # @save
                        warmup: int = 0, metrics: bool = True, steps_per_execution: int = 32,
                        from_logits: bool = False) -> keras.Model:
    """Compile for integer labels with Adam, its rate gliding along a cosine from ``rate`` to ``floor * rate``."""
    # The cosine spans `steps` optimizer steps. With `warmup` steps, the rate first climbs in a straight line from
    # rate / 10 to rate, and the cosine takes the rest. `steps_per_execution` steps run per call from Python: the same
    # arithmetic, less overhead (notebook 01). `from_logits=True` is for a model without a final softmax (notebook
    # 11's). Every later notebook and benchmark compiles with this function.
    if warmup:
        schedule = keras.optimizers.schedules.CosineDecay(rate / 10, decay_steps=steps - warmup, alpha=floor,
                                                          warmup_target=rate, warmup_steps=warmup)
    else:
        schedule = keras.optimizers.schedules.CosineDecay(rate, decay_steps=steps, alpha=floor)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True) if from_logits else \
        "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss=loss,
                  metrics=["accuracy"] if metrics else None, steps_per_execution=steps_per_execution)
    return model


epochs = mode.by_mode(full=4, fast=2)


def train(model: keras.Model, images: np.ndarray, labels: np.ndarray,
          epochs: int = epochs) -> tuple[keras.callbacks.History, Timer]:
    """The one training recipe of this notebook, so every model gets the same treatment."""
    steps = epochs * int(np.ceil(0.9 * len(images) / 128))  # 10% of the images are held out for validation
    compile_with_cosine(model, rate=0.002, steps=steps)  # big steps first, fine ones at the end
    with Timer() as timer:
        history = model.fit(images, labels, epochs=epochs, batch_size=128, validation_split=0.1, verbose=0)
    return history, timer


permutation = np.random.default_rng(SEED).permutation(28 * 28)


def shuffle_pixels(images: np.ndarray) -> np.ndarray:
    return images.reshape(len(images), -1)[:, permutation].reshape(images.shape)


dense_results = {}
for name, train_x, test_x in [
    ("dense", train_images, test_images),
    ("dense, shuffled pixels", shuffle_pixels(train_images), shuffle_pixels(test_images)),
]:
    keras.utils.set_random_seed(SEED)
    model = build_scaled_dense()
    history, timer = train(model, train_x, train_labels)
    test_accuracy = model.evaluate(test_x, test_labels, verbose=0)[1]
    dense_results[name] = {"model": model, "history": history, "seconds": timer.seconds, "accuracy": test_accuracy}
    print(f"{name:<24} test accuracy {test_accuracy:.4f}  ({timer})")

dense_model = dense_results["dense"]["model"]
shuffled_gap = abs(dense_results["dense"]["accuracy"] - dense_results["dense, shuffled pixels"]["accuracy"])
results.claim("shuffling_barely_matters", shuffled_gap < 0.02,
              "the dense model's test accuracy changes by less than 0.02 when the pixels are shuffled")

# %%
# (extra code) shows 8 training images with their pixels shuffled
plots.image_grid(shuffle_pixels(train_images[:8]), train_labels[:8], class_names,
                 title="The same training images with shuffled pixels: the dense model learns them just as well")
plt.show()

# %% [markdown]
# ### 2c. Shift an image and the dense model loses track
#
# Move every test image 3 pixels to the right. A person still sees the same shirt; the dense model sees different
# inputs on every one of its weights. We measure it now and repeat the test on the CNN below.

# %%
def shift_right(images: np.ndarray, pixels: int = 3) -> np.ndarray:  # @save
    """Move every image `pixels` to the right, filling the gap on the left with black (0)."""
    shifted = np.zeros_like(images)
    shifted[:, :, pixels:] = images[:, :, :-pixels]
    return shifted


test_shifted = shift_right(test_images)
dense_shifted_accuracy = dense_model.evaluate(test_shifted, test_labels, verbose=0)[1]
print(f"dense model: {dense_results['dense']['accuracy']:.4f} on the test set, "
      f"{dense_shifted_accuracy:.4f} on the same images shifted 3 pixels right")

# %% [markdown]
# ## 3. Common mistake: forgetting the channel axis
#
# `Conv2D` expects each image as *height × width × channels* (channels last), so a batch is 4-D:
# `(N, 28, 28, 1)`. Fashion-MNIST arrives as `(N, 28, 28)`: greyscale, no channel axis. Here is what happens if you
# pass it as it is:

# %%
try:
    keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Conv2D(64, (3, 3), activation="relu")])
    caught = None
except ValueError as error:
    caught = error
    print("ValueError:", error)
assert caught is not None, "Conv2D on 3-D input should fail"

# %% [markdown]
# The message says it: the layer expected 4 dimensions (`ndim=4`) and found 3. The fix is one line: add a
# length-1 channel axis at the end. The pixels do not change, only the shape.

# %% tags=["nbval-check-output"]
train_cnn = train_images[..., np.newaxis]
test_cnn = test_images[..., np.newaxis]
test_shifted_cnn = test_shifted[..., np.newaxis]
print("before:", test_images.shape[1:], "after:", test_cnn.shape[1:])
assert train_cnn.shape[1:] == (28, 28, 1) and np.shares_memory(train_cnn, train_images)  # a view, not a copy

# %% [markdown]
# ## 4. What one filter computes
#
# A `Conv2D` filter is a small grid of weights. It sits on a 3×3 window of the image, multiplies each pixel by the
# weight on top of it, adds the nine products (plus a bias, 0 here), and writes that one number into its output map.
# Then it slides one pixel and does it again, at every position. Here is one step, with the numbers, on a 6×6 patch
# of a real training image (pixels scaled to 0–1) and a hand-made filter that responds to a dark-to-bright change
# from left to right. Notebook 07 writes this loop in NumPy; training chooses the weights, as notebook 05 shows.

# %%
# (extra code) draws one 3×3 filter sliding over a 6×6 patch
patch = train_images[0, 9:15, 10:16] / 255  # where the first training image (a boot) begins, on the left
edge_filter = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])
plots.conv_window(patch, edge_filter, row=1, col=1)
plt.show()

# %% [markdown]
# The output is smaller than the input (6×6 → 4×4): a 3×3 window fits in 4 positions across a row of 6. The same
# filter is used at every position, so it finds its pattern wherever it is, and its 9 weights are all it has to
# learn.

# %% [markdown]
# ## 5. The model
#
# `Rescaling` first, then two convolution blocks, then the same classifier head as before:
#
# - `Conv2D(64, (3, 3), activation="relu")`: 64 filters of 3×3, each producing one *feature map*;
# - `MaxPooling2D(2)`: keeps the largest value of each 2×2 window, halving height and width;
# - a second `Conv2D` + `MaxPooling2D` block works on the first block's 64 maps;
# - `Flatten → Dense(128, relu) → Dense(10, softmax)` classifies the features.

# %%
def build_first_cnn(seed: int | None = None) -> keras.Model:  # @save
    """Rescaling -> Conv2D(64) -> MaxPool -> Conv2D(64) -> MaxPool -> Flatten -> Dense(128) -> Dense(10)."""
    if seed is not None:  # reseed Keras first: the same seed, the same starting weights
        keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Conv2D(64, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="first_cnn",
    )


cnn = build_first_cnn(seed=SEED)
cnn.summary()

# %% [markdown]
# How the shape of one image changes, layer by layer, and where the parameters are:

# %% tags=["nbval-check-output"]
for layer in cnn.layers:
    layer_type = type(layer).__name__
    print(f"{layer_type:<13} output {str(tuple(layer.output.shape[1:])):<14} parameters {layer.count_params():>8,}")

# %% [markdown]
# Count the first two layers by hand. A filter has one weight per kernel cell per *input* channel, plus one bias:
#
# - first `Conv2D`: 3 × 3 × 1 × 64 + 64 = 640;
# - second `Conv2D`: 3 × 3 × **64** × 64 + 64 = 36,928, because each filter now reads all 64 maps of the first block.

# %%
first_conv_parameters = 3 * 3 * 1 * 64 + 64
second_conv_parameters = 3 * 3 * 64 * 64 + 64
assert cnn.layers[1].count_params() == first_conv_parameters == 640
assert cnn.layers[3].count_params() == second_conv_parameters == 36_928
dense_head = cnn.layers[6].count_params()
print(f"convolutions: {first_conv_parameters + second_conv_parameters:,} parameters; "
      f"Dense(128) after Flatten: {dense_head:,} (5 x 5 x 64 = 1,600 inputs)")

# %% [markdown]
# ## 6. Train, and compare with the dense baseline
#
# The same `train()` recipe as the dense models (optimizer, schedule, batch size, epochs, validation split), so the
# comparison is fair.

# %%
cnn_history, cnn_time = train(cnn, train_cnn, train_labels)
for epoch, (accuracy, val_accuracy) in enumerate(
    zip(cnn_history.history["accuracy"], cnn_history.history["val_accuracy"], strict=True), start=1
):
    print(f"epoch {epoch}: train accuracy {accuracy:.4f}, validation accuracy {val_accuracy:.4f}")
cnn_loss, cnn_accuracy = cnn.evaluate(test_cnn, test_labels, verbose=0)
cnn_shifted_accuracy = cnn.evaluate(test_shifted_cnn, test_labels, verbose=0)[1]
print(f"CNN test accuracy {cnn_accuracy:.4f} ({cnn_time}); on shifted images {cnn_shifted_accuracy:.4f}")
results.expect("test_accuracy", cnn_accuracy, full=(0.89, 1.0))

# %% [markdown]
# The two models side by side, trained on the same images for the same number of epochs:

# %%
comparison = [
    {
        "model": "dense baseline",
        "parameters": dense_model.count_params(),
        "multiply-adds per image": f"{multiply_adds(dense_model):,}",
        "train time": f"{dense_results['dense']['seconds']:.1f} s",
        "test accuracy": dense_results["dense"]["accuracy"],
        "shifted 3 px": dense_shifted_accuracy,
    },
    {
        "model": "first CNN",
        "parameters": cnn.count_params(),
        "multiply-adds per image": f"{multiply_adds(cnn):,}",
        "train time": f"{cnn_time.seconds:.1f} s",
        "test accuracy": cnn_accuracy,
        "shifted 3 px": cnn_shifted_accuracy,
    },
]
print(format_table(comparison))
dense_accuracy = dense_results["dense"]["accuracy"]
results.record(
    dense_test_accuracy=dense_accuracy,
    dense_shifted_accuracy=dense_shifted_accuracy,
    cnn_shifted_accuracy=cnn_shifted_accuracy,
    claims={
        "cnn_beats_dense": (cnn_accuracy > dense_accuracy + 0.02,
                            "the CNN's test accuracy is more than 0.02 above the dense baseline's"),
        "cnn_loses_less_on_shifts": (cnn_accuracy - cnn_shifted_accuracy < dense_accuracy - dense_shifted_accuracy,
                                     "on images shifted 3 pixels, the CNN loses less accuracy than the dense model"),
    },
)

# %% [markdown]
# ### 6b. How much of the drop is the crop?
#
# `shift_right` does more than move: the 3 rightmost columns leave the frame, and whatever ink they held is lost.
# Shoes and bags fill the width of the image, so for them the test mixes two effects. Two controls separate them,
# each changing one thing: the **crop alone** (black out the 3 rightmost columns, move nothing), and the **shift
# alone**, on the test images whose 3 rightmost columns are empty, so that the shift crops nothing from them.

# %%
edge_ink = test_images[:, :, -3:].max(axis=(1, 2))
uncropped = edge_ink == 0  # nothing in the 3 rightmost columns: shifting these images loses no pixel
cropped_only = test_images.copy()
cropped_only[:, :, -3:] = 0  # the crop without the shift
shoes = np.isin(test_labels, [5, 7, 9])  # sandal, sneaker, ankle boot
print(f"test images with ink in the 3 rightmost columns: {1 - uncropped.mean():.1%} "
      f"(shoes: {1 - uncropped[shoes].mean():.1%}); the shift crops nothing from the other {uncropped.sum():,}")


def accuracy(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> float:
    """Test accuracy, adding the channel axis for a model that expects one (the CNN)."""
    if len(model.inputs[0].shape) == 4:
        images = images[..., np.newaxis]
    return model.evaluate(images, labels, verbose=0)[1]


crop_rows, drops = [], {}
for name, model in [("dense baseline", dense_model), ("first CNN", cnn)]:
    row = {"model": name, "test": accuracy(model, test_images, test_labels),
           "shifted": accuracy(model, test_shifted, test_labels),
           "cropped only": accuracy(model, cropped_only, test_labels),
           "uncropped images": accuracy(model, test_images[uncropped], test_labels[uncropped]),
           "uncropped, shifted": accuracy(model, test_shifted[uncropped], test_labels[uncropped])}
    crop_rows.append(row)
    drops[name] = {"crop": row["test"] - row["cropped only"],
                   "shift": row["uncropped images"] - row["uncropped, shifted"]}
print(format_table(crop_rows))
results.record(
    **{f"{key}_{kind}": drops[name][part] for name, key in [("dense baseline", "dense"), ("first CNN", "cnn")]
       for kind, part in [("crop_only_drop", "crop"), ("pure_shift_drop", "shift")]},
    claims={
        "shift_not_crop_drives_the_drop": (
            all(drop["shift"] > 3 * drop["crop"] for drop in drops.values()),
            "for both models, shifting images that lose nothing costs over 3 times what the crop alone costs"),
        "cnn_loses_less_without_crop": (
            drops["first CNN"]["shift"] < drops["dense baseline"]["shift"],
            "on the images the shift does not crop, the CNN loses less accuracy than the dense model"),
    },
)

# %%
# (extra code) draws the dense and CNN curves side by side
plots.history_curves({"dense": dense_results["dense"]["history"], "CNN": cnn_history},
                     title="Dense baseline vs first CNN, same recipe")
plt.show()

# %% [markdown]
# In our full-mode run (seed 42) the CNN reached **0.903**<!-- value: test_accuracy --> test accuracy against
# 0.868<!-- value: dense_test_accuracy --> for the dense baseline trained the same way. It has 2.4 times the
# parameters, but most sit in the `Dense(128)` after `Flatten`: the two convolutions hold only 37,568. It needs
# about 50 times the multiply-adds per image (the table's column: every filter visits every position), so on a CPU
# it trains far longer; the table's times are from your run, and they vary with the machine and its load.
#
# **Shifted images.** The dense model fell from 0.868<!-- value: dense_test_accuracy --> to
# 0.323<!-- value: dense_shifted_accuracy --> on images shifted 3 pixels, and the CNN from
# 0.903<!-- value: test_accuracy --> to 0.525<!-- value: cnn_shifted_accuracy -->. Better, but far from immune. Each
# part of the CNN plays its role:
#
# - **Convolution is shift-*equivariant*:** shift the input and every feature map shifts by the same amount, with
#   the same values (the next cell checks it on the trained first layer). Inside the frame nothing is lost, it is
#   only moved; what the shift pushes out at the right edge is gone, for the maps as for the image.
# - **Max pooling is only *partly* shift-invariant:** a 2×2 window keeps its maximum when the feature moves within
#   the window, but a 3-pixel shift moves most features into other windows; two poolings absorb small jitters,
#   not a shift of 3 pixels.
# - **`Flatten → Dense` is not shift-invariant at all:** it gives every position of the last feature maps its own
#   weights, like the dense model does with pixels. The shifted features arrive at positions those weights were
#   not trained on, and accuracy falls.
#
# **Is it the crop?** About half of the test images have ink in the 3 columns that the shift pushes out of the
# frame, nearly every shoe among them (section 6b prints the shares). The controls of section 6b say the crop is a
# small part of the story: cropping without shifting cost the CNN 0.002<!-- value: cnn_crop_only_drop --> and the
# dense model 0.025<!-- value: dense_crop_only_drop -->, while shifting the images that lose nothing cost them
# 0.53<!-- value: cnn_pure_shift_drop --> and 0.69<!-- value: dense_pure_shift_drop -->. The drop is the move, and
# the CNN loses less than the dense model on those images too.
#
# Two standard remedies, not used in this notebook: train on randomly shifted copies of the images (*data
# augmentation*), and replace `Flatten` with `GlobalAveragePooling2D`, which averages each map over all positions so
# that where a feature is no longer matters (notebook 04 builds models that end this way).

# %%
first_conv = keras.Model(cnn.inputs, cnn.layers[1].output)  # Rescaling -> first Conv2D
maps = first_conv.predict(test_cnn[:32], verbose=0)
maps_of_shifted = first_conv.predict(test_shifted_cnn[:32], verbose=0)
# Away from the left border (where the shift brings in zeros), the maps of the shifted images are the maps shifted.
equivariance_error = np.abs(maps_of_shifted[:, :, 3:] - maps[:, :, :-3]).max()
print(f"largest difference between 'conv of shifted' and 'shifted conv': {equivariance_error:.2g} "
      f"(largest activation {maps.max():.2f})")
results.claim("convolution_is_equivariant", equivariance_error < 1e-4 * max(1.0, float(maps.max())),
              "the first Conv2D's maps of the shifted images equal its maps shifted by 3 pixels")

# %% [markdown]
# Notebook 05 looks inside this trained CNN, so we save it in the course output folder (`outputs/` next to the
# notebooks, or `$COURSE_OUTPUT_DIR`). `saving.save_model` writes to a hidden file first and renames it at the end,
# so an interrupted save never leaves a broken model behind. The file name says which mode trained it.

# %%
saved_path = saving.save_model(cnn, f"02_first_cnn_{mode.name()}.keras")
print(f"saved {saved_path.name} ({saved_path.stat().st_size / 2**20:.1f} MiB)")

# %% [markdown]
# ## 7. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb02 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** How many parameters does `Conv2D(32, (5, 5))` have when its input is a batch of 32×32 RGB
# images, shape `(N, 32, 32, 3)`?

# %%
conv_parameters = ...  # a whole number

ex.q1.check(conv_parameters)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2.** Without running the model: what is the shape of one image's features after
# `Conv2D(64, 3) → MaxPooling2D(2) → Conv2D(64, 3) → MaxPooling2D(2)`, starting from a larger image,
# `(32, 32, 1)`? Give `(height, width, channels)`. (The summary above answers it for 28 × 28; this one is yours.)

# %%
feature_shape = ...  # (height, width, channels)

ex.q2.check(feature_shape)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** Write `add_channel_axis(images)` that turns a batch shaped `(N, 28, 28)` into `(N, 28, 28, 1)`
# for `Conv2D`.

# %%
def add_channel_axis(images):
    ...  # your code here


ex.q3.check(add_channel_axis)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Global pooling against shifts.** A real experiment, about 40 s in full mode. Write
# `build_gap_cnn()`: `build_first_cnn()` with `Flatten → Dense(128)` replaced by `GlobalAveragePooling2D()`, so that
# `Dense(10)` reads one average per filter, wherever the feature was. To stay within a minute, the next cell trains
# it and a fresh `build_first_cnn()` the same short way (half of the training images, one epoch, same seed), then
# runs section 2c's shift test on both. `kept` is the share of its test accuracy a model keeps on shifted images.

# %% tags=["stretch-answer"]
def build_gap_cnn():
    ...  # your code here: return keras.Sequential([...])

# %%
stretch_results = None
if ex.stretch.ready(build_gap_cnn):
    stretch_results = {}
    half = len(train_cnn) // 2
    for name, build in [("Flatten", build_first_cnn), ("GAP", build_gap_cnn)]:
        keras.utils.set_random_seed(SEED)
        model = build()
        _, timer = train(model, train_cnn[:half], train_labels[:half], epochs=1)
        accuracy = model.evaluate(test_cnn, test_labels, verbose=0)[1]
        shifted = model.evaluate(test_shifted_cnn, test_labels, verbose=0)[1]
        stretch_results[name] = {"model": model, "accuracy": accuracy, "shifted": shifted, "kept": shifted / accuracy}
        print(f"{name:<8} {model.count_params():>7,} parameters: test {accuracy:.4f}, shifted {shifted:.4f}, "
              f"kept {shifted / accuracy:.0%} ({timer})")

# %% [markdown]
# Does the GAP model keep a `"higher"`, `"lower"` or `"about the same"` share of its accuracy than the Flatten
# model? Count a difference within ±0.05 as the same: the shifted accuracy moves by a few points from seed to seed.

# %% tags=["stretch-answer"]
gap_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(gap_verdict, results=stretch_results)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - A dense layer after `Flatten` needs one weight per pixel per unit, ignores which pixels are neighbours (shuffled
#   pixels train just as well) and is thrown off by small shifts.
# - `Conv2D` slides small shared filters over the image: its parameter count depends on the kernel and the
#   channels, not on the image size.
# - `Conv2D` wants `(N, height, width, channels)`: add the channel axis with `images[..., np.newaxis]`.
# - A `Rescaling(1 / 255)` layer lets the model scale its own input: the data stays compact `uint8`.
# - Valid 3×3 convolutions remove 2 pixels; 2×2 max pooling halves the size: 28 → 26 → 13 → 11 → 5.
# - The first CNN beat the dense baseline, 0.903<!-- value: test_accuracy --> against
#   0.868<!-- value: dense_test_accuracy -->, and lost less on shifted images, at a cost: about 50 times the
#   multiply-adds per image, so far longer training on a CPU. Neither model tolerates a 3-pixel shift well.
#
# **Next: [03 · deeper CNN](03_deeper_cnn.ipynb)** stacks more blocks, adds batch normalisation and dropout, watches for
# overfitting with a validation split, and looks at which classes the network still confuses.
