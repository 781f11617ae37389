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
# # 09 · Data augmentation and global pooling
# <!-- course-map: Augmentation and global pooling | Keras augmentation layers and where they run, flips for clothes
# but not digits, `GlobalAveragePooling2D` against `Flatten`, gains and costs measured over 3 seeds with 2,000 images;
# never evaluate on randomly augmented images. -->
#
# **Why this matters.** In notebook 02 the first CNN fell from 0.903<!-- value: 02/test_accuracy --> to
# 0.525<!-- value: 02/cnn_shifted_accuracy --> test accuracy when every image moved 3 pixels to the right. A person
# would not notice the shift. Two standard tools answer it: *data augmentation* shows the network randomly moved
# (or flipped, turned, zoomed) copies of its training images, and *global average pooling* builds a classifier head
# that does not care where a feature is. Both matter most when labelled images are few, which is the usual case
# in practice.
#
# *CNNs, hands-on* · going further, notebook 9 · previous: [**08 · pooling in NumPy**](08_manual_pooling.ipynb) ·
# next: [**10 · transfer learning**](10_transfer_learning.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/09_augmentation_global_pooling.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/09_augmentation_global_pooling.ipynb)

# %% [markdown]
# ## You will learn
#
# - Keras's augmentation layers: `RandomTranslation`, `RandomRotation`, `RandomZoom` and `RandomFlip`, and what
#   their arguments mean;
# - why a horizontal flip is fine for clothes and wrong for digits;
# - that augmentation runs only during training, and the two places to put it: inside the model or in a `tf.data`
#   pipeline;
# - how `GlobalAveragePooling2D` replaces `Flatten → Dense` with far fewer parameters;
# - how to measure, over several seeds, what augmentation and global pooling buy with 2,000 training images;
# - why you must never augment the images you evaluate on.
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
# ## 1. Few labelled images
#
# Augmentation earns its keep when the training set is small, so this notebook trains on **2,000** Fashion-MNIST
# images, drawn at random with the notebook's seed: 200 per class on average, a thirtieth of the full set. We
# compare models on 5,000 other training images held out for validation, and open the test set once, at the end.
# In fast mode the sets are smaller.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist(fast=(None, 1000))
class_names = data.FASHION_CLASS_NAMES
small_count, validation_count = mode.by_mode(full=(2000, 5000), fast=(500, 1000))

order = np.random.default_rng(SEED).permutation(len(train_images))
fit_index, validation_index = order[:small_count], order[small_count:small_count + validation_count]
x_train, y_train = train_images[fit_index, ..., np.newaxis], train_labels[fit_index]
x_val, y_val = train_images[validation_index, ..., np.newaxis], train_labels[validation_index]
x_test, y_test = test_images[..., np.newaxis], test_labels
print(f"train {x_train.shape}, validation {x_val.shape}, test {x_test.shape}; pixels stay {x_train.dtype}")
print("training images per class:", np.bincount(y_train, minlength=10).tolist())

# %% [markdown]
# The shift test of notebook 02: every image moved 3 pixels to the right, with black filling the gap on the left.
# `shift_right` is notebook 02's function, imported from `course_utils.models` (its `# @save` mark exports it).
# The shift also crops: the 3 rightmost columns leave the frame (notebook 02, section 6b). So that the conclusions
# below cannot rest on the crop, every model is also measured on the validation images whose 3 rightmost columns
# are empty, where the shift moves the garment and loses nothing. Almost no shoe is among them: shoes fill the width.

# %%
from course_utils.models import shift_right  # notebook 02's function, defined there

x_val_shifted = shift_right(x_val)
uncropped = x_val[:, :, -3:].max(axis=(1, 2, 3)) == 0
print(f"{uncropped.sum():,} of {len(x_val):,} validation images lose nothing when shifted")

# %% [markdown]
# ## 2. Keras's augmentation layers
#
# An augmentation layer draws new random numbers at every call and transforms each image of the batch its own
# way. Four of them, with the settings this notebook uses:
#
# - `RandomTranslation(0.1, 0.1)`: moves each image by up to 10% of its height and of its width (up to 2.8 pixels
#   here), up or down and left or right;
# - `RandomRotation(0.05)`: turns it by up to 0.05 of a full turn, that is ±18°;
# - `RandomZoom(0.1)`: zooms in or out by up to 10%;
# - `RandomFlip("horizontal")`: mirrors it left to right, half of the time.
#
# The layers that move pixels must invent the pixels that come in at the border. `fill_mode="constant"` fills them
# with 0, the black background of Fashion-MNIST. The default, `"reflect"`, mirrors the garment into the gap; the
# second row of the gallery shows what that does.

# %%
def augmentation_layers(seed: int) -> dict[str, keras.layers.Layer]:
    """One instance of each augmentation layer, named by its call, with a seed so the gallery is reproducible."""
    return {
        "RandomTranslation(0.1, 0.1)": keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed),
        "same, fill_mode='reflect'": keras.layers.RandomTranslation(0.1, 0.1, seed=seed),
        "RandomRotation(0.05)": keras.layers.RandomRotation(0.05, fill_mode="constant", seed=seed),
        "RandomZoom(0.1)": keras.layers.RandomZoom(0.1, fill_mode="constant", seed=seed),
        "RandomFlip('horizontal')": keras.layers.RandomFlip("horizontal", seed=seed),
    }


example = x_train[:1]  # one training image, shape (1, 28, 28, 1)
copies = np.repeat(example, 7, axis=0)  # 7 copies: each gets its own random draw
gallery = {"original": example}
for name, layer in augmentation_layers(SEED).items():
    gallery[name] = keras.ops.convert_to_numpy(layer(copies, training=True))
print(f"one {class_names[y_train[0]]}; each row: 7 random draws of one layer")

# %%
# (extra code) shows one image augmented 7 times
plots.image_rows(gallery, title="One training image, augmented 7 times by each layer")
plt.show()

# %% [markdown]
# Every copy is still clearly the same garment, and that is the rule for choosing augmentations: **a transformation
# is allowed only if it never changes the label**. With `"reflect"` the sleeves and soles mirrored into the border
# make shapes that no real image has, so this notebook uses `"constant"`.

# %% [markdown]
# ## 3. A horizontal flip is fine for clothes, wrong for digits
#
# A mirrored T-shirt is a T-shirt, and a mirrored sneaker is a sneaker that points the other way. A mirrored 2, 3,
# 4 or 7 is no digit at all, yet it would keep its label and teach the model a wrong example. The first row below
# flips clothes, the second digits from MNIST:

# %%
(digit_images, digit_labels), _ = data.load_mnist()
always_flipped = {  # [:, :, ::-1] mirrors left to right; RandomFlip does the same to a random half of a batch
    "clothes": train_images[:8],
    "clothes, mirrored": train_images[:8, :, ::-1],
    "digits": digit_images[:8],
    "digits, mirrored": digit_images[:8, :, ::-1],
}

# %%
# (extra code) shows mirrored training images
plots.image_rows(always_flipped, title="Mirror images: still clothes, no longer digits")
plt.show()

# %% [markdown]
# One measure of how symmetric a class is: the correlation between its mean image and that mean image mirrored
# (1 = perfectly symmetric). Clothes seen from the front are nearly symmetric; Fashion-MNIST's shoes all point to
# the left, so flipping them makes right-pointing shoes the test set never shows: harmless, but not useful either.
# Read the MNIST column too, below the table.

# %%
def mirror_symmetry(images: np.ndarray) -> float:
    """Correlation between the mean image and its left-right mirror."""
    mean = images.astype(np.float64).mean(axis=0)
    return float(np.corrcoef(mean.ravel(), mean[:, ::-1].ravel())[0, 1])


rows = [{"class": class_names[c], "Fashion symmetry": mirror_symmetry(train_images[train_labels == c]),
         "digit": c, "MNIST symmetry": mirror_symmetry(digit_images[digit_labels == c])} for c in range(10)]
print(format_table(rows))
digit_symmetry = {row["digit"]: row["MNIST symmetry"] for row in rows}
least_symmetric = sorted(digit_symmetry, key=digit_symmetry.get)[:2]
print(f"MNIST: lowest {min(digit_symmetry.values()):.2f} (digits {least_symmetric}), "
      f"highest {max(digit_symmetry.values()):.2f}")
results.record(
    mnist_symmetry_lowest=min(digit_symmetry.values()),
    mnist_symmetry_highest=max(digit_symmetry.values()),
    claims={"slanted_0_and_1_least_symmetric": (set(least_symmetric) == {0, 1},
                                                "the digits 0 and 1 have the least symmetric mean images of MNIST")},
)

# %% [markdown]
# The MNIST column shows what this measure cannot tell. Every digit scores between
# 0.63<!-- value: mnist_symmetry_lowest --> and 0.88<!-- value: mnist_symmetry_highest -->: the mean of thousands of
# handwritten digits is a blurred blob, and a blob is fairly symmetric, so a 4 or an 8 scores higher than any shoe.
# The lowest are the 0 and the 1, which look symmetric as shapes: most writers slant them, and a slanted stroke
# mirrored leans the other way. A score on *mean* images says nothing about whether *one* mirrored image keeps its
# label; that is the question an augmentation must answer, and for digits the gallery above answers it: no.

# %% [markdown]
# ## 4. Augmentation runs only during training
#
# Each layer takes a `training` argument. With `training=True` it transforms; with `training=False` it returns its
# input unchanged. Keras sets the flag for you: `fit` calls the model with `training=True`; `predict` and
# `evaluate` with `training=False`. So an augmentation layer inside a model changes the training images and leaves
# validation, test and real-world images alone.

# %%
augment = keras.Sequential([keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=SEED)],
                           name="augmentation")
batch = x_train[:64]
during_training = keras.ops.convert_to_numpy(augment(batch, training=True))
at_prediction = keras.ops.convert_to_numpy(augment(batch, training=False))
moved = float(np.mean(np.any(during_training != batch, axis=(1, 2, 3))))
print(f"training=True moved {moved:.0%} of the 64 images; training=False returned the batch unchanged: "
      f"{np.array_equal(at_prediction, batch)}")
assert np.array_equal(at_prediction, batch) and moved > 0.5

# %% [markdown]
# ## 5. Where augmentation runs: inside the model or in `tf.data`
#
# **Inside the model**, as its first layers, as section 7 does. The augmentation is saved with the model,
# switched off at prediction time automatically, and runs on the GPU with the rest of the model when there is one.
#
# **In a `tf.data` pipeline**, mapped over the batches before they reach the model. Then the model stays free of
# augmentation, and on a GPU machine the CPU prepares the next batches while the GPU trains on the current one
# (`prefetch`). You must remember `training=True` yourself, and must not map it over validation or test data.

# %%
def with_augmentation(images: tf.Tensor, labels: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    return augment(images, training=True), labels


augmented_batches = (
    tf.data.Dataset.from_tensor_slices((x_train, y_train))
    .shuffle(len(x_train), seed=SEED)
    .batch(64)
    .map(with_augmentation, num_parallel_calls=tf.data.AUTOTUNE)
    .prefetch(tf.data.AUTOTUNE)
)
images_out, labels_out = next(iter(augmented_batches))
print(f"one batch from the pipeline: images {tuple(images_out.shape)} {images_out.dtype.name}, "
      f"labels {tuple(labels_out.shape)}")
# model.fit(augmented_batches, epochs=...) would train on it; the model then has no augmentation layer.

# %% [markdown]
# A known trap with seeds: a random op inside a `tf.data` pipeline can repeat the *same* draws at every pass, so
# each epoch would see the same "random" shifts and augmentation would quietly become a fixed transformation.
# Check it: two passes over the same 64 images, in the same order (no shuffle, so only the augmentation can differ).

# %%
same_images = tf.data.Dataset.from_tensor_slices(x_train[:64]).batch(64).map(lambda images: augment(images,
                                                                                                  training=True))
first_pass, second_pass = (keras.ops.convert_to_numpy(next(iter(same_images))) for _ in range(2))
print(f"images moved differently in the second pass: {np.mean(np.any(first_pass != second_pass, axis=(1, 2, 3))):.0%}")
results.claim("new_draws_every_epoch", not np.array_equal(first_pass, second_pass),
              "a seeded augmentation layer in tf.data draws new shifts at every pass over the data")

# %% [markdown]
# Both give the same training signal. On this course's CPUs there is no GPU to overlap with, so we keep the
# simpler choice, inside the model.

# %% [markdown]
# ## 6. `GlobalAveragePooling2D` against `Flatten`
#
# The models below reuse notebook 03's block, `conv_block` (Conv2D with `padding="same"`, BatchNormalization, ReLU,
# 2×2 max pooling; imported from `course_utils.models`), three times: 28 → 14 → 7 → 3, ending in 64 maps of 3×3.
# Two ways to turn those maps into class scores:
#
# - **`Flatten → Dropout → Dense(128) → Dense(10)`**, as in notebook 03: each of the 3 × 3 × 64 = 576 positions gets
#   its own weights, so a feature is read differently depending on *where* it is;
# - **`GlobalAveragePooling2D → Dropout → Dense(128) → Dense(10)`**: each map is averaged over all its positions
#   into one number, 64 in all. Where a feature fired no longer matters, only how strongly.
#
# Only the first layer of the head differs, so that a difference between the two models comes from the pooling and
# not from a smaller head: the `Dense(128)` then reads 64 averages instead of 576 positions, and needs a ninth of
# the weights.

# %%
from course_utils.models import compile_with_cosine, conv_block  # notebook 02's recipe, 03's block


def build_cnn(head: str, augmentation: list[keras.layers.Layer] | None = None) -> keras.Model:
    """Optional augmentation layers, Rescaling, three blocks (16, 32, 64), then a 'flatten' or a 'gap' head."""
    if head == "flatten":
        top = [keras.layers.Flatten(), keras.layers.Dropout(0.3), keras.layers.Dense(128, activation="relu")]
    elif head == "gap":  # the same head after the pooling: only Flatten -> GlobalAveragePooling2D changes
        top = [keras.layers.GlobalAveragePooling2D(), keras.layers.Dropout(0.3),
               keras.layers.Dense(128, activation="relu")]
    else:
        raise ValueError(f"head must be 'flatten' or 'gap', got {head!r}")
    return keras.Sequential(
        [keras.Input(shape=(28, 28, 1)), *(augmentation or []), keras.layers.Rescaling(1 / 255),
         *conv_block(16), *conv_block(32), *conv_block(64), *top, keras.layers.Dense(10, activation="softmax")],
        name=f"cnn_{head}" + ("_augmented" if augmentation else ""),
    )


def shift_augmentation() -> list[keras.layers.Layer]:
    """The augmentation of section 7: random moves of up to 10% (2.8 px) in each direction, black fill."""
    return [keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant")]


for head in ["flatten", "gap"]:
    model = build_cnn(head)
    convolutions = sum(layer.count_params() for layer in model.layers[:-1]
                       if isinstance(layer, (keras.layers.Conv2D, keras.layers.BatchNormalization)))
    print(f"{head:<8} head: {model.count_params():>6,} parameters, of which {convolutions:,} in the blocks and "
          f"{model.count_params() - convolutions:,} in the head")

# %% [markdown]
# ## 7. The experiment: augmentation and global pooling, over three seeds
#
# Three models, each trained with 3 seeds on the same 2,000 images with one recipe (Adam with a cosine-decayed
# learning rate from 0.003, batches of 64, 12 epochs):
#
# - **Flatten**, no augmentation: the baseline;
# - **Flatten + shifts**: the same model with `RandomTranslation(0.1, 0.1)` in front;
# - **GAP**: the same model with `GlobalAveragePooling2D` in place of `Flatten`, no augmentation.
#
# Each is measured on the validation images as they are and shifted 3 pixels right (notebook 02's test), and on
# the shifted images that lost nothing to the crop. A seed
# changes the starting weights, the batch order and the random shifts; the `sd` columns show how much that alone
# moves the results. This takes one to two minutes on 2 CPU cores (the cell prints its own time).

# %%
epochs = mode.by_mode(full=12, fast=3)
seeds = mode.by_mode(full=[SEED, SEED + 1, SEED + 2], fast=[SEED, SEED + 1])
configurations = {
    "Flatten": lambda: build_cnn("flatten"),
    "Flatten + shifts": lambda: build_cnn("flatten", shift_augmentation()),
    "GAP": lambda: build_cnn("gap"),
}


def train(model: keras.Model) -> keras.Model:
    """The one recipe of this notebook: Adam, cosine decay from 0.003, batches of 64, `epochs` epochs."""
    steps = epochs * int(np.ceil(len(x_train) / 64))
    compile_with_cosine(model, rate=0.003, steps=steps)  # notebook 02's recipe
    model.fit(x_train, y_train, epochs=epochs, batch_size=64, verbose=0)
    return model


def predicted_classes(model: keras.Model, images: np.ndarray, batch: int = 500) -> np.ndarray:
    """The class each image is given, from direct calls in batches (inference mode: augmentation off)."""
    return np.concatenate([keras.ops.convert_to_numpy(model(images[start:start + batch], training=False)).argmax(1)
                           for start in range(0, len(images), batch)])


runs = {name: [] for name in configurations}
trained = {}
with Timer() as grid_time:
    for name, build in configurations.items():
        for seed in seeds:
            keras.utils.set_random_seed(seed)
            model = train(build())
            clean, shifted = predicted_classes(model, x_val), predicted_classes(model, x_val_shifted)
            runs[name].append({"clean": float(np.mean(clean == y_val)), "shifted": float(np.mean(shifted == y_val)),
                               "no crop": float(np.mean(shifted[uncropped] == y_val[uncropped]))})
            if seed == SEED:
                trained[name] = model  # keep one model per configuration; the others can be freed
        print(f"{name:<17} clean " + " ".join(f"{run['clean']:.3f}" for run in runs[name])
              + " | shifted " + " ".join(f"{run['shifted']:.3f}" for run in runs[name]), flush=True)
print(f"{len(configurations) * len(seeds)} trainings in {grid_time}")

# %% [markdown]
# The means and standard deviations over the seeds:

# %%
def mean_sd(values: list[float]) -> tuple[float, float]:
    return float(np.mean(values)), float(np.std(values, ddof=1)) if len(values) > 1 else 0.0


summary = {}
for name, seed_runs in runs.items():
    clean_mean, clean_sd = mean_sd([run["clean"] for run in seed_runs])
    shifted_mean, shifted_sd = mean_sd([run["shifted"] for run in seed_runs])
    summary[name] = {"model": name, "parameters": trained[name].count_params(), "clean": clean_mean,
                     "sd clean": clean_sd, "shifted 3 px": shifted_mean, "sd shifted": shifted_sd,
                     "shifted, no crop": float(np.mean([run["no crop"] for run in seed_runs]))}
print(format_table(list(summary.values())))

# %%
# (extra code) draws clean and shifted accuracy per model and seed
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for ax, key, label in [(axes[0], "clean", "validation images as they are"),
                       (axes[1], "shifted", "the same images shifted 3 px right")]:
    for position, seed_runs in enumerate(runs.values()):
        values = [run[key] for run in seed_runs]
        ax.plot([position] * len(values), values, "o", alpha=0.7)
        ax.plot([position - 0.2, position + 0.2], [np.mean(values)] * 2, "k-", linewidth=2)
    ax.set_xticks(range(len(runs)), list(runs))
    ax.set_title(label)
    ax.grid(alpha=0.3)
axes[0].set_ylabel("validation accuracy (dots: seeds, bar: mean)")
fig.suptitle(f"{len(x_train):,} training images, {epochs} epochs, {len(seeds)} seeds: "
             "what augmentation and global pooling change")
fig.tight_layout()
plt.show()

# %% [markdown]
# What the numbers support. Each change is compared with the Flatten baseline seed by seed (the same seeds), and
# with 3 seeds a standard deviation is itself rough, so the rule is a **95% t-interval** of the mean difference
# (`course_utils.stats.paired`; the t value for 2 degrees of freedom is 4.3, not the 2 of a large sample). An
# interval that excludes 0 is a real difference, "higher" or "lower"; one that straddles 0 is "within noise". Gains
# and costs are printed side by side:

# %%
flatten, shifts, gap = (runs[name] for name in configurations)


def column(seed_runs: list[dict], key: str) -> list[float]:
    return [run[key] for run in seed_runs]


comparisons = {}
for change, changed in [("augmentation", shifts), ("global pooling", gap)]:
    for key, label in [("shifted", "shifted images"), ("no crop", "shifted, nothing cropped"),
                       ("clean", "centred images (cost?)")]:
        comparisons[change, key] = stats.paired(column(changed, key), column(flatten, key))
        print(f"{change:<14} on {label:<25} {comparisons[change, key]}")
augmented, pooled = ({part: comparisons[change, part] for part in ["clean", "shifted", "no crop"]}
                     for change in ["augmentation", "global pooling"])
results.record(
    **{f"{key}_{part}": summary[name][column] for name, key in
       [("Flatten", "flatten"), ("Flatten + shifts", "augmented"), ("GAP", "gap")]
       for part, column in [("clean", "clean"), ("shifted", "shifted 3 px")]},
    augmentation_clean_change=augmented["clean"].difference,
    gap_clean_change=pooled["clean"].difference,
    expect={"augmentation_shift_gain": (augmented["shifted"].difference, (0.06, 1.0))},
    claims={
        "augmentation_gain_beats_noise": (
            augmented["shifted"].verdict == "higher" and augmented["no crop"].difference > 0,
            "augmentation raises the shifted accuracy beyond seed noise (95% t-interval), and on average on the "
            "shifted images that lost nothing to the crop"),
        "augmentation_costs_centred_accuracy": (
            augmented["clean"].difference < 0,
            "augmentation lowers the accuracy on centred validation images in this short run"),
        "gap_beats_flatten_on_shifts": (
            pooled["shifted"].difference > 0 and pooled["no crop"].difference > 0,
            "on average over the seeds, the GAP model keeps more accuracy on shifted images, with and without the "
            "crop"),
        "gap_has_fewer_parameters": (
            summary["GAP"]["parameters"] < summary["Flatten"]["parameters"] / 2,
            "the GAP model has less than half of the Flatten model's parameters"),
    },
)

# %% [markdown]
# In our full-mode run (seed 42), over 3 seeds, each change against the Flatten baseline:
#
# - **Augmentation, the gain.** On shifted images the accuracy rose from 0.67<!-- value: flatten_shifted --> to
#   0.79<!-- value: augmented_shifted -->, and the t-interval above lies well above 0. On the shifted images that
#   lost nothing to the crop the mean gain is as large (fewer images and 3 seeds make that interval wider; with one
#   seed of our study it reached 0), so it is the move the model learned to handle, not the missing columns.
# - **Augmentation, the cost.** On the centred validation images, the ones like the test set, it *lowered* the
#   accuracy by 0.030<!-- value: -augmentation_clean_change -->, and that interval lies below 0 too: a real cost in
#   this run, not noise. The augmented model had the same 12 epochs to learn a harder task (every garment at many
#   positions) and fits the centred garments less closely. Longer training on augmented data often closes or
#   reverses such a gap, because the harder task also overfits less; 12 epochs on 2 CPU cores cannot show that,
#   and we did not test it. To find out, train both models for several times as many epochs and compare again.
# - **Global average pooling**, with only the pooling changed and a third of the parameters, also kept more
#   accuracy on shifted images (0.74<!-- value: gap_shifted --> against 0.67<!-- value: flatten_shifted -->), with
#   and without the crop. It too cost accuracy on centred images, 0.039<!-- value: -gap_clean_change -->, beyond
#   noise. Averaging each map throws away *where* a feature fired, and at 3 × 3 positions that is information the
#   Flatten head could use on centred images. That is a likely reason, not one we measured.
#
# So neither remedy is free here: each buys robustness to shifts with a few points of accuracy on centred images.
# Which trade to make depends on the images your model will meet.
#
# The line printed above each claim gives your run's numbers.

# %% [markdown]
# ## 8. Common mistake: evaluating on randomly augmented images
#
# A tempting error is to pass evaluation images through the augmentation too, for instance by mapping it over
# every dataset in a `tf.data` pipeline, or calling it with `training=True` by hand, so that each test image is
# *replaced* by one random draw. Here is the consequence, with the augmented model of seed 42 (or yours) on the
# test set, opened now for the first and only time:

# %%
final_model = trained["Flatten + shifts"]
test_accuracy = final_model.evaluate(x_test, y_test, batch_size=500, verbose=0)[1]
wrongly_augmented, draws = [], []
for _ in range(2):  # the same mistake twice: the random shifts differ each time
    x_test_augmented = keras.ops.convert_to_numpy(augment(x_test, training=True))
    draws.append(x_test_augmented)
    wrongly_augmented.append(final_model.evaluate(x_test_augmented, y_test, batch_size=500, verbose=0)[1])
new_draw = float(np.mean(np.any(draws[0] != draws[1], axis=(1, 2, 3))))
del draws  # two augmented copies of the test set: free them
print(f"test accuracy, images as they are: {test_accuracy:.4f}")
print(f"test accuracy, images augmented (the mistake), twice: {wrongly_augmented[0]:.4f}, "
      f"{wrongly_augmented[1]:.4f}; the second draw moved {new_draw:.0%} of the images differently")
results.record(expect={"test_accuracy": (test_accuracy, (0.8, 1.0))}, claims={"augmented_test_is_lower_and_random": (
    max(wrongly_augmented) < test_accuracy and new_draw > 0.5,
    "evaluating on augmented test images gives a lower score, each time from a new random draw")})

# %% [markdown]
# The score on augmented test images is lower, and it rests on a new random draw every time you evaluate, so it
# usually changes too (two draws can land on the same count of right answers by chance, as happened with one of our
# seeds): it measures the model on images it will never meet, with a random error added. Two models compared this
# way can swap ranks by luck. Test and validation images must be exactly the images the model will face; keep
# augmentation inside the model (off at evaluation automatically) or map it over the training dataset only.
#
# Do not confuse this with **test-time augmentation** (TTA), a standard technique: predict on the original image
# *and* on several transformed copies (often a fixed set, such as the mirror image), then average the predictions.
# It keeps the original, averages many views instead of trusting one random draw, and is applied the same way to
# every model you compare, so its score is stable. This notebook does not measure it; with augmentation that suits
# the data it usually adds a little accuracy, at the cost of several predictions per image.

# %% [markdown]
# ## 9. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb09 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** You train a CNN on MNIST digits. Which of these augmentations keep every label right? Answer with
# a set of names chosen from `"translation"`, `"rotation"`, `"zoom"`, `"horizontal flip"` and `"vertical flip"`,
# for small settings like those of section 2.

# %%
digit_augmentations = ...  # e.g. {"translation", "zoom"}

ex.q1.check(digit_augmentations)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2.** The smallest global-pooling head goes straight to the classes: `GlobalAveragePooling2D →
# Dense(10)`, with no `Dense(128)`. How many parameters does that head have if the last block ends with 128 feature
# maps?

# %%
gap_head_parameters = ...  # a whole number

ex.q2.check(gap_head_parameters)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** Write `half_turn(images)` in NumPy: turn every image of a batch shaped `(N, height, width)` by
# 180 degrees (upside down *and* mirrored). Section 3 mirrored left to right; a half turn is what turns a 6 into a 9.

# %%
def half_turn(images):
    ...  # your code here


ex.q3.check(half_turn)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Both remedies at once.** A real experiment, about 15 s in full mode. Write
# `build_gap_augmented()`: the GAP model of section 7 with section 7's shift augmentation in front (hint:
# `build_cnn` takes both). The next cell trains it with the notebook's recipe and seed, and measures it on the
# shifted validation images next to the GAP model of the same seed from section 7.

# %% tags=["stretch-answer"]
def build_gap_augmented():
    ...  # your code here: return a keras.Model

# %%
stretch_run = None
if ex.stretch.ready(build_gap_augmented):
    keras.utils.set_random_seed(SEED)
    with Timer() as stretch_time:
        both_model = train(build_gap_augmented())
    stretch_run = {"model": both_model,
                   "shifted": both_model.evaluate(x_val_shifted, y_val, batch_size=500, verbose=0)[1],
                   "baseline shifted": runs["GAP"][0]["shifted"]}
    print(f"GAP + shifts: {stretch_run['shifted']:.4f} on shifted images; GAP alone (section 7, same seed): "
          f"{stretch_run['baseline shifted']:.4f} ({stretch_time})")

# %% [markdown]
# Is the shifted accuracy of GAP + shifts `"higher"`, `"lower"` or `"about the same"` as GAP alone? Count a
# difference within ±0.02 as the same: one seed alone moves the shifted accuracy about that much.

# %% tags=["stretch-answer"]
both_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(both_verdict, run=stretch_run)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - Augmentation layers (`RandomTranslation`, `RandomRotation`, `RandomZoom`, `RandomFlip`) show the model new,
#   label-preserving versions of its training images at every epoch. Choose only transformations that never change
#   the label: flips suit clothes, not digits. Fill with the background (`fill_mode="constant"` here).
# - They transform only when called with `training=True`, which `fit` does and `predict`/`evaluate` do not. Put
#   them inside the model, or map them over the *training* dataset in `tf.data`, never over evaluation data.
# - `GlobalAveragePooling2D` averages each feature map into one number: a small head that ignores where a feature
#   is.
# - With 2,000 images and 12 epochs, random shifts made the model far more robust to shifted images (beyond a
#   95% t-interval over 3 seeds), and global pooling helped too, with a third of the parameters. Both **cost**
#   accuracy on centred images in this short run (0.030<!-- value: -augmentation_clean_change --> and
#   0.039<!-- value: -gap_clean_change -->): report the cost next to the gain, and measure both over several seeds,
#   changing one thing at a time against a baseline.
# - A shift test that pushes pixels out of the frame mixes two effects; measure on images that lose nothing too.
#
# **Next: [10 · transfer learning](10_transfer_learning.ipynb)** reuses the convolutional blocks of a network
# trained on other classes, when you have only a few hundred labelled images.
