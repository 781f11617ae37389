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
# # 03 · A deeper CNN, honest validation, and error analysis
# <!-- course-map: Deeper CNN | Validation split, `BatchNormalization`, `Dropout`, overfitting and early stopping that
# really stops, confusion matrix and confident mistakes. -->
#
# **Why this matters.** A deeper network can learn more, and it can also memorise the training set. To tell the
# two apart you need data the model never trained on, used the right way: a *validation* set to make decisions
# during training, and a *test* set opened once at the end. Then an accuracy number is not the end of the story:
# you look at which classes the model confuses, and at its most confident mistakes.
#
# *CNNs, hands-on* · notebook 3 of 8 · previous: [**02 · first CNN**](02_first_cnn.ipynb) ·
# next: [**04 · capacity experiments**](04_capacity_experiments.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/03_deeper_cnn.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/03_deeper_cnn.ipynb)

# %% [markdown]
# ## You will learn
#
# - how to carve a validation split from the training data, and why the test set is used only once;
# - how to build a deeper CNN with `padding="same"`, `BatchNormalization` and `Dropout`;
# - how overfitting shows in the curves, and how `EarlyStopping(restore_best_weights=True)` stops it and rolls back;
# - a training recipe that is fast on a CPU, and why;
# - how to read a confusion matrix and per-class accuracy made with `tf.math.confusion_matrix`;
# - how to look at the model's most confident mistakes, and what they tell you.
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
# ## 1. Three splits: train, validation, test
#
# Every decision you make while looking at a score (when to stop, which model, which learning rate) fits the model
# a little to the data behind that score. Make those decisions on the test set and its score is no longer an honest
# estimate for new images. So we split the 60,000 training images once, at random with the notebook's seed:
#
# - **train** (90%): the model learns from these;
# - **validation** (10%): we watch these to stop training and compare models;
# - **test** (the separate 10,000): evaluated once, at the very end.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist(fast=(6000, 2000))
class_names = data.FASHION_CLASS_NAMES

order = np.random.default_rng(SEED).permutation(len(train_images))
validation_count = len(order) // 10
validation_index, fit_index = order[:validation_count], order[validation_count:]


def prepare(images: np.ndarray) -> np.ndarray:
    """Add the channel axis Conv2D needs; pixels stay uint8 (the model scales them, as in notebook 02)."""
    return images[..., np.newaxis]


x_train, y_train = prepare(train_images[fit_index]), train_labels[fit_index]
x_val, y_val = prepare(train_images[validation_index]), train_labels[validation_index]
x_test, y_test = prepare(test_images), test_labels
print(f"train {x_train.shape}, validation {x_val.shape}, test {x_test.shape}")
assert len(np.intersect1d(fit_index, validation_index)) == 0  # no image in both

# %% [markdown]
# ## 2. A deeper model
#
# `Rescaling(1 / 255)` first, as in notebook 02, then three convolution blocks instead of two. Each block is the
# same recipe:
#
# - `Conv2D(..., padding="same")`: zero padding keeps height and width, so only pooling shrinks the maps
#   (28 → 14 → 7 → 3) and a third block still has room;
# - `BatchNormalization()`: rescales each channel to a steady mean and spread during training, which lets the
#   network train faster and less erratically (the conv's bias is dropped: BatchNormalization has its own shift).
#   `momentum=0.9` makes the running averages it uses at prediction time catch up within a few dozen steps;
#   Keras's default, 0.99, needs several hundred and gives poor validation scores early in short runs;
# - `ReLU` then `MaxPooling2D(2)`.
#
# The filters double from block to block (16, 32, 64) while the maps shrink, a common pattern. `Dropout(0.3)`
# before the dense layers switches off a random 30% of the features at each training step, so the classifier
# cannot rely on any single one: a defence against memorising. (`dropout=0.0` leaves it out; section 3 uses that.)

# %% [markdown]
# **What the two layers compute.** `BatchNormalization` works on each channel separately, over its `m` values in
# the batch (every image, every position):
#
# $$\mu_B = \frac{1}{m}\sum_i x_i, \qquad \sigma_B^2 = \frac{1}{m}\sum_i (x_i - \mu_B)^2, \qquad
# \hat x_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}}, \qquad y_i = \gamma\,\hat x_i + \beta$$
#
# - `x̂` has mean 0 and variance 1 in every channel; the scale **γ** and shift **β** are learned (they start at 1
#   and 0), so the network can undo the normalisation where that helps. `ε` (0.001 in Keras) avoids dividing by 0.
# - **In training** the layer uses the batch's own `μ_B` and `σ²_B`, and updates running averages of them:
#   `moving ← momentum · moving + (1 − momentum) · batch value`.
# - **In inference** it uses the running averages, so a prediction does not depend on the other images in its
#   batch. γ and β are trained by gradient descent; the running averages are not.
#
# `Dropout(p)` in training zeroes each value with probability `p` and divides the values it keeps by `1 − p`
# (*inverted* dropout), so every output keeps its expected value; in inference it passes everything through
# unchanged, with no rescaling needed. Notebook 11 ([a CNN from scratch](11_cnn_from_scratch.ipynb)) writes both
# layers in NumPy, forward and backward, and checks them against Keras.

# %%
def conv_block(filters: int) -> list[keras.layers.Layer]:  # @save
    """One block: Conv2D (3x3, same padding, no bias) -> BatchNormalization -> ReLU -> MaxPooling2D(2)."""
    return [
        keras.layers.Conv2D(filters, (3, 3), padding="same", use_bias=False),
        keras.layers.BatchNormalization(momentum=0.9),
        keras.layers.ReLU(),
        keras.layers.MaxPooling2D(2),
    ]


def build_deeper_cnn(dropout: float = 0.3, seed: int | None = None) -> keras.Model:  # @save
    """Rescaling, three Conv-BN-ReLU-Pool blocks (16, 32, 64 filters), then Dropout -> Dense(128) -> Dense(10)."""
    if seed is not None:  # reseed Keras first: the same seed, the same starting weights
        keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Rescaling(1 / 255),
            *conv_block(16),
            *conv_block(32),
            *conv_block(64),
            keras.layers.Flatten(),
            keras.layers.Dropout(dropout),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="deeper_cnn",
    )


model = build_deeper_cnn(seed=SEED)
model.summary()

# %% [markdown]
# Despite its extra block, this model has fewer parameters than the first CNN of notebook 02 (243,786): narrower
# early layers, and only 3 × 3 × 64 = 576 values reach the dense layer instead of 1,600.

# %% tags=["nbval-check-output"]
print(f"parameters: {model.count_params():,}")
print("feature map sizes:", [tuple(layer.output.shape[1:3]) for layer in model.layers
                             if isinstance(layer, keras.layers.MaxPooling2D)])
assert model.count_params() < 243_786

# %% [markdown]
# ## 3. Overfitting, on purpose, and early stopping that really stops
#
# First a small experiment to see what overfitting looks like. A model with plenty of capacity and no defence
# against memorising: notebook 02's first CNN (243,786 parameters, no `BatchNormalization`, no `Dropout`, imported
# from `course_utils.models`), trained on only **1,000** images at a constant learning rate of 0.001. We validate
# on 1,000 other images after every epoch.
#
# `EarlyStopping(monitor="val_loss", patience=8, restore_best_weights=True)` watches it: when the validation loss
# has not improved for 8 epochs in a row, training stops, and the model goes back to the weights of its best epoch.
# A patience of 8 is longer than you would use in practice; here it lets us watch 8 epochs of overfitting before
# the rollback. At most 40 epochs.

# %%
from course_utils.models import build_first_cnn, compile_with_cosine  # notebook 02's CNN and recipe

small_count, small_epochs = mode.by_mode(full=(1000, 40), fast=(500, 12))
small_train = (x_train[:small_count], y_train[:small_count])
small_val = (x_val[:1000], y_val[:1000])

small_model = build_first_cnn(seed=SEED)  # notebook 02's CNN: no BatchNormalization, no Dropout
small_model.compile(optimizer=keras.optimizers.Adam(0.001), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"], steps_per_execution=16)
small_stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=8, restore_best_weights=True)
small_history = small_model.fit(*small_train, validation_data=small_val, epochs=small_epochs, batch_size=64,
                                callbacks=[small_stopper], verbose=0)
curves = {key: np.array(values) for key, values in small_history.history.items()}
ran, best = len(curves["loss"]), int(np.argmin(curves["val_loss"]))  # best: index of the lowest validation loss
kept_loss, kept_accuracy = small_model.evaluate(*small_val, verbose=0)
gap_at_best = curves["val_loss"][best] - curves["loss"][best]
gap_at_end = curves["val_loss"][-1] - curves["loss"][-1]
print(f"ran {ran} of {small_epochs} epochs; lowest validation loss at epoch {best + 1}: {curves['val_loss'][best]:.3f}")
print(f"from epoch {best + 1} to {ran}: training loss {curves['loss'][best]:.3f} -> {curves['loss'][-1]:.3f}, "
      f"validation loss {curves['val_loss'][best]:.3f} -> {curves['val_loss'][-1]:.3f}")
print(f"gap between them: {gap_at_best:.3f} -> {gap_at_end:.3f}; kept the weights of epoch {best + 1} "
      f"(validation loss {kept_loss:.3f}, accuracy {kept_accuracy:.4f})")
results.record(small_best_epoch=best + 1, small_gap_growth=gap_at_end / gap_at_best, claims={
    "training_loss_falls_steadily": (
        np.max(np.diff(curves["loss"])) < 0.05,
        "the training loss never rises by more than 0.05 from one epoch to the next: a stable run"),
    "gap_widens_after_best_epoch": (
        gap_at_end > 1.25 * gap_at_best and curves["loss"][-1] < 0.85 * curves["loss"][best],
        "after the best epoch the training loss keeps falling while the gap to the validation loss grows by more "
        "than a quarter"),
    "early_stopping_stops_and_restores": (
        ran < small_epochs and np.isclose(kept_loss, curves["val_loss"][best], atol=1e-3),
        "early stopping ended the run before its last epoch and restored the epoch with the lowest validation loss"),
})

# %%
# (extra code) draws the small run's training and validation curves
plots.history_curves({"1,000 images, no BatchNorm, no Dropout": small_history},
                     title="Overfitting: the training loss keeps falling, the validation loss does not")
plt.show()

# %% [markdown]
# Both panels matter. On the left, the training loss keeps falling, smoothly, to the end: the model gets better
# and better at its 1,000 images. The validation loss falls with it at first, bottoms out (epoch
# 16<!-- value: small_best_epoch --> in our run), then drifts up while the training loss goes on down: the gap
# between the two curves grew by a factor of 2.1<!-- value: small_gap_growth --> after the best epoch. From there
# on the model learns details of its 1,000 images that do not carry over to new ones. That widening gap is
# overfitting. On the right, the accuracies tell the same story more quietly: training accuracy climbs towards 1,
# validation accuracy levels off far below it.
#
# **Which metric should early stopping watch?** The validation *loss* and the validation *accuracy* do not always
# agree on the best epoch, and this run shows it:

# %%
by_accuracy = int(np.argmax(curves["val_accuracy"]))
print(f"restored by val_loss: epoch {best + 1}, validation accuracy {curves['val_accuracy'][best]:.4f}")
print(f"highest validation accuracy of the run: epoch {by_accuracy + 1}, {curves['val_accuracy'][by_accuracy]:.4f}")
results.record(
    accuracy_at_lowest_loss=curves["val_accuracy"][best],
    highest_val_accuracy=curves["val_accuracy"][by_accuracy],
    accuracy_missed_by_loss=curves["val_accuracy"][by_accuracy] - curves["val_accuracy"][best],
)

# %% [markdown]
# In our run the two agreed: the epoch with the lowest validation loss, 16<!-- value: small_best_epoch -->, also had
# the highest validation accuracy, 0.818<!-- value: highest_val_accuracy -->. That is not guaranteed. With other
# seeds the highest validation accuracy can come several epochs *after* the lowest loss, so that early stopping on
# `val_loss` rolls back to a model that gets fewer validation images right; the seed study in docs/results.md lists
# how far apart the two were (`accuracy_missed_by_loss`). How can the loss rise while the accuracy holds or
# improves? The loss punishes *confidence* in wrong answers: a memorising model grows more and more certain, so its
# few confident mistakes cost more and more, even while it gets a few more images right. The accuracy only counts
# right and wrong.
#
# So choose the metric for what you will use the model for:
#
# - **`val_accuracy`** if accuracy is what you report and act on. Notebook 06 does that. Its drawback: it moves in
#   steps of one image (0.001 here), so on a small validation set it is noisy, and ties are common.
# - **`val_loss`** if you use the predicted probabilities themselves (a confidence threshold, a ranking), or as a
#   smoother signal. It is the cautious default, since it also catches a model growing overconfident.
#
# Either way, `restore_best_weights=True` matters: without it you keep the last epoch, 8 epochs past the best.

# %% [markdown]
# ### 3b. BatchNormalization in its two modes
#
# The deeper model of section 2 has `BatchNormalization`, and it behaves differently in training and at
# prediction. During training (`training=True`, what `fit` does) it normalises each channel with the mean and
# variance of the *current batch*, and updates running averages of them: `moving = momentum × moving + (1 −
# momentum) × batch`. At prediction (`training=False`, what `evaluate` and `predict` do) it uses those running
# averages instead. They start at mean 0 and variance 1, far from the real statistics of our layers, and with
# `momentum=0.9` each step moves them only 10% of the way. So early in training the same weights can score very
# differently in the two modes. Here is the deeper model after 10 steps on the 1,000 images:

# %%
bn_model = build_deeper_cnn(dropout=0.0, seed=SEED)
bn_model.compile(optimizer=keras.optimizers.Adam(0.002), loss="sparse_categorical_crossentropy",
                 metrics=["accuracy"])
bn_model.fit(*small_train, epochs=1, batch_size=100, verbose=0)  # 1,000 images in batches of 100: 10 steps
probe = small_val[0][:500]
batch_mode = keras.ops.convert_to_numpy(bn_model(probe, training=True)).argmax(axis=1)
inference_mode = keras.ops.convert_to_numpy(bn_model(probe, training=False)).argmax(axis=1)
first_norm = next(layer for layer in bn_model.layers if isinstance(layer, keras.layers.BatchNormalization))
print(f"after 10 steps: accuracy with batch statistics {np.mean(batch_mode == small_val[1][:500]):.3f}, with the "
      f"running averages {np.mean(inference_mode == small_val[1][:500]):.3f}")
print(f"first BatchNormalization layer, running variance of its channels: "
      f"{keras.ops.convert_to_numpy(first_norm.moving_variance).mean():.3f} on average "
      f"(it started at 1.000)")

# %% [markdown]
# With so few updates the running averages still sit near their starting values, so at prediction the layer
# rescales the channels wrongly and the accuracy collapses, while the very same weights do well with batch
# statistics. That is why a short run with `BatchNormalization` can show a validation accuracy near chance in its
# first epochs although its training accuracy is rising: the running averages lag. It fixes itself after a few
# dozen steps (a few hundred with Keras's default momentum, 0.99), and on all 54,000 images (section 4, 422
# steps per epoch) it is over within the first epoch.

# %% [markdown]
# ## 4. Train on all the data, with early stopping
#
# Now the real run, on the full training split, with dropout. Two things steer it:
#
# - the learning rate follows notebook 02's cosine curve: it starts at 0.002, twice Adam's default, and glides to 0
#   over 4 epochs, the most we allow;
# - `EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)` watches the validation loss as a
#   safety net.
#
# With 54 times more images and a learning rate that shrinks to 0, the validation loss usually still improves at the
# last epoch, so early stopping has nothing to do here: it is insurance for longer schedules, not a speed-up. The
# line printed after training says whether it fired in your run. Batches hold 128 images.
#
# **Why this setup is fast.** It is the course's recommended recipe, and `benchmarks/time_to_accuracy.py` measures
# this model (with a cosine over 5 epochs from a higher rate, 0.006, to reach the benchmark's target of 0.91 on the
# test set) against notebook 02's CNN trained at batch 32. Two things make its epochs cheaper on a CPU: this model
# needs 2.5 times fewer multiply-adds per image (narrow early layers, where the maps are largest), and batches of 128
# mean fewer, larger steps. Fewer epochs are not guaranteed: in the benchmark's runs, notebook 02's CNN sometimes
# reached 0.91 in as few epochs as this one and sometimes not within 10 (docs/speed.md). To see it on your machine,
# run `benchmarks/time_to_accuracy.py`: it trains both side by side and prints the ratio of the two times on its last
# line.

# %%
max_epochs = mode.by_mode(full=4, fast=3)
steps = max_epochs * int(np.ceil(len(x_train) / 128))
compile_with_cosine(model, rate=0.002, steps=steps)  # notebook 02's recipe: Adam, cosine from 0.002 to 0
early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
with Timer() as training_time:
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=max_epochs,
        batch_size=128,
        callbacks=[early_stopping],
        verbose=2,
    )
epochs_run = len(history.history["loss"])
best_epoch = int(np.argmin(history.history["val_loss"])) + 1
fired = "fired: it stopped early" if early_stopping.stopped_epoch else "did not fire"
print(f"ran {epochs_run} epochs in {training_time}; best validation loss at epoch {best_epoch}; "
      f"early stopping {fired}")

# %%
# (extra code) draws the deeper CNN's curves on all the data
plots.history_curves({"deeper CNN, all data": history}, title="Deeper CNN on 54,000 images, with dropout")
plt.show()

# %% [markdown]
# With 54 times more images, the validation loss falls with the training loss instead of turning up. One detail
# surprises many: the *training* accuracy Keras logs can be lower than the validation accuracy. It is averaged over
# an epoch while the weights still change, and measured with dropout switching features off; validation is
# measured at the end of the epoch with dropout off. The accuracy plot above shows both curves, epoch by epoch;
# the line below gives the last epoch's numbers:

# %%
train_loss, val_loss = history.history["loss"], history.history["val_loss"]
print(f"last epoch: train loss {train_loss[-1]:.3f}, accuracy {history.history['accuracy'][-1]:.4f} | "
      f"validation loss {val_loss[-1]:.3f}, accuracy {history.history['val_accuracy'][-1]:.4f}")
restored_val_loss = model.evaluate(x_val, y_val, verbose=0)[0]
assert np.isclose(restored_val_loss, min(val_loss), atol=1e-3), "the model ends with its best epoch's weights"
results.claim("no_turn_up_on_all_data", val_loss[-1] <= 1.02 * min(val_loss),
              "with all the data, the last epoch's validation loss is within 2% of the lowest")

# %% [markdown]
# ## 5. The test set, once
#
# All decisions are made. Now, and only now, the test set:

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {test_accuracy:.4f}, test loss {test_loss:.4f}")
results.expect("test_accuracy", test_accuracy, full=(0.89, 1.0))

# %% [markdown]
# ## 6. Common mistake: trusting the accuracy without looking at the errors
#
# One number hides *which* images fail. A confusion matrix counts, for every true class (row), what the model
# predicted (column). We build it with `tf.math.confusion_matrix`.

# %%
probabilities = model.predict(x_test, verbose=0)
predicted = probabilities.argmax(axis=1)
matrix = tf.math.confusion_matrix(y_test, predicted, num_classes=10).numpy()
assert matrix.sum() == len(y_test) and np.trace(matrix) == (predicted == y_test).sum()

# %%
# (extra code) draws the confusion matrix
plots.confusion_matrix(matrix, class_names, title="Fashion-MNIST test set: true class (rows) vs predicted")
plt.show()

# %% [markdown]
# Per-class accuracy is the diagonal divided by the row sums. Sorted from worst to best:

# %%
per_class = np.diag(matrix) / matrix.sum(axis=1)
rows = [{"class": class_names[i], "accuracy": per_class[i], "images": int(matrix[i].sum())}
        for i in np.argsort(per_class)]
print(format_table(rows))

# %% [markdown]
# And the pairs of classes most often mixed up (true → predicted):

# %%
off_diagonal = matrix.copy()
np.fill_diagonal(off_diagonal, 0)
pairs = np.dstack(np.unravel_index(np.argsort(off_diagonal, axis=None)[::-1][:5], matrix.shape))[0]
for true_class, predicted_class in pairs:
    count = off_diagonal[true_class, predicted_class]
    print(f"{class_names[true_class]:>12} → {class_names[predicted_class]:<12} {count:4d} images")
worst_class = class_names[int(np.argmin(per_class))]
upper_body = {"T-shirt/top", "Pullover", "Coat", "Shirt"}
results.record(claims={
    "shirt_is_worst": (worst_class == "Shirt", "Shirt is the class recognised least often"),
    "top_confusions_upper_body": (all({class_names[t], class_names[p]} <= upper_body for t, p in pairs[:3]),
                                  "the 3 most frequent confusions are all between upper-body garments"),
})

# %% [markdown]
# Now the images themselves: the test images the model got wrong with the highest confidence.

# %%
# (extra code) shows the test images the model gets most confidently wrong
plots.misclassified_gallery(test_images, y_test, probabilities, class_names, count=16)
plt.show()

# %% [markdown]
# In our full-mode run (seed 42) the model reached **0.906**<!-- value: test_accuracy --> test accuracy, but not
# evenly, and the checks above hold for every seed we tried: *Shirt* is the class recognised least often, and the
# most frequent confusions are all among upper-body garments (shirts, T-shirts, pullovers and coats; the lines
# above give the counts). At 28×28 pixels in greyscale these classes share one silhouette; what tells them apart
# (buttons, collars, fabric, sleeve length) is a few pixels of texture. The gallery shows it: many confident
# mistakes are images a person would hesitate over, and a few labels look wrong. The overall accuracy hides a class
# that fails far more often than the rest: if shirts matter for your use, that is the number to report and to work
# on.

# %% [markdown]
# ## 7. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb03 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** A training run recorded these validation losses, epoch 1 first. With
# `EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)`, which epoch's weights does the model
# end with?

# %% tags=["nbval-check-output"]
for epoch, loss in enumerate(ex.VALIDATION_LOSS, start=1):
    print(f"epoch {epoch}: val_loss {loss}")

# %%
restored_epoch = ...  # an epoch number, counting from 1

ex.q1.check(restored_epoch)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2.** Write `per_class_accuracy(matrix)`: given a confusion matrix with true classes as rows, return
# the accuracy of each class. Then compare with the table in section 6.

# %%
def per_class_accuracy(matrix):
    ...  # your code here


ex.q2.check(per_class_accuracy)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Exercise 3.** How many parameters (trainable and not) does a `BatchNormalization()` layer have when it follows a
# `Conv2D` with 64 filters? Check your answer against `model.summary()` above.

# %%
batchnorm_parameters = ...  # a whole number

ex.q3.check(batchnorm_parameters)

# %%
# ex.q3.hint()
# ex.q3.solution()

# %% [markdown]
# **Stretch exercise. What does BatchNormalization buy?** A real experiment, about 40 s in full mode. Write
# `build_no_batchnorm_cnn()`: `build_deeper_cnn()` without its `BatchNormalization` layers. Each block becomes
# `Conv2D(filters, (3, 3), padding="same", activation="relu")` then `MaxPooling2D(2)`, and the convolutions get
# their bias back (the check explains why). The next cell trains it with section 4's recipe, from the same seed,
# for the first 2 epochs only, so that its validation accuracy can be compared with section 4's at the same epoch.

# %% tags=["stretch-answer"]
def build_no_batchnorm_cnn():
    ...  # your code here: return keras.Sequential([...])

# %%
no_bn_model = no_bn_history = None
if ex.stretch.ready(build_no_batchnorm_cnn):
    stretch_epochs = mode.by_mode(full=2, fast=1)
    keras.utils.set_random_seed(SEED)
    no_bn_model = build_no_batchnorm_cnn()
    compile_with_cosine(no_bn_model, rate=0.002, steps=steps)
    with Timer() as no_bn_time:
        no_bn_history = no_bn_model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=stretch_epochs,
                                        batch_size=128, verbose=0)
    for epoch, accuracy in enumerate(no_bn_history.history["val_accuracy"], start=1):
        print(f"epoch {epoch}: validation accuracy {accuracy:.4f} without BatchNormalization, "
              f"{history.history['val_accuracy'][epoch - 1]:.4f} with it")
    print(f"({no_bn_time})")

# %% [markdown]
# After the last epoch it ran, is the validation accuracy without BatchNormalization `"higher"`, `"lower"` or
# `"about the same"` as with it? Count a difference within ±0.01 as the same: early in training, one seed alone
# moves it about that much.

# %% tags=["stretch-answer"]
no_bn_verdict = ...  # "higher", "lower" or "about the same"

ex.stretch.check(no_bn_verdict, model=no_bn_model, history=no_bn_history, baseline_history=history)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - Split once: train to learn, validation to decide, test to report, once.
# - `padding="same"` keeps sizes so more blocks fit; `BatchNormalization` steadies training; `Dropout` fights
#   memorising.
# - Overfitting shows as a gap between the training and validation curves that keeps growing: the training loss
#   falls while the validation loss stops falling and drifts up. `EarlyStopping(restore_best_weights=True)` keeps
#   the best epoch; watch `val_accuracy` if accuracy is what you report, `val_loss` if you use the probabilities.
# - `BatchNormalization` uses batch statistics in training and running averages at prediction; early in a short
#   run the averages lag, and validation scores can sit near chance.
# - Look past the accuracy: the confusion matrix and the confident mistakes show *what* the model gets wrong.
#
# **Next: [04 · capacity experiments](04_capacity_experiments.ipynb)** changes the number of filters and the kernel
# size, measures accuracy against parameters and time, and finds out when bigger stops helping.
