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
# # 10 · Transfer learning: reuse a trained convolutional base
# <!-- course-map: Transfer learning | Pretrain a base on 5 Fashion-MNIST classes, reuse it for the other 5: freeze,
# new head, fine-tune; scratch vs feature extraction vs fine-tuning at matched rates, a data-efficiency curve at two
# budgets, two Keras 3 traps (recompiling, BatchNorm), and the ImageNet version. -->
#
# **Why this matters.** Labelled images are expensive. In practice you rarely train a CNN from nothing: you take
# the convolutional blocks of a network trained on a large dataset, put a new classifier head on top, and train
# that head (and perhaps the blocks, gently) on your few labelled images. This is *transfer learning*, the way most
# image models are built today. Here you do it with a network you train yourself, and measure when it pays and when
# it does not.
#
# *CNNs, hands-on* · going further, notebook 10 · previous:
# [**09 · augmentation and global pooling**](09_augmentation_global_pooling.ipynb) · next:
# [**11 · a CNN from scratch**](11_cnn_from_scratch.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/10_transfer_learning.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/10_transfer_learning.ipynb)

# %% [markdown]
# ## You will learn
#
# - the mechanics: reuse a trained base, freeze it with `trainable = False`, add a new head, then fine-tune with a
#   lower learning rate;
# - what freezing does to `BatchNormalization`, and a Keras 3 trap with `training=False`;
# - how training from scratch, feature extraction and fine-tuning compare, with learning curves;
# - a data-efficiency curve: accuracy against the number of labelled images, from scratch and transferred, over
#   three seeds, early and late in training;
# - why fine-tuning at a high learning rate makes the base forget what it learned, and why `compile()` must follow
#   every change of `trainable`;
# - the same steps with a network pretrained on ImageNet (`keras.applications`).
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
# ## 1. Two tasks from one dataset
#
# Pretrained ImageNet weights cannot be downloaded everywhere this course runs, so we make the two tasks ourselves
# from Fashion-MNIST, by splitting its 10 classes in two halves:
#
# - the **source task** (the stand-in for ImageNet): T-shirt/top, Trouser, Dress, Sandal and Bag, with all their
#   30,000 training images;
# - the **target task** (your problem): Pullover, Coat, Shirt, Sneaker and Ankle boot, with only a few labelled
#   images, from 2 to 100 per class.
#
# No class appears in both, so whatever helps on the target must come from features that carry over, not from
# having seen the classes. The target task holds three of the upper-body garments that notebook 03 found most often
# confused (Pullover, Coat, Shirt).

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist()
class_names = data.FASHION_CLASS_NAMES
SOURCE_CLASSES, TARGET_CLASSES = [0, 1, 3, 5, 8], [2, 4, 6, 7, 9]


def task(images: np.ndarray, labels: np.ndarray, classes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The images of `classes`, with a channel axis, relabelled 0..len(classes)-1 in the order given."""
    keep = np.isin(labels, classes)
    relabel = np.zeros(10, dtype=labels.dtype)
    relabel[classes] = np.arange(len(classes))
    return images[keep, ..., np.newaxis], relabel[labels[keep]]


x_source, y_source = mode.subset(*task(train_images, train_labels, SOURCE_CLASSES), fast=3000)
target_pool, target_pool_labels = task(train_images, train_labels, TARGET_CLASSES)
x_test, y_test = mode.subset(*task(test_images, test_labels, TARGET_CLASSES), fast=1000)
target_names = [class_names[c] for c in TARGET_CLASSES]
print(f"source task: {len(x_source):,} images of {[class_names[c] for c in SOURCE_CLASSES]}")
print(f"target task: a pool of {len(target_pool):,} images of {target_names} to draw the labelled ones from; "
      f"{len(x_test):,} test images")

# %% [markdown]
# From the target pool we set aside 1,000 images for validation, then draw the labelled training sets from the
# rest, the same number per class. `labelled(per_class, seed)` draws them; a different seed draws different images.

# %%
order = np.random.default_rng(SEED).permutation(len(target_pool))
validation_count = mode.by_mode(full=1000, fast=500)
x_val, y_val = target_pool[order[:validation_count]], target_pool_labels[order[:validation_count]]
draw_from = order[validation_count:]


def labelled(per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`per_class` labelled target images of each class, drawn with `seed` from outside the validation set."""
    shuffled = np.random.default_rng(seed).permutation(draw_from)
    picks = np.concatenate([shuffled[target_pool_labels[shuffled] == k][:per_class] for k in range(5)])
    return target_pool[picks], target_pool_labels[picks]


few_per_class = 10
x_few, y_few = labelled(few_per_class, SEED)
print(f"the main comparison uses {len(x_few)} labelled images ({few_per_class} per class); "
      f"validation {len(x_val):,}")

# %% [markdown]
# ## 2. Pretrain a base on the source task
#
# The network is notebook 03's: three of its blocks (`conv_block`: Conv2D, BatchNormalization, ReLU and max pooling,
# imported from `course_utils.models`) make the **base**;
# `Flatten → Dropout → Dense(128) → Dense(classes)` make the **head**. We keep the two as separate `Sequential`
# models so the base can be reused on its own, which is also how `keras.applications` hands out pretrained
# networks (`include_top=False` gives the base without its head).

# %%
from course_utils.models import compile_with_cosine, conv_block  # notebook 02's recipe, 03's block


def build_base(seed: int | None = None) -> keras.Sequential:
    """The convolutional base: Rescaling, then three blocks (16, 32, 64 filters): 28x28x1 in, 3x3x64 out."""
    if seed is not None:  # reseed Keras first: the same seed, the same starting weights
        keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Rescaling(1 / 255), *conv_block(16),
                             *conv_block(32), *conv_block(64)], name="base")


def build_head(classes: int) -> keras.Sequential:
    """Notebook 03's head: Flatten -> Dropout(0.3) -> Dense(128, relu) -> Dense(classes, softmax)."""
    return keras.Sequential([keras.Input(shape=(3, 3, 64)), keras.layers.Flatten(), keras.layers.Dropout(0.3),
                             keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(classes, activation="softmax")], name="head")


def compile_for(model: keras.Model, *, learning_rate: float, steps: int) -> None:
    """Notebook 02's recipe (Adam, cosine to 0 over `steps`), one step per call: the callbacks see every step."""
    compile_with_cosine(model, rate=learning_rate, steps=steps, steps_per_execution=1)


def fit_steps(model: keras.Model, x: np.ndarray, y: np.ndarray, steps: int, *, batch_size: int = 32,
              every: int | None = None, validation=None, seed: int = SEED) -> keras.callbacks.History:
    """Train for `steps` batches (validating every `every` steps if asked), the images shuffled and repeated.

    A budget in steps, not epochs, so that 50 images and 30,000 get the same kind of budget.
    """
    batches = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).repeat()
               .batch(min(batch_size, len(x))))
    every = every or steps
    return model.fit(batches, steps_per_epoch=every, epochs=steps // every, validation_data=validation,
                     verbose=0)


def compile_and_fit(model: keras.Model, x: np.ndarray, y: np.ndarray, *, learning_rate: float, steps: int,
                    **fit_arguments) -> keras.callbacks.History:
    compile_for(model, learning_rate=learning_rate, steps=steps)
    return fit_steps(model, x, y, steps, **fit_arguments)


pretrained_base = build_base(seed=SEED)
source_model = keras.Sequential([pretrained_base, build_head(5)], name="source_model")
source_steps = mode.by_mode(full=2, fast=1) * int(np.ceil(len(x_source) / 128))  # 2 epochs
with Timer() as pretraining_time:
    compile_and_fit(source_model, x_source, y_source, learning_rate=0.003, steps=source_steps, batch_size=128)
x_source_test, y_source_test = task(test_images, test_labels, SOURCE_CLASSES)
source_accuracy = source_model.evaluate(x_source_test, y_source_test, batch_size=500, verbose=0)[1]
print(f"source task: test accuracy {source_accuracy:.4f} after {pretraining_time}")
results.expect("source_accuracy", source_accuracy, full=(0.93, 1.0))
pretrained_weights = pretrained_base.get_weights()  # every experiment below starts from these

# %% [markdown]
# ## 3. Reuse the base: freeze it, add a new head
#
# The recipe has three lines. Load the trained base, set `trainable = False` so its weights stay as they are, and
# put a new head for the 5 target classes on top. Only the head's weights learn.

# %%
def transfer_model(seed: int | None = None) -> tuple[keras.Model, keras.Sequential]:
    """A fresh copy of the pretrained base, frozen, under a new 5-class head."""
    base = build_base(seed)
    base.set_weights(pretrained_weights)
    base.trainable = False
    return keras.Sequential([base, build_head(5)], name="transfer"), base


frozen_model, frozen_base = transfer_model(seed=SEED)
trainable_count = sum(int(np.prod(w.shape)) for w in frozen_model.trainable_weights)
print(f"parameters: {frozen_model.count_params():,} in all, {trainable_count:,} trainable (the head), "
      f"{frozen_base.count_params():,} frozen in the base")

# %% [markdown]
# ### BatchNormalization in a frozen base
#
# A `BatchNormalization` layer keeps running averages of each channel's mean and variance, and updates them at
# every training step. Once its layer is frozen, Keras 3 runs it in *inference mode*: it uses the averages it
# learned on the source task and stops updating them. Training on a few dozen target images would otherwise drag
# those averages towards the statistics of tiny batches. The next cell trains the head, 150 steps of 32 images at
# a learning rate of 0.01 (the head starts from nothing and reads fixed features, so it can take large steps), and
# checks that the base's averages did not move.

# %%
(steps_budget, every), head_rate = mode.by_mode(full=(150, 10), fast=(40, 10)), 0.01
first_norm = next(layer for layer in frozen_base.layers if isinstance(layer, keras.layers.BatchNormalization))
mean_before = keras.ops.convert_to_numpy(first_norm.moving_mean).copy()
with Timer() as extraction_time:
    extraction_history = compile_and_fit(frozen_model, x_few, y_few, learning_rate=head_rate, steps=steps_budget,
                                         every=every, validation=(x_val, y_val))
mean_moved = float(np.abs(keras.ops.convert_to_numpy(first_norm.moving_mean) - mean_before).max())
print(f"head trained in {extraction_time}; the frozen base's first moving mean moved by {mean_moved:.3g}")
assert mean_moved == 0.0, "a frozen BatchNormalization layer must not update its statistics"

# %% [markdown]
# ## 4. Scratch, feature extraction, fine-tuning
#
# Three ways to use the same 50 labelled images (10 per class), each validated every 10 steps:
#
# - **from scratch**: the same architecture with random weights, everything trained, for the same 150 steps at the
#   same learning rate as the head, 0.01 (notebook 04 trains its models from scratch at that rate too), so that
#   only the starting weights differ;
# - **feature extraction**: the frozen base and the head of section 3;
# - **fine-tuning**: start from feature extraction, unfreeze the base, and train everything 100 steps more at a
#   learning rate ten times lower (0.001), so that the pretrained features shift gently towards the new task.
#
# Two details when unfreezing. Keep the `BatchNormalization` layers frozen, for the reason of section 3. In Keras 3,
# setting `trainable = False` on those layers is what keeps them in inference mode (section 6 shows why the older
# `training=False` advice is not enough). And **call `compile()` again after changing `trainable`**: the model
# builds its training step, with its list of weights to update, when it is compiled. The cell after the next one
# shows what happens if you forget.

# %%
def unfreeze_except_batchnorm(base: keras.Sequential) -> None:
    """Make the base trainable again, but keep every BatchNormalization layer frozen (inference mode)."""
    base.trainable = True
    for layer in base.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False


scratch_model = keras.Sequential([build_base(seed=SEED), build_head(5)], name="scratch")
with Timer() as scratch_time:
    scratch_history = compile_and_fit(scratch_model, x_few, y_few, learning_rate=head_rate, steps=steps_budget,
                                      every=every, validation=(x_val, y_val))

fine_steps, fine_rate = mode.by_mode(full=100, fast=10), 0.001
extracted_weights = frozen_model.get_weights()
unfreeze_except_batchnorm(frozen_base)
compile_for(frozen_model, learning_rate=fine_rate, steps=fine_steps)  # after changing `trainable`: compile again
with Timer() as fine_time:
    fine_history = fit_steps(frozen_model, x_few, y_few, fine_steps, every=every, validation=(x_val, y_val))

accuracy = {"from scratch": scratch_history.history["val_accuracy"][-1],
            "feature extraction": extraction_history.history["val_accuracy"][-1],
            "fine-tuning": fine_history.history["val_accuracy"][-1]}
first = {"from scratch": scratch_history.history["val_accuracy"][0],
         "feature extraction": extraction_history.history["val_accuracy"][0]}
for name, value in accuracy.items():
    print(f"{name:<19} validation accuracy {value:.4f}" + (f" (after {every} steps: {first[name]:.4f})"
                                                          if name in first else ""))
print(f"(times: scratch {scratch_time}, feature extraction {extraction_time}, fine-tuning {fine_time})")

# %% [markdown]
# **Common mistake: unfreezing without compiling again.** The same steps on a fresh copy of the feature-extraction
# model, but the second `fit` runs without a new `compile()`. Do the base's weights move?

# %%
forgot_model, forgot_base = transfer_model(seed=SEED)
compile_for(forgot_model, learning_rate=head_rate, steps=10)
fit_steps(forgot_model, x_few, y_few, 10)  # feature extraction: compiled while the base was frozen
kernel_before = keras.ops.convert_to_numpy(forgot_base.layers[1].kernel).copy()  # the first Conv2D
unfreeze_except_batchnorm(forgot_base)
fit_steps(forgot_model, x_few, y_few, 10)  # THE MISTAKE: no compile() after changing trainable
moved_without = float(np.abs(keras.ops.convert_to_numpy(forgot_base.layers[1].kernel) - kernel_before).max())
compile_for(forgot_model, learning_rate=fine_rate, steps=10)
fit_steps(forgot_model, x_few, y_few, 10)  # the fix
moved_with = float(np.abs(keras.ops.convert_to_numpy(forgot_base.layers[1].kernel) - kernel_before).max())
print(f"first Conv2D's weights moved by {moved_without:.3g} without compile(), by {moved_with:.3g} after it "
      f"(Keras {keras.__version__})")
results.claim("unfreezing_needs_compile", moved_without == 0.0 and moved_with > 0,
              "after unfreezing, fit() leaves the base untouched until compile() is called again")

# %% [markdown]
# Without the new `compile()`, `fit` ran and printed nothing unusual, and the "fine-tuned" base did not change at
# all: the training step built at the first compile still updates only the head. No error warns you. Whenever
# you change `trainable`, compile again before training.

# %%
# (extra code) draws the validation accuracy of the three strategies, step by step
def validation_curve(history: keras.callbacks.History, first_step: int = 0) -> tuple[list[int], list[float]]:
    values = history.history["val_accuracy"]
    return [first_step + every * (i + 1) for i in range(len(values))], values


fig, ax = plt.subplots(figsize=(7.5, 4))
ax.plot(*validation_curve(scratch_history), "o-", label="from scratch")
ax.plot(*validation_curve(extraction_history), "o-", label="feature extraction (frozen base)")
ax.plot(*validation_curve(fine_history, steps_budget), "o-", label="then fine-tuning (learning rate 0.001)")
ax.set_xlabel(f"training steps (batches of {min(32, len(x_few))} of the {len(x_few)} labelled images)")
ax.set_ylabel("validation accuracy")
ax.set_title(f"Target task, {few_per_class} labelled images per class")
ax.grid(alpha=0.3)
ax.legend(loc="lower right")
plt.show()

# %%
at_30 = {name: history.history["val_accuracy"][2] for name, history in
         [("from scratch", scratch_history), ("feature extraction", extraction_history)]}
results.record(
    **{f"{key}_accuracy": accuracy[name] for name, key in
       [("from scratch", "scratch"), ("feature extraction", "extraction"), ("fine-tuning", "fine")]},
    scratch_first=first["from scratch"],
    extraction_first=first["feature extraction"],
    scratch_at_30=at_30["from scratch"],
    extraction_at_30=at_30["feature extraction"],  # one seed, one draw: section 5 checks over seeds
)

# %% [markdown]
# In our full-mode run (seed 42), after the first 10 steps the transferred model was already at
# 0.639<!-- value: extraction_first --> validation accuracy, and the model trained from scratch at
# 0.396<!-- value: scratch_first -->. Part of that gap is not about features: the scratch model's
# `BatchNormalization` layers had had only 10 updates of their running averages (notebook 03, section 3b), so at
# validation they still normalised with values near their starting ones, while the transferred base brings
# averages learned on the source. After 30 steps those averages have caught up, and in our run the transferred model
# was still ahead: 0.713<!-- value: extraction_at_30 --> against 0.620<!-- value: scratch_at_30 -->. With one seed
# and one draw of 50 images that gap varies a lot from seed to seed (docs/results.md lists it for other seeds), so
# section 5 measures the head start over 3 seeds and three sizes instead.
#
# After 150 steps, feature extraction ended at 0.706<!-- value: extraction_accuracy -->, from scratch at
# 0.660<!-- value: scratch_accuracy -->, and fine-tuning, 100 steps more, at 0.717<!-- value: fine_accuracy -->. On
# 1,000 validation images one accuracy carries a standard error of about 0.014 (binomial, √(p(1 − p)/n)), so
# fine-tuning and feature extraction are not distinguishable, and fine-tuning also had 100 more steps. This run
# does not show that fine-tuning helps, and we do not claim it. Fine-tuning pays when the target needs features
# the source did not learn *and* there are enough labels to adjust the base without overfitting: typically hundreds
# of images per class, and a source far from the target. Here neither holds: try it, and keep it only if it beats
# feature extraction on validation data over several seeds. This is one seed and one draw of 50 images; the next
# section asks the question about labels properly.

# %% [markdown]
# ## 5. How many labelled images? A data-efficiency curve, early and late in training
#
# For 2, 10 and 100 labelled images per class, and 3 seeds (each draws its own images and starting weights),
# we train from scratch and by feature extraction for 200 steps, at the same learning rate (0.01), and measure both
# on the 1,000 validation images twice: after the first 30 steps, and at the end. The test set stays closed: these
# 36 measurements inform a decision, which is what validation data is for. About a minute.

# %%
sizes = mode.by_mode(full=[2, 10, 100], fast=[2, 20])
curve_seeds = mode.by_mode(full=[SEED, SEED + 1, SEED + 2], fast=[SEED])
budgets = mode.by_mode(full=[30, 200], fast=[10, 40])  # measure after this many steps of one run
curve = {}  # (budget, method, per_class) -> one validation accuracy per seed
with Timer() as curve_time:
    for per_class in sizes:
        for seed in curve_seeds:
            x, y = labelled(per_class, seed)
            for name in ["from scratch", "transferred"]:
                if name == "from scratch":
                    model = keras.Sequential([build_base(seed=seed), build_head(5)])
                else:
                    model, _ = transfer_model(seed=seed)
                compile_for(model, learning_rate=head_rate, steps=budgets[-1])
                done = 0
                for budget in budgets:  # one run, measured along the way
                    fit_steps(model, x, y, budget - done, seed=seed + done)
                    done = budget
                    curve.setdefault((budget, name, per_class), []).append(
                        model.evaluate(x_val, y_val, batch_size=500, verbose=0)[1])
        print(f"{per_class:>3} per class done", flush=True)
print(f"{2 * len(sizes) * len(curve_seeds)} trainings in {curve_time}")

rows = []
for budget in budgets:
    for per_class in sizes:
        scratch = np.array(curve[budget, "from scratch", per_class])
        transferred = np.array(curve[budget, "transferred", per_class])
        gains = transferred - scratch
        rows.append({"after steps": budget, "per class": per_class, "scratch": scratch.mean(),
                     "transferred": transferred.mean(), "mean gain": gains.mean(), "lowest gain": gains.min(),
                     "highest gain": gains.max()})
print(format_table(rows))

# %%
# (extra code) draws the learning curves: accuracy against labels per class
fig, axes = plt.subplots(1, len(budgets), figsize=(12, 4.2), sharey=True)
for ax, budget in zip(axes, budgets, strict=True):
    for name, colour, marker in [("from scratch", "C0", "o"), ("transferred", "C1", "s")]:
        for per_class in sizes:
            ax.plot([per_class] * len(curve_seeds), curve[budget, name, per_class], marker, color=colour, alpha=0.35)
        ax.plot(sizes, [np.mean(curve[budget, name, s]) for s in sizes], marker + "-", color=colour,
                label=f"{name} (line: mean of {len(curve_seeds)} seeds)")
    ax.set_xscale("log")
    ax.set_xticks(sizes, [str(s) for s in sizes])
    ax.set_xlabel("labelled images per class (log scale)")
    ax.set_title(f"after {budget} training steps")
    ax.grid(alpha=0.3)
axes[0].set_ylabel("validation accuracy, target task")
axes[-1].legend(loc="lower right")
fig.suptitle("Data efficiency: the same network from scratch and from a pretrained base")
fig.tight_layout()
plt.show()

# %%
small_budget, full_budget = budgets
small_rows = [row for row in rows if row["after steps"] == small_budget]
full_rows = [row for row in rows if row["after steps"] == full_budget]
results.record(
    early_smallest_mean_gain=min(row["mean gain"] for row in small_rows),
    late_largest_mean_gain=max(row["mean gain"] for row in full_rows),
    late_smallest_mean_gain=min(row["mean gain"] for row in full_rows),
    expect={"transferred_fewest_labels": (full_rows[0]["transferred"], (0.45, 1.0))},
    claims={
        "transfer_ahead_early": (
            all(row["mean gain"] > 0 for row in small_rows),
            f"after {small_budget} steps, transfer is ahead of scratch on average, at every size"),
        "head_start_shrinks": (
            all(late["mean gain"] < early["mean gain"] for early, late in zip(small_rows, full_rows, strict=True)),
            f"at every size, the mean gain after {full_budget} steps is smaller than after {small_budget}"),
    },
)

# %% [markdown]
# What our full-mode run (3 seeds from 42) shows, both methods at the same learning rate:
#
# - **After 30 steps**, the transferred model was ahead at every size, by at least
#   0.118<!-- value: early_smallest_mean_gain --> on average (the check above asks only for a lead: with other
#   seeds the smallest lead was a few points). Pretrained features are a head start: useful accuracy at a fraction
#   of the training.
# - **After 200 steps**, the head start had shrunk at every size (checked above): the mean gain ranged from
#   0.023<!-- value: late_smallest_mean_gain --> to 0.035<!-- value: late_largest_mean_gain --> across the sizes,
#   a few points, close to the noise of 3 seeds on 1,000 validation images.
#
# Two cautions before reading more into the late gain. Our base learned from 30,000 small greyscale images of 5
# garment classes, for 2 epochs, so it knows little that more steps on the target cannot teach. And we gave both
# methods one learning rate, 0.01, to change one thing at a time; a network trained from scratch may prefer a lower
# one (notebooks 02 and 03 use 0.002), which a fair test would tune on validation data for each method. Transfer
# pays in data, not only in time, when the source is far larger and more varied than the target, like ImageNet's
# 1.2 million photos of 1,000 classes, and the target looks like it. Whether it pays on *your* task is a
# measurement, as here: compare against training from scratch with the same budget, over several seeds.

# %% [markdown]
# ## 6. Common mistakes: a high fine-tuning rate, and BatchNorm left in training mode
#
# **Fine-tuning at the head's learning rate.** The pretrained weights are already good; large steps move them far
# from where they were before the few labelled images can guide them. We start again from the feature-extraction
# weights of section 4 and fine-tune with the head's rate, 0.01, instead of 0.001. To see what happens to the
# features themselves, we measure two things for each fine-tuned base: how far its weights moved from the
# pretrained ones, and how well it still does the *source* task when its old head is put back on.

# %%
def weight_change(base: keras.Sequential) -> float:
    """How far the base's weights moved from the pretrained ones: ||now - before|| / ||before|| (0 = unchanged)."""
    moved = sum(float(np.sum((now - before) ** 2)) for now, before in zip(base.get_weights(), pretrained_weights,
                                                                         strict=True))
    return float(np.sqrt(moved / sum(float(np.sum(before ** 2)) for before in pretrained_weights)))


def source_accuracy_of(base: keras.Sequential) -> float:
    """The base under the source task's own head, on the source test images: what it still knows of its old task."""
    old_task = keras.Sequential([base, source_model.layers[-1]])
    old_task.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return old_task.evaluate(x_source_test, y_source_test, batch_size=500, verbose=0)[1]


hot_model, hot_base = transfer_model(seed=SEED)
hot_model.set_weights(extracted_weights)
unfreeze_except_batchnorm(hot_base)
compile_and_fit(hot_model, x_few, y_few, learning_rate=head_rate, steps=fine_steps)
fine_tuning = {
    "learning rate 0.001": {"weights moved": weight_change(frozen_base), "source task": source_accuracy_of(frozen_base),
                            "target (validation)": accuracy["fine-tuning"]},
    "learning rate 0.01": {"weights moved": weight_change(hot_base), "source task": source_accuracy_of(hot_base),
                           "target (validation)": hot_model.evaluate(x_val, y_val, batch_size=500, verbose=0)[1]},
}
print(format_table([{"fine-tuning": name, **row} for name, row in fine_tuning.items()]))
print(f"(the pretrained base: source task {source_accuracy:.4f}; feature extraction alone: target "
      f"{accuracy['feature extraction']:.4f})")
gentle, hot = fine_tuning.values()
results.record(
    **{f"{key}_{name}": row[column] for key, row in [("gentle", gentle), ("hot", hot)] for name, column in
       [("weights_moved", "weights moved"), ("source_accuracy", "source task"),
        ("target_accuracy", "target (validation)")]},
    claims={
        "high_rate_moves_weights_far": (
            hot["weights moved"] > 3 * gentle["weights moved"],
            "fine-tuning at 0.01 moves the base's weights more than 3 times as far as at 0.001"),
        "high_rate_forgets_the_source": (
            hot["source task"] < gentle["source task"] - 0.05,
            "after fine-tuning at 0.01 the base does the source task more than 0.05 worse than after 0.001"),
    },
)

# %% [markdown]
# At 0.01 the base's weights moved about 0.43<!-- value: hot_weights_moved --> of their size, against
# 0.039<!-- value: gentle_weights_moved --> at 0.001, and the base lost part of what it knew: on its own source task
# it fell to 0.843<!-- value: hot_source_accuracy --> (0.970<!-- value: gentle_source_accuracy --> after the gentle
# fine-tuning). The base forgets its source task: what it learned from 30,000 images is being overwritten by 50.
# On the target task the two rates ended at 0.689<!-- value: hot_target_accuracy --> and
# 0.717<!-- value: gentle_target_accuracy -->, a difference within about two binomial standard errors on 1,000
# validation images and not consistent across seeds in our study (docs/results.md): as section 5 showed, this base
# knows little that the target images cannot teach again. What holds for every seed is the forgetting; a base worth
# more than our small one has more to lose by it. Fine-tune with a learning rate about ten times lower than the
# head's, or lower, and compare with feature extraction alone.
#
# **BatchNormalization in training mode.** Tutorials written for Keras 2 say: call the base with
# `base(inputs, training=False)` in a functional model, and BatchNormalization stays in inference mode even after
# you unfreeze the base. In Keras 3 this no longer holds: `fit` passes `training=True` down to every layer, and that
# overrides the `training=False` written in the model. The next cell measures it: a model built the old way,
# unfrozen, trained for 10 steps.

# %%
old_way_base = build_base(seed=SEED)
old_way_base.set_weights(pretrained_weights)
inputs = keras.Input(shape=(28, 28, 1))
outputs = build_head(5)(old_way_base(inputs, training=False))  # the Keras 2 advice
old_way_model = keras.Model(inputs, outputs)
old_way_base.trainable = True  # unfrozen for fine-tuning, BatchNormalization included
norm = next(layer for layer in old_way_base.layers if isinstance(layer, keras.layers.BatchNormalization))
before = keras.ops.convert_to_numpy(norm.moving_mean).copy()
compile_and_fit(old_way_model, x_few, y_few, learning_rate=fine_rate, steps=10)
old_way_moved = float(np.abs(keras.ops.convert_to_numpy(norm.moving_mean) - before).max())
print(f"base(inputs, training=False), then unfrozen: the first moving mean moved by {old_way_moved:.3g} "
      f"(Keras {keras.__version__})")
results.claim("training_false_is_overridden", old_way_moved > 0,
              "in Keras 3, base(inputs, training=False) does not stop fit from updating BatchNormalization")

# %% [markdown]
# The moving averages moved, so the layers ran in training mode despite `training=False`. The dependable way in
# Keras 3 is the one of section 4: set `trainable = False` on each `BatchNormalization` layer, which Keras 3
# documents as running the layer in inference mode. Check your own setup the way the cell above does: compare a
# moving average before and after a few steps.

# %% [markdown]
# ## 7. The same steps with ImageNet weights
#
# On Colab, or any machine that can download, the steps are the same with a network pretrained on ImageNet. This
# block is **not run** by the course (it downloads about 9 MB of weights, and ImageNet models need colour images of
# at least 32×32 pixels, so Fashion-MNIST would have to be resized and turned into 3 channels first):
#
# ```python
# base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights="imagenet")
# base.trainable = False                               # 1. freeze: BatchNormalization runs in inference mode
#
# model = keras.Sequential([
#     keras.Input(shape=(96, 96, 3)),
#     keras.layers.Rescaling(1 / 127.5, offset=-1),    # MobileNetV2 expects pixels in [-1, 1]
#     base,
#     keras.layers.GlobalAveragePooling2D(),           # 2. a new head
#     keras.layers.Dropout(0.2),
#     keras.layers.Dense(5, activation="softmax"),
# ])
# model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
#               metrics=["accuracy"])
# model.fit(train_images, train_labels, epochs=10, validation_data=(val_images, val_labels))
#
# base.trainable = True                                # 3. fine-tune, gently
# for layer in base.layers:
#     if isinstance(layer, keras.layers.BatchNormalization):
#         layer.trainable = False                      #    keep BatchNormalization in inference mode
# model.compile(optimizer=keras.optimizers.Adam(1e-5), loss="sparse_categorical_crossentropy",
#               metrics=["accuracy"])
# model.fit(train_images, train_labels, epochs=5, validation_data=(val_images, val_labels))
# ```

# %% [markdown]
# ## 8. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb10 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** The transfer model of section 3 has a frozen base and the head
# `Flatten → Dropout → Dense(128) → Dense(5)` on the base's 3×3×64 output. How many of its parameters are
# trainable? Work it out, then compare with section 3's printout.

# %%
trainable_parameters = ...  # a whole number

ex.q1.check(trainable_parameters)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2.** Write `freeze_batchnorm(model)`: set `trainable = False` on every `BatchNormalization` layer of
# `model`, including those inside nested models such as our `base`, and leave every other layer as it is.

# %%
def freeze_batchnorm(model):
    ...  # your code here


ex.q2.check(freeze_batchnorm)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** You have 50 labelled images per class and a base pretrained on a related task. Which part of the
# base should you unfreeze first if you fine-tune only a part: `"first block"` or `"last block"`?

# %%
unfreeze_first = ...  # "first block" or "last block"

ex.q3.check(unfreeze_first)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Fine-tune only the last block.** A real experiment, a few seconds in full mode. Write
# `unfreeze_last_block(base)`: keep the base frozen except the last block's `Conv2D` (its `BatchNormalization`
# stays frozen too). The next cell starts from section 4's feature-extraction weights and fine-tunes with the same
# recipe, then compares with section 4's full fine-tuning.

# %% tags=["stretch-answer"]
def unfreeze_last_block(base):
    ...  # your code here: set trainable on the right layers

# %%
stretch_run = None
if ex.stretch.ready(unfreeze_last_block):
    last_model, last_base = transfer_model(seed=SEED)
    last_model.set_weights(extracted_weights)
    unfreeze_last_block(last_base)
    compile_and_fit(last_model, x_few, y_few, learning_rate=fine_rate, steps=fine_steps)
    stretch_run = {"base": last_base, "accuracy": last_model.evaluate(x_val, y_val, batch_size=500, verbose=0)[1],
                   "baseline": accuracy["fine-tuning"]}
    print(f"last block only: validation accuracy {stretch_run['accuracy']:.4f}; whole base (section 4): "
          f"{stretch_run['baseline']:.4f}")

# %% [markdown]
# Is the accuracy with only the last block unfrozen `"higher"`, `"lower"` or `"about the same"` as with the whole
# base? Count a difference within ±0.03 as the same: on 1,000 validation images, one accuracy has a standard error
# of about 0.014 (binomial), so a smaller gap between two runs is noise.

# %% tags=["stretch-answer"]
last_block_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(last_block_verdict, run=stretch_run)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - Transfer learning reuses a trained convolutional base: freeze it (`trainable = False`), add a new head, train
#   the head. Fine-tuning the base afterwards, at a learning rate about ten times lower, is an option to measure,
#   not a default: in this notebook it did not measurably beat feature extraction.
# - After changing `trainable`, call `compile()` again; without it, Keras 3's `fit` silently leaves the unfrozen
#   base untouched.
# - A frozen `BatchNormalization` layer runs in inference mode. When you unfreeze a base, keep its
#   `BatchNormalization` layers frozen; in Keras 3, `base(inputs, training=False)` alone does not.
# - A pretrained base is a head start: here it was far ahead after 30 steps, and after 200 steps at the same
#   learning rate only a few points remained, because our source task was small; with a large, varied source such
#   as ImageNet the gain in data efficiency can last. Measure it on your task, against training from scratch with
#   the same budget, over several seeds, on validation data.
# - Fine-tuning at a high learning rate makes the base forget its source task (measured here on every seed); what
#   it does to the target task depends on the base.
#
# **Next: [11 · a CNN from scratch](11_cnn_from_scratch.ipynb)** opens the black box: every layer you used here
# (convolution, BatchNorm, dropout), written, proven and trained in NumPy. Then go back to
# **[09 · augmentation](09_augmentation_global_pooling.ipynb)** and combine it with transfer: augmentation
# multiplies the few labelled images that transfer learning works with.
