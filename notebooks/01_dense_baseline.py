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
# # 01 · A dense baseline on Fashion-MNIST
# <!-- course-map: Dense baseline | Look at Fashion-MNIST, scale pixels, train `Flatten → Dense → Dense`, read loss vs
# accuracy. -->
#
# **Why this matters.** Before building a convolutional network we need a yardstick: the simplest model that
# learns something from images. This notebook trains a plain dense network on Fashion-MNIST. Every later
# notebook compares against it, so "the CNN is better" will mean *better than this*, by a measured amount.
#
# *CNNs, hands-on* · notebook 1 of 8 · next: [**02 · first CNN**](02_first_cnn.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/01_dense_baseline.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/01_dense_baseline.ipynb)

# %% [markdown]
# ## You will learn
#
# - how an image dataset is stored: shapes, dtype and value range;
# - why pixel values are scaled to [0, 1], and what happens when you forget;
# - how to build, compile, train and evaluate a `Flatten → Dense → Dense` model in Keras;
# - how to read the probabilities that `predict` returns;
# - what loss and accuracy each tell you, read from this run's own curves.
#
# Cells whose first line is `# (extra code)` only draw figures or tables: read the result, skip the code if
# you are short on time.

# %% [markdown]
# ## Setup
#
# Run this cell first. Its one import line, `from course_utils.start import *`, brings in NumPy (`np`), matplotlib
# (`plt`), Keras, TensorFlow (`tf`, imported quietly) and the course's helpers (`data`, `plots`, `results`, `mode`,
# `Timer`, ...). Then `setup(seed=42)` seeds every random number generator (so your numbers match ours) and reports what
# you are running on. In **fast mode** (`COURSE_FAST=1`, which CI uses) a yellow banner warns that the numbers are not
# representative. On Google Colab the cell first installs the course's helper package, `course_utils`, pinned to a
# release and without touching Colab's TensorFlow; anywhere else (your machine, Binder, CI) that branch is skipped.

# %%
import sys

if "google.colab" in sys.modules:  # on Colab only: install the course helpers (pinned), keep Colab's TensorFlow
    # %pip install --quiet --no-deps "course-utils @ git+https://github.com/cnns-hands-on/cnns-hands-on@main"
    sys.path_importer_cache.clear()  # forget cached folder listings: find the package installed a moment ago

from course_utils.start import *  # np, plt, keras, tf, and the course helpers (data, plots, results and more)

SEED = setup(seed=42)  # seeds every random generator, prints the environment; COURSE_SEED overrides 42

# %% [markdown]
# ## 1. Look at the data
#
# Fashion-MNIST holds 70,000 greyscale photos of clothing, 28×28 pixels each, in 10 classes. It was made as a
# harder drop-in replacement for handwritten digits. `data.load_fashion_mnist()` returns the same arrays as
# `keras.datasets.fashion_mnist.load_data()`; it also reads the offline mirror when `COURSE_DATA_DIR` is set and
# checks every file's checksum.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist()
class_names = data.FASHION_CLASS_NAMES

# %% [markdown]
# Before modelling anything, print the shapes, the dtype and the value range. Most bugs in image code are a
# wrong shape or a wrong range.

# %% tags=["nbval-check-output"]
print("train images:", train_images.shape, train_images.dtype)
print("train labels:", train_labels.shape, train_labels.dtype)
print("test images: ", test_images.shape, test_images.dtype)
print("pixel values:", train_images.min(), "to", train_images.max())
print("images per class (train):", np.bincount(train_labels).tolist())

# %% [markdown]
# An image is just a grid of numbers. Here is the centre of the first training image: 0 is background, 255 is the
# brightest pixel.

# %% tags=["nbval-check-output"]
print("label:", train_labels[0], "=", class_names[train_labels[0]])
print(train_images[0, 10:18, 10:18])

# %% [markdown]
# And as pictures, with their labels:

# %%
# (extra code) shows 16 training images with their labels
plots.image_grid(train_images[:16], train_labels[:16], class_names, title="The first 16 training images")
plt.show()

# %% [markdown]
# ## 2. Scale the pixels to [0, 1]
#
# Neural networks train best on small inputs. We convert to `float32` (what Keras computes in; `float64` would
# double the memory for no gain) and divide by 255.
#
# In fast mode, `mode.subset` first keeps only the first few thousand images; in full mode it returns the arrays
# unchanged. It is the same code path either way.

# %%
train_images, train_labels = mode.subset(train_images, train_labels, fast=6000)
test_images, test_labels = mode.subset(test_images, test_labels, fast=2000)

train_scaled = train_images.astype("float32") / 255.0
test_scaled = test_images.astype("float32") / 255.0

print(f"training on {len(train_scaled):,} images, testing on {len(test_scaled):,}")
print("scaled pixel values:", train_scaled.min(), "to", train_scaled.max(), train_scaled.dtype)
assert train_scaled.dtype == np.float32 and train_scaled.max() == 1.0

# %% [markdown]
# ## 3. Build the model
#
# The baseline treats each image as a flat list of 784 numbers:
#
# - `Flatten` turns each 28×28 image into a vector of 784 pixels. All spatial structure is gone: the model no
#   longer knows which pixels are neighbours.
# - `Dense(128, activation="relu")` connects every pixel to each of 128 units.
# - `Dense(10, activation="softmax")` gives one probability per class; the ten add up to 1.
#
# We write the model inside a function because section 8 builds it a second time. Its `seed` argument reseeds
# Keras's random generators right before the layers draw their starting weights, so both copies start from the same
# weights.
# The `# @save` comment after `def` marks a function that other notebooks reuse: the course copies it into
# `course_utils.models`, so it is written once, here, where it is taught.

# %%
def build_dense_baseline(seed: int | None = None) -> keras.Model:  # @save
    """Flatten -> Dense(128, relu) -> Dense(10, softmax) for 28x28 images."""
    if seed is not None:  # reseed Keras first: the same seed, the same starting weights
        keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="dense_baseline",
    )


model = build_dense_baseline(seed=SEED)
model.summary()

# %% [markdown]
# Where do the parameters come from? A dense layer has one weight per (input, unit) pair plus one bias per unit.

# %%
hidden_parameters = 784 * 128 + 128
output_parameters = 128 * 10 + 10
print(f"Dense(128): {hidden_parameters:,}  Dense(10): {output_parameters:,}  total: {model.count_params():,}")
assert model.count_params() == hidden_parameters + output_parameters

# %% [markdown]
# ## 4. Compile and train
#
# - `optimizer="adam"`: a good default that adapts its step size for every weight.
# - `loss="sparse_categorical_crossentropy"`: for integer labels 0–9 (not one-hot vectors).
# - `metrics=["accuracy"]`: the share of images whose most probable class is the true one.
# - `steps_per_execution=32`: Keras runs 32 training steps per call from Python instead of 1. The arithmetic is
#   the same, step for step; for a model this small, the time spent going back and forth between Python and
#   TensorFlow is a large part of each step, so fewer round trips train faster (`benchmarks/training_speed.py`
#   measures it). The later notebooks use it too.
#
# `validation_split=0.1` holds back the last 10% of the training images. The model never trains on them, so
# their scores show how it does on images it has not seen, without touching the test set.

# %%
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], steps_per_execution=32)

epochs = mode.by_mode(full=5, fast=2)
with Timer() as training_time:
    history = model.fit(train_scaled, train_labels, epochs=epochs, validation_split=0.1, verbose=2)
print(f"{epochs} epochs in {training_time}")

# %% [markdown]
# ## 5. Evaluate on the test set
#
# The test set answers one question, once: how good is the finished model on new images?

# %%
test_loss, test_accuracy = model.evaluate(test_scaled, test_labels, verbose=0)
print(f"test accuracy: {test_accuracy:.4f}   test loss: {test_loss:.4f}")
results.expect("test_accuracy", test_accuracy, full=(0.85, 1.0))

# %% [markdown]
# ## 6. Read the predictions
#
# `predict` returns, for each image, ten probabilities that add up to 1. The predicted class is the position of the
# largest one: `argmax` along axis 1, the class axis.

# %%
probabilities = model.predict(test_scaled[:16], verbose=0)
print("shape:", probabilities.shape)
print("image 0, rounded:", probabilities[0].round(3))
print("sums to:", probabilities[0].sum())
top3 = np.argsort(probabilities[0])[::-1][:3]
for rank, class_index in enumerate(top3, start=1):
    print(f"  {rank}. {class_names[class_index]:<12} {probabilities[0, class_index]:.3f}")
assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)

# %% [markdown]
# Predicted labels under the true ones; a wrong one is red and says "(wrong)".

# %%
# (extra code) shows 16 test images with the predicted and true labels
predicted = probabilities.argmax(axis=1)
plots.image_grid(test_images[:16], test_labels[:16], class_names, predicted=predicted, title="true → predicted")
plt.show()

# %% [markdown]
# ## 7. Loss and accuracy are not the same thing
#
# **Accuracy** only asks whether the most probable class is right. **Loss** (cross-entropy) is −log of the
# probability given to the true class, so it also measures *how sure* the model is: a right answer at 40%
# confidence still costs loss, and a confident wrong answer costs a lot. That is why loss can keep falling while
# accuracy stands still, and why a validation loss that rises while validation accuracy stays flat is an early
# sign of overfitting: the model is becoming over-confident about the images it gets wrong.

# %%
# (extra code) draws the loss and accuracy curves, epoch by epoch
plots.history_curves({"baseline": history}, title="Dense baseline on Fashion-MNIST")
plt.show()

# %% [markdown]
# The same idea on single test images: the per-image loss of right and wrong answers.

# %%
all_probabilities = model.predict(test_scaled, verbose=0)
true_class_probability = all_probabilities[np.arange(len(test_labels)), test_labels]
per_image_loss = -np.log(np.clip(true_class_probability, 1e-7, 1.0))
correct = all_probabilities.argmax(axis=1) == test_labels

print(f"right answers: {correct.sum():,} images, mean loss {per_image_loss[correct].mean():.3f}")
print(f"wrong answers: {(~correct).sum():,} images, mean loss {per_image_loss[~correct].mean():.3f}")
unsure_right = np.flatnonzero(correct)[true_class_probability[correct].argmin()]
print(
    f"least sure right answer: image {unsure_right}, p(true) = {true_class_probability[unsure_right]:.2f}, "
    f"loss {per_image_loss[unsure_right]:.2f}, but it counts fully towards accuracy"
)
assert np.isclose(per_image_loss.mean(), test_loss, atol=1e-3)

# %% [markdown]
# The mean of those per-image losses is exactly the test loss that `evaluate` reported (the assert checks it).

# %% [markdown]
# ## 8. Common mistake: training on raw 0–255 pixels
#
# Forgetting to scale is the most common first bug in image code, and Keras will not complain: the model still
# trains. We train the *same* model from the *same* starting weights on the same images, once with raw `uint8`
# pixels, and compare. First, before a single training step, what do those starting weights make of 1,000 training
# images, scaled and raw? For reference, a model that gives every class 10% has a loss of −log(0.1) ≈ 2.3.

# %%
raw_model = build_dense_baseline(seed=SEED)  # the same starting weights as `model` had before its training
first = slice(0, 1000)
start = {}  # before any training step: (loss, the average of each image's largest probability)
for inputs, images in (("scaled [0, 1]", train_scaled[first]), ("raw 0-255", train_images[first])):
    probabilities_before = raw_model.predict(images, verbose=0)
    true_class_probability = probabilities_before[np.arange(len(images)), train_labels[first]]
    start[inputs] = (-np.log(np.clip(true_class_probability, 1e-7, 1)).mean(),  # clipped as Keras's loss is
                     probabilities_before.max(axis=1).mean())
    print(f"{inputs:<14} loss before training {start[inputs][0]:5.2f}, average largest probability "
          f"{start[inputs][1]:.3f}")
results.record(raw_start_loss=start["raw 0-255"][0], scaled_start_loss=start["scaled [0, 1]"][0], claims={
    "raw_starts_saturated": (start["raw 0-255"][0] > 3 * start["scaled [0, 1]"][0] and start["raw 0-255"][1] > 0.9
                             and start["scaled [0, 1]"][1] < 0.5, "before training, raw pixels give over 3x the loss "
                             "and top probabilities above 0.9 on average; scaled pixels below 0.5")})

# %% [markdown]
# Now train both and compare.

# %%
raw_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=32)
with Timer() as raw_training_time:
    raw_history = raw_model.fit(train_images, train_labels, epochs=epochs, validation_split=0.1, verbose=2)
raw_test_loss, raw_test_accuracy = raw_model.evaluate(test_images, test_labels, verbose=0)

print(f"{'inputs':<14}{'test accuracy':>15}{'test loss':>11}{'train time':>12}")
print(f"{'scaled [0, 1]':<14}{test_accuracy:>15.4f}{test_loss:>11.3f}{str(training_time):>12}")
print(f"{'raw 0-255':<14}{raw_test_accuracy:>15.4f}{raw_test_loss:>11.3f}{str(raw_training_time):>12}")
first_epoch_loss = {"scaled": history.history["loss"][0], "raw": raw_history.history["loss"][0]}
print(f"first-epoch training loss: scaled {first_epoch_loss['scaled']:.2f}, raw {first_epoch_loss['raw']:.2f}")
scaling_wins = raw_test_accuracy < test_accuracy and first_epoch_loss["raw"] > first_epoch_loss["scaled"]
results.record(raw_test_accuracy=raw_test_accuracy, claims={"scaling_beats_raw": (
    scaling_wins, "scaled pixels give a higher test accuracy and a lower first-epoch loss than raw 0-255 pixels")})

# %% [markdown]
# The curves side by side:

# %%
# (extra code) draws both runs' curves, scaled and raw pixels
plots.history_curves({"scaled [0, 1]": history, "raw 0-255": raw_history},
                     title="The same model on scaled and on raw pixels")
plt.show()

# %% [markdown]
# In our full-mode run (seed 42) the raw-pixel model reached 0.806<!-- value: raw_test_accuracy --> test accuracy
# against 0.864<!-- value: test_accuracy --> for the scaled one, and its first-epoch training loss was higher (the
# cell above prints both; the check holds for every seed we tried). Why? The main cause is visible before the
# first step. The first layer multiplies each weight by a pixel, so with pixels up to 255 instead of 1 the
# *logits* (the ten scores that softmax turns into probabilities) start up to 255 times larger. Softmax of huge
# scores puts almost all the probability on one class: the raw model starts out almost certain of answers it has
# not learnt yet, with a loss of 13.8<!-- value: raw_start_loss --> against
# 2.52<!-- value: scaled_start_loss --> for the scaled one, close to a uniform guess's 2.3. The softmax is
# *saturated*: nudging a score barely changes the probabilities, so the gradients say little about how to fix the
# mistakes. Adam does not rescue it: it divides each gradient by its own running size,
# so its steps are about the learning rate whatever the scale, but with pixels up to 255 each such step moves the
# first layer's outputs up to 255 times further, and training stays jumpy.
#
# Scaling is one line; always do it, and apply the *same* scaling to training, validation, test and any image you
# predict on later.

# %% [markdown]
# ## 9. Exercises
#
# Each exercise has a check. Write your answer in place of `...`, run the cell, and read the feedback.
# `ex.q1.hint()` gives a hint and `ex.q1.solution()` shows a solution.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb01 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** The summary above shows 100,480 parameters for the baseline's `Dense(128)`. How many would a
# `Dense(256)` hidden layer have in its place, after the same `Flatten`? Work it out from the layer sizes.

# %%
dense_parameters = ...  # a whole number

ex.q1.check(dense_parameters)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2.** Write `predicted_class_names(probabilities)`: given the `(N, 10)` array that `model.predict`
# returns, return a list of `N` class names, e.g. `["Ankle boot", "Pullover", ...]`.

# %%
def predicted_class_names(probabilities):
    ...  # your code here


ex.q2.check(predicted_class_names)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** Build a smaller baseline, `small_model`, with a 64-unit hidden layer instead of 128. Then,
# if you like, compile and train it as in section 4 and compare its test accuracy with the baseline's.

# %%
small_model = ...  # keras.Sequential([...])

ex.q3.check(small_model)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. Does a second hidden layer help?** A real experiment, about 45 s in full mode. Write
# `build_deeper_dense()`: the baseline with a second `Dense(128, activation="relu")` after the first. The next
# cell trains it with section 4's recipe, from the same seed, and tests it.

# %% tags=["stretch-answer"]
def build_deeper_dense():
    ...  # your code here: return keras.Sequential([...])

# %%
deeper_model = deeper_accuracy = None
if ex.stretch.ready(build_deeper_dense):
    keras.utils.set_random_seed(SEED)
    deeper_model = build_deeper_dense()
    deeper_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                         steps_per_execution=32)
    with Timer() as deeper_time:
        deeper_model.fit(train_scaled, train_labels, epochs=epochs, validation_split=0.1, verbose=0)
    deeper_accuracy = deeper_model.evaluate(test_scaled, test_labels, verbose=0)[1]
    print(f"deeper model: test accuracy {deeper_accuracy:.4f} ({deeper_time}); baseline {test_accuracy:.4f}")

# %% [markdown]
# Now read your numbers. Is the deeper model's test accuracy `"higher"`, `"lower"` or `"about the same"` as the
# baseline's? Count a difference within ±0.005 as the same: one seed alone moves the baseline about that much
# (docs/results.md, seed study).

# %% tags=["stretch-answer"]
deeper_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(deeper_verdict, model=deeper_model, accuracy=deeper_accuracy, baseline=test_accuracy)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - Fashion-MNIST images are `(28, 28)` `uint8` arrays with values 0–255; scale them to `float32` in [0, 1].
# - In our full-mode run the baseline reached **0.864**<!-- value: test_accuracy --> test accuracy after 5 epochs.
#   That is the number the CNNs of the next notebooks have to beat.
# - The dense baseline, `Flatten → Dense(128, relu) → Dense(10, softmax)`, has 101,770 parameters; most of
#   them sit in the first layer, one weight for every pixel-unit pair.
# - `predict` returns probabilities; `argmax(axis=1)` turns them into classes.
# - Accuracy counts right answers; loss also measures confidence. Read both.
# - Forgetting to scale the pixels still trains, but worse: compare the table in section 8.
#
# `Flatten` threw away which pixels are neighbours. **Next: [02 · first CNN](02_first_cnn.ipynb)** keeps that
# structure with `Conv2D` and `MaxPooling2D`, and beats this baseline by more than 2 points of test accuracy.
