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
# # 06 · Handwritten digits: callbacks, checkpoints and error analysis
# <!-- course-map: MNIST with callbacks | Same CNN on digits, a stop-at-validation-target callback, safe checkpoints,
# error analysis. -->
#
# **Why this matters.** Real training runs are long, and you rarely know in advance how many epochs they need.
# *Callbacks* let the training loop watch itself: stop when the model is good enough, stop when it stops
# improving, keep the best version on disk. Used the wrong way (watching the training accuracy) they stop at the
# wrong moment; used the right way they save time and keep the best model safe. We use them on MNIST, the
# handwritten-digit dataset, and then study the few digits the model still gets wrong.
#
# *CNNs, hands-on* · notebook 6 of 8 · previous: [**05 · feature maps**](05_feature_maps.ipynb) ·
# next: [**07 · convolution in NumPy**](07_manual_convolution.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/main/notebooks/06_mnist_callbacks.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/main?urlpath=lab/tree/notebooks/06_mnist_callbacks.ipynb)

# %% [markdown]
# ## You will learn
#
# - how the same CNN, with the same training budget, does on digits and on clothes, and why one is harder;
# - how to write a custom `keras.callbacks.Callback` that stops at a **validation** accuracy target;
# - why the training accuracy is the wrong signal for stopping;
# - how `EarlyStopping` and `ModelCheckpoint` work together, and how to keep the best model on disk safely;
# - how to read a confusion matrix, per-class accuracy and the most confident mistakes on digits.
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
# ## 1. MNIST: 70,000 handwritten digits
#
# MNIST has the same format as Fashion-MNIST (28 × 28 greyscale, 60,000 training and 10,000 test images, 10
# classes), which is why Fashion-MNIST was designed as its drop-in replacement. We split off 10% of the training
# images for validation, as in notebook 03, and keep the pixels as `uint8`: the model scales them.

# %%
(mnist_train_images, mnist_train_labels), (mnist_test_images, mnist_test_labels) = data.load_mnist(fast=(6000, 2000))
digit_names = [str(digit) for digit in range(10)]


def split(images: np.ndarray, labels: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Shuffle once with the notebook's seed and hold out 10% for validation; add the channel axis."""
    order = np.random.default_rng(SEED).permutation(len(images))
    validation, fit = order[: len(order) // 10], order[len(order) // 10 :]
    return (images[fit, ..., np.newaxis], labels[fit]), (images[validation, ..., np.newaxis], labels[validation])


(x_train, y_train), (x_val, y_val) = split(mnist_train_images, mnist_train_labels)
x_test, y_test = mnist_test_images[..., np.newaxis], mnist_test_labels
print(f"train {x_train.shape}, validation {x_val.shape}, test {x_test.shape}")

# %%
# (extra code) shows 16 test digits with their labels
plots.image_grid(mnist_test_images[:16], mnist_test_labels[:16], digit_names, columns=8, title="MNIST test images")
plt.show()

# %% [markdown]
# ## 2. The same CNN, the same budget, two datasets
#
# Our CNN for this notebook is a compact three-convolution network: `Conv2D(32)` → pool → `Conv2D(64)` → pool →
# `Conv2D(64)` → `Dense(64)` → `Dense(10)`, scaling its own `uint8` input. We train it with a fixed budget, one
# epoch at batch 128, on MNIST and on Fashion-MNIST, from the same starting weights, and compare.

# %%
def build_digits_cnn(seed: int | None = None) -> keras.Model:  # @save
    """Rescaling -> Conv(32) -> Pool -> Conv(64) -> Pool -> Conv(64) -> Flatten -> Dense(64) -> Dense(10)."""
    if seed is not None:  # reseed Keras first: the same seed, the same starting weights
        keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Conv2D(32, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, (3, 3), activation="relu"),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(64, (3, 3), activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="digits_cnn",
    )


def train_one_epoch(x: np.ndarray, y: np.ndarray) -> tuple[keras.Model, Timer]:
    """The fixed budget: a fresh model from the notebook's seed, one epoch at batch 128, Adam at 0.003."""
    model = build_digits_cnn(seed=SEED)
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], steps_per_execution=32)
    with Timer() as timer:
        model.fit(x, y, epochs=1, batch_size=128, verbose=0)
    return model, timer


(fashion_train_images, fashion_train_labels), (fashion_test_images, fashion_test_labels) = data.load_fashion_mnist(
    fast=(6000, 2000))
(fashion_x_train, fashion_y_train), _ = split(fashion_train_images, fashion_train_labels)

budget_rows = []
for dataset, x, y, x_eval, y_eval in [
    ("MNIST", x_train, y_train, x_test, y_test),
    ("Fashion-MNIST", fashion_x_train, fashion_y_train, fashion_test_images[..., np.newaxis], fashion_test_labels),
]:
    budget_model, budget_time = train_one_epoch(x, y)
    accuracy = budget_model.evaluate(x_eval, y_eval, verbose=0)[1]
    budget_rows.append({"dataset": dataset, "train time": str(budget_time), "test accuracy": accuracy,
                        "errors per 1,000": round(1000 * (1 - accuracy))})
print(format_table(budget_rows))
results.record(one_epoch_mnist=budget_rows[0]["test accuracy"], one_epoch_fashion=budget_rows[1]["test accuracy"])

# %% [markdown]
# Same model, same time, very different error rates. Why are clothes harder than digits? One way to see it
# without any network: classify each test image by the *average training image* it is closest to (the nearest
# class mean, in raw pixels). The closer the classes' average images are to each other, the harder the dataset:

# %%
def nearest_mean_accuracy(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray, test_y: np.ndarray) -> float:
    """Accuracy of predicting the class whose mean training image is closest (Euclidean) to each test image."""
    means = np.stack([train_x[train_y == c].reshape(-1, 784).mean(axis=0) for c in range(10)]) / 255.0
    flat = test_x.reshape(len(test_x), 784) / 255.0
    distances = (flat**2).sum(axis=1)[:, None] - 2 * flat @ means.T + (means**2).sum(axis=1)[None, :]
    return float((distances.argmin(axis=1) == test_y).mean())


mnist_nearest = nearest_mean_accuracy(mnist_train_images, mnist_train_labels, mnist_test_images, mnist_test_labels)
fashion_nearest = nearest_mean_accuracy(fashion_train_images, fashion_train_labels, fashion_test_images,
                                        fashion_test_labels)
print(f"nearest class mean, raw pixels: MNIST {mnist_nearest:.3f}, Fashion-MNIST {fashion_nearest:.3f}")
results.record(nearest_mean_mnist=mnist_nearest, nearest_mean_fashion=fashion_nearest, claims={"digits_easier": (
    budget_rows[0]["test accuracy"] > budget_rows[1]["test accuracy"] + 0.05 and mnist_nearest > fashion_nearest,
    "digits beat clothes by more than 0.05 with the CNN, and with the nearest class mean too")})
del fashion_train_images, fashion_x_train  # free memory: Fashion-MNIST's training images are not needed again

# %% [markdown]
# In our run, one epoch gave 0.985<!-- value: one_epoch_mnist --> test accuracy on digits and
# 0.861<!-- value: one_epoch_fashion --> on clothes (the table gives the errors per 1,000 images). The
# nearest-class-mean test points at why: from raw pixels alone, MNIST's classes are told apart
# 82%<!-- value: nearest_mean_mnist --> of the time, Fashion-MNIST's 68%<!-- value: nearest_mean_fashion -->.
# Digits differ in the shape of their strokes, which survives at 28 × 28 pixels.
# Several clothing classes (T-shirt, shirt, pullover, coat) share one silhouette and differ in texture and details
# that a 28 × 28 greyscale image barely keeps (notebook 03's confusion matrix showed it). That is why Fashion-MNIST
# replaced MNIST as a first benchmark: on digits, a good model and an average one are hard to tell apart.

# %% [markdown]
# ## 3. A callback that stops at a validation target
#
# `model.fit` calls methods of every *callback* you give it at fixed moments: `on_epoch_end(epoch, logs)` after
# each epoch, with `logs` holding that epoch's metrics (`loss`, `accuracy`, and with validation data `val_loss`,
# `val_accuracy`). Setting `self.model.stop_training = True` asks `fit` to stop after the current epoch.
#
# Our callback stops as soon as the **validation** accuracy reaches a target. Why not the training accuracy, as many
# tutorials do? Because it measures something else: it is averaged over the epoch while the weights are still
# changing, it is measured on the very images the model is fitting, and it is computed with dropout active if the
# model has any. A big enough model eventually gets nearly every training image right, including by memorising
# them (notebook 03 showed it), so the training accuracy can reach any target without the model getting better
# at new digits. The validation accuracy answers the question we care about: how well does it do on digits it
# has not trained on?

# %%
class StopAtValidationAccuracy(keras.callbacks.Callback):
    """Stop training after the first epoch whose validation accuracy reaches ``target``."""

    def __init__(self, target: float) -> None:
        super().__init__()
        self.target = target
        self.stopped_epoch: int | None = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        val_accuracy = (logs or {}).get("val_accuracy")
        if val_accuracy is None:
            raise ValueError("StopAtValidationAccuracy needs validation data: pass validation_data=... to fit()")
        if val_accuracy >= self.target:
            self.stopped_epoch = epoch + 1  # Keras counts epochs from 0; people count from 1
            self.model.stop_training = True
            print(f"epoch {epoch + 1}: val_accuracy {val_accuracy:.4f} reached {self.target}, stopping")

# %% [markdown]
# ## 4. Three callbacks together, and the best model kept safe on disk
#
# - `StopAtValidationAccuracy(0.988)`: stop when good enough;
# - `EarlyStopping(monitor="val_accuracy", patience=2, restore_best_weights=True)`: stop when the validation
#   accuracy has not improved for 2 epochs, and end with the best epoch's weights either way;
# - `ModelCheckpoint(..., monitor="val_accuracy", save_best_only=True)`: after each epoch that improves the
#   validation accuracy, save the whole model.
#
# Where does the checkpoint go? Not straight onto the file that holds our best model: if the kernel dies halfway
# through a save, that file would be broken and the good model lost. `ModelCheckpoint` writes to a hidden
# *candidate* file next to it; after training, `saving.promote` loads the candidate to prove it is complete, and
# only then renames it over the best-model file (a rename on one disk is atomic: any reader sees the old file or
# the new one, never half of one). At most 10 epochs.
#
# The learning rate follows a cosine curve from 0.003 down to a floor of 10% over the first 3 epochs (notebook 02's
# schedule, with `alpha=0.1` so that later epochs still learn). The target, 0.988, is for *this* validation split;
# section 4's last cell prints how the test accuracy compares.

# %%
from course_utils.models import compile_with_cosine  # notebook 02's training recipe

best_model_path = paths.output_path(f"06_mnist_best_{mode.name()}.keras")
candidate_path = saving.partial_path(best_model_path)
target_accuracy = mode.by_mode(full=0.988, fast=0.95)
stop_at_target = StopAtValidationAccuracy(target_accuracy)
callbacks = [
    stop_at_target,
    keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2, restore_best_weights=True),
    keras.callbacks.ModelCheckpoint(candidate_path, monitor="val_accuracy", save_best_only=True),
]

model = build_digits_cnn(seed=SEED)
steps_per_epoch = int(np.ceil(len(x_train) / 128))
# notebook 02's recipe, with a floor: the rate glides from 0.003 to 0.0003 over 3 epochs, then stays there
compile_with_cosine(model, rate=0.003, steps=3 * steps_per_epoch, floor=0.1)
with Timer() as training_time:
    history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=10, batch_size=128,
                        callbacks=callbacks, verbose=2)
epochs_run = len(history.history["loss"])
print(f"{epochs_run} epochs in {training_time}; stopped by the target callback: {stop_at_target.stopped_epoch}")
saving.promote(candidate_path, best_model_path.name)
print(f"best model: {best_model_path.name}, {best_model_path.stat().st_size / 2**20:.1f} MiB")

# %% [markdown]
# What a broken save would do: we write a truncated copy of the model as a candidate and try to promote it. The
# promotion refuses, and the good file is untouched.

# %%
good_bytes = best_model_path.read_bytes()
candidate_path.write_bytes(good_bytes[: len(good_bytes) // 2])  # a save interrupted halfway
try:
    saving.promote(candidate_path, best_model_path.name)
except ValueError as refusal:
    print("refused:", str(refusal)[:120], "...")
assert best_model_path.read_bytes() == good_bytes
candidate_path.unlink()  # our own broken candidate; the good model stays

# %% [markdown]
# Now the test set, once, with the model loaded back from disk (what you would ship):

# %%
best_model = keras.models.load_model(best_model_path)
test_loss, test_accuracy = best_model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {test_accuracy:.4f} after {epochs_run} epochs ({training_time}); best validation accuracy "
      f"{max(history.history['val_accuracy']):.4f}")
results.record(expect={"test_accuracy": (test_accuracy, (0.98, 1.0)), "epochs": (epochs_run, (1, 10))})

# %% [markdown]
# **Who chose the number of epochs?** Compare the epoch where training stopped with the epoch where the learning
# rate reached its floor:

# %%
schedule_epochs = 3  # compile_with_cosine(..., steps=3 * steps_per_epoch): the glide ends after epoch 3
print(f"the learning rate reached its floor after epoch {schedule_epochs}; training stopped after epoch "
      f"{epochs_run}, {'by the target callback' if stop_at_target.stopped_epoch else 'without reaching the target'}")

# %% [markdown]
# In our full-mode runs the two coincide, at every seed of the seed study (`docs/results.md`): the target was crossed
# just as the glide ended. So here the *schedule* set the number of epochs, and the callbacks only noticed. They
# earn their keep when nobody knows the budget in advance: a new dataset, a constant learning rate, a run far longer
# than needed. Two more built-in callbacks are worth knowing:
#
# - `keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)` halves the learning rate when
#   the validation loss has not improved for 2 epochs: a schedule that reacts instead of being fixed in advance.
#   It needs a plain number as the optimizer's learning rate; with a schedule object like ours, Keras refuses
#   (a `TypeError`: the learning rate "is not settable").
# - `keras.callbacks.BackupAndRestore(backup_dir)` saves the whole training state (weights, optimizer, epoch) at
#   the end of every epoch, so that a run killed halfway resumes where it stopped when you call `fit` again. A
#   checkpoint keeps the best *model*; a backup keeps the *run*.

# %% [markdown]
# ## 5. Common mistake: stopping on the training accuracy
#
# Many tutorials stop when `logs["accuracy"]`, the *training* accuracy, reaches the target. On the full training
# set above that can look harmless, because 54,000 digits are hard to memorise in a few epochs. The harm shows when
# the model *can* memorise, which is the usual case with fewer labels. Below, the same CNN learns from 500 digits,
# and a callback that watches the training accuracy stops it at the same target, 0.988; the validation accuracy
# is logged beside it, for us, not for the callback.

# %%
class StopAtTrainingAccuracy(keras.callbacks.Callback):
    """THE MISTAKE: stop after the first epoch whose (logged) training accuracy reaches ``target``."""

    def __init__(self, target: float) -> None:
        super().__init__()
        self.target = target
        self.stopped_epoch: int | None = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if (logs or {}).get("accuracy", 0.0) >= self.target:
            self.stopped_epoch = epoch + 1
            self.model.stop_training = True


few_count = mode.by_mode(full=500, fast=200)
few_model = build_digits_cnn(seed=SEED)
few_model.compile(optimizer=keras.optimizers.Adam(0.001), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
wrong_stop = StopAtTrainingAccuracy(target_accuracy)
few_history = few_model.fit(x_train[:few_count], y_train[:few_count], validation_data=(x_val[:1000], y_val[:1000]),
                            epochs=40, batch_size=32, callbacks=[wrong_stop], verbose=0)
for epoch, (logged, val_accuracy) in enumerate(
    zip(few_history.history["accuracy"], few_history.history["val_accuracy"], strict=True), start=1
):
    print(f"epoch {epoch:>2}: training accuracy {logged:.4f}, validation accuracy {val_accuracy:.4f}")
stopped_val_accuracy = few_history.history["val_accuracy"][-1]
print(f"stopped after epoch {wrong_stop.stopped_epoch}, 'target {target_accuracy} reached', while the validation "
      f"accuracy was {stopped_val_accuracy:.4f}")
results.record(
    training_stop_val_accuracy=stopped_val_accuracy,
    training_stop_shortfall=target_accuracy - stopped_val_accuracy,
    claims={"training_accuracy_stop_misleads": (
        wrong_stop.stopped_epoch is not None and stopped_val_accuracy < target_accuracy - 0.03,
        "the training-accuracy callback declares the 0.988 target reached while the validation accuracy is more "
        "than 0.03 below it")},
)

# %% [markdown]
# The callback reported success: the training accuracy passed 0.988. On digits the model had not seen it was at
# 0.910<!-- value: training_stop_val_accuracy -->, 0.078<!-- value: training_stop_shortfall --> short of the target
# it claims to have met. It measured how well the model fits the 500 images it learns from, and a model this size
# can simply memorise them (notebook 03 showed it). The same callback on validation accuracy would have kept going,
# or stopped at the end of its epochs without reaching the target: both honest answers.
#
# A second, smaller reason not to trust the logged training accuracy: it is the running average over the epoch's
# batches, while the weights were still moving, not the accuracy of the finished model. In section 4's run it lags:

# %%
for epoch, (logged, val_accuracy) in enumerate(
    zip(history.history["accuracy"], history.history["val_accuracy"], strict=True), start=1
):
    print(f"epoch {epoch}: logged training accuracy {logged:.4f}, validation accuracy {val_accuracy:.4f}")
results.claim("logged_accuracy_lags", history.history["accuracy"][0] < history.history["val_accuracy"][0],
              "after epoch 1 the logged training accuracy is below the validation accuracy")

# %% [markdown]
# After epoch 1 the logged training accuracy is below the validation accuracy (checked above), because it averages
# over batches seen before the weights got good. So the two ways of misreading it pull in opposite directions: on
# a big training set the lag can make a training-accuracy callback stop *later* than needed; on a small one,
# memorisation makes it stop early, at a model that is not as good as it claims. Watch `val_accuracy` (or
# `val_loss`), and report the test set once, at the end.

# %% [markdown]
# ## 6. Error analysis: which digits fail, and how
#
# A confusion matrix on the test set (rows: true digit, columns: predicted), built with `tf.math.confusion_matrix`.

# %%
probabilities = best_model.predict(x_test, verbose=0)
predicted = probabilities.argmax(axis=1)
matrix = tf.math.confusion_matrix(y_test, predicted, num_classes=10).numpy()
assert matrix.sum() == len(y_test)

# %%
# (extra code) draws the confusion matrix (log colour)
plots.confusion_matrix(matrix, digit_names, log_colour=True,
                       title="MNIST test set: true digit (rows) vs predicted; colour: share of the row, log scale")
plt.show()

# %% [markdown]
# Per-digit accuracy, worst first, and the most frequent confusions:

# %%
per_digit = np.diag(matrix) / matrix.sum(axis=1)
print(format_table([{"digit": digit, "accuracy": per_digit[digit], "errors": int(matrix[digit].sum()
                     - matrix[digit, digit])} for digit in np.argsort(per_digit)[:5]]))
off_diagonal = matrix - np.diag(np.diag(matrix))
for flat_index in np.argsort(off_diagonal, axis=None)[::-1][:5]:
    true_digit, predicted_digit = np.unravel_index(flat_index, matrix.shape)
    print(f"{true_digit} read as {predicted_digit}: {off_diagonal[true_digit, predicted_digit]} images")
results.record(test_errors=int(off_diagonal.sum()), worst_digit_accuracy=per_digit.min())

# %% [markdown]
# The most confident mistakes: the wrong predictions the model was surest of.

# %%
# (extra code) shows the test digits the model gets most confidently wrong
plots.misclassified_gallery(mnist_test_images, y_test, probabilities, digit_names, count=16)
plt.show()

# %% [markdown]
# In our run the model got 85<!-- value: test_errors --> of the 10,000 test digits wrong
# (0.9915<!-- value: test_accuracy -->), and no digit fell below 98.4%<!-- value: worst_digit_accuracy -->. The
# lists above name the weakest digits and the most frequent confusions in your run: typically pairs that share most
# of their strokes, such as 4 and 9. Look at the gallery and judge for yourself how many you would have
# read correctly: at this level, the remaining errors are as much about ambiguous handwriting as about the model.

# %% [markdown]
# ## 7. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# Run the next cell first: it loads this notebook's checks as `ex`.

# %%
from course_utils.exercises import nb06 as ex  # the checks, hints and solutions of the exercises below

# %% [markdown]
# **Exercise 1.** Write the stopping callback for a loss: `StopAtValidationLoss(threshold)` stops training after
# the first epoch whose `val_loss` is at or below `threshold`. The check feeds it made-up epochs, the way `fit` does.

# %%
class StopAtValidationLoss(keras.callbacks.Callback):
    ...  # your code here: __init__(self, threshold) and on_epoch_end(self, epoch, logs=None)


ex.q1.check(StopAtValidationLoss)

# %%
# ex.q1.hint()
# ex.q1.solution()

# %% [markdown]
# **Exercise 2.** Write `most_confused_pair(matrix)`: given a confusion matrix (rows: true class, columns:
# predicted), return `(true_class, predicted_class)` of the most frequent mistake. Then call it on `matrix` from
# section 6 and compare with the list printed there.

# %%
def most_confused_pair(matrix):
    ...  # your code here


ex.q2.check(most_confused_pair)

# %%
# ex.q2.hint()
# ex.q2.solution()

# %% [markdown]
# **Stretch exercise. Stop a real run on the validation loss.** About 40–55 s in full mode. Exercise 1's
# `StopAtValidationLoss` has only met made-up epochs; now it stops a real `fit`. Choose `loss_target`, a validation
# loss to stop at: look at the `val_loss` that section 4's run printed after each epoch. The next cell trains a
# fresh model with section 4's seed and learning-rate schedule, with your callback as the only one, for at most
# 4 epochs.

# %% tags=["stretch-answer"]
loss_target = ...  # a validation loss, e.g. a little above the one at which section 4's run stopped

# %%
loss_history = stop_on_loss = None
stretch_epochs = 4
if ex.stretch.ready(StopAtValidationLoss) and ex.stretch.ready(loss_target):
    loss_model = build_digits_cnn(seed=SEED)
    compile_with_cosine(loss_model, rate=0.003, steps=3 * steps_per_epoch, floor=0.1)
    stop_on_loss = StopAtValidationLoss(loss_target)
    with Timer() as loss_time:
        loss_history = loss_model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=stretch_epochs,
                                      batch_size=128, callbacks=[stop_on_loss], verbose=0)
    for epoch, (loss, accuracy) in enumerate(zip(loss_history.history["val_loss"],
                                                 loss_history.history["val_accuracy"], strict=True), start=1):
        print(f"epoch {epoch}: val_loss {loss:.4f}, val_accuracy {accuracy:.4f}")
    print(f"stopped after {len(loss_history.history['val_loss'])} epochs ({loss_time}); section 4's run stopped "
          f"after {epochs_run}")

# %% [markdown]
# Did the loss rule stop `"earlier"`, `"later"` or `"at the same epoch"` as section 4's run?

# %% tags=["stretch-answer"]
loss_stops = ...  # "earlier", "later" or "at the same epoch"

ex.stretch.check(loss_stops, callback=stop_on_loss, history=loss_history, accuracy_epochs=epochs_run)

# %%
# ex.stretch.hint()
# ex.stretch.solution()

# %% [markdown]
# ## Summary
#
# - The same CNN with the same budget makes far fewer errors on digits than on clothes: digit classes are far
#   apart, clothing classes overlap (shirts, pullovers, coats).
# - A callback is a class with hooks such as `on_epoch_end(epoch, logs)`; `self.model.stop_training = True` ends
#   training after the current epoch.
# - Stop on a validation metric, never on the logged training accuracy: trained on 500 digits, a training-accuracy
#   callback declared the 0.988 target met while the validation accuracy was
#   0.910<!-- value: training_stop_val_accuracy -->.
# - `EarlyStopping(restore_best_weights=True)` ends with the best epoch; `ModelCheckpoint(save_best_only=True)`
#   keeps it on disk. Write checkpoints to a candidate file and promote it only once it loads.
# - Even near 99% accuracy, look at the errors: they show what the model cannot read, and which labels are doubtful.
#
# **Next: [07 · convolution in NumPy](07_manual_convolution.ipynb)** opens the box: you write the convolution that
# `Conv2D` computes, loop by loop, and check it against TensorFlow.
