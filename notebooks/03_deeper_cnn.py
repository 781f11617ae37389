# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
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
#
# **Why this matters.** A deeper network can learn more, and it can also memorise the training set. To tell the
# two apart you need data the model never trained on, used the right way: a *validation* set to make decisions
# during training, and a *test* set opened once at the end. Then an accuracy number is not the end of the story:
# you look at which classes the model confuses, and at its most confident mistakes.
#
# *CNNs, hands-on* · notebook 3 of 8 · previous: [**02 · first CNN**](02_first_cnn.ipynb) ·
# next: [**04 · capacity experiments**](04_capacity_experiments.ipynb)
#
# [![Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/cnns-hands-on/cnns-hands-on/blob/v0.2.0/notebooks/03_deeper_cnn.ipynb)
# [![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/cnns-hands-on/cnns-hands-on/v0.2.0?urlpath=lab/tree/notebooks/03_deeper_cnn.ipynb)

# %% [markdown]
# ## You will learn
#
# - how to carve a validation split from the training data, and why the test set is used only once;
# - how to build a deeper CNN with `padding="same"`, `BatchNormalization` and `Dropout`;
# - how overfitting shows in the curves, and how `EarlyStopping(restore_best_weights=True)` handles it;
# - a training recipe that is fast on a CPU, and why;
# - how to read a confusion matrix and per-class accuracy made with `tf.math.confusion_matrix`;
# - how to look at the model's most confident mistakes, and what they tell you.
#
# Cells whose first line is `# (extra code)` only draw figures or tables.

# %% [markdown]
# ## Setup
#
# Run this cell first: it seeds the random generators and reports the environment and the mode. On Colab it
# first installs the course's helper package, `course_utils` (about 10 s); anywhere else it installs nothing.

# %%
import importlib
import sys

if "google.colab" in sys.modules:  # on Colab only: install the course helpers (pinned), keep Colab's TensorFlow
    # %pip install --quiet --no-deps "course-utils @ git+https://github.com/cnns-hands-on/cnns-hands-on@v0.2.0"
    importlib.invalidate_caches()  # let this running Python find the package installed a moment ago

from course_utils import env

report = env.setup(seed=42)

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from course_utils import data, mode, plots, results
from course_utils.exercises import nb03 as ex
from course_utils.tables import format_table
from course_utils.timing import Timer

# %% [markdown]
# ## 1. Three splits: train, validation, test
#
# Every decision you make while looking at a score (when to stop, which model, which learning rate) fits the model
# a little to the data behind that score. Make those decisions on the test set and its score is no longer an honest
# estimate for new images. So we split the 60,000 training images once, at random with a fixed seed:
#
# - **train** (90%): the model learns from these;
# - **validation** (10%): we watch these to stop training and compare models;
# - **test** (the separate 10,000): evaluated once, at the very end.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_fashion_mnist()
class_names = data.FASHION_CLASS_NAMES
train_images, train_labels = mode.subset(train_images, train_labels, fast=6000)
test_images, test_labels = mode.subset(test_images, test_labels, fast=2000)

order = np.random.default_rng(0).permutation(len(train_images))
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
# cannot rely on any single one: a defence against memorising.

# %%
def conv_block(filters: int) -> list[keras.layers.Layer]:
    return [
        keras.layers.Conv2D(filters, (3, 3), padding="same", use_bias=False),
        keras.layers.BatchNormalization(momentum=0.9),
        keras.layers.ReLU(),
        keras.layers.MaxPooling2D(2),
    ]


def build_deeper_cnn() -> keras.Model:
    """Rescaling, three Conv-BN-ReLU-Pool blocks (16, 32, 64 filters), then Dropout -> Dense(128) -> Dense(10)."""
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Rescaling(1 / 255),
            *conv_block(16),
            *conv_block(32),
            *conv_block(64),
            keras.layers.Flatten(),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ],
        name="deeper_cnn",
    )


keras.utils.set_random_seed(42)
model = build_deeper_cnn()
model.summary()

# %% [markdown]
# Despite its extra block, this model has fewer parameters than the first CNN of notebook 02 (243,786): narrower
# early layers, and only 3 × 3 × 64 = 576 values reach the dense layer instead of 1,600.

# %%
# NBVAL_CHECK_OUTPUT
print(f"parameters: {model.count_params():,}")
print("feature map sizes:", [tuple(layer.output.shape[1:3]) for layer in model.layers
                             if isinstance(layer, keras.layers.MaxPooling2D)])
assert model.count_params() < 243_786

# %% [markdown]
# ## 3. Overfitting, on purpose
#
# First a small experiment to see what overfitting looks like. A fresh copy of the model trains on only 1,000
# images for 20 epochs, with nothing to stop it. With so few examples it can memorise them.

# %%
small_count, small_epochs = mode.by_mode(full=(1000, 20), fast=(500, 6))
keras.utils.set_random_seed(42)
small_data_model = build_deeper_cnn()
small_data_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
small_history = small_data_model.fit(
    x_train[:small_count],
    y_train[:small_count],
    validation_data=(x_val[:2000], y_val[:2000]),  # 2,000 validation images show the curve at a third of the cost
    epochs=small_epochs,
    batch_size=128,
    verbose=0,
)
small_val_loss = small_history.history["val_loss"]
lowest = int(np.argmin(small_val_loss)) + 1
print(f"{small_count:,} training images: validation loss lowest at epoch {lowest} ({min(small_val_loss):.3f}), "
      f"{small_val_loss[-1]:.3f} at epoch {small_epochs}; training loss {small_history.history['loss'][-1]:.3f}")
if not mode.is_fast():
    assert small_val_loss[-1] > min(small_val_loss), "with 1,000 images the validation loss should turn up"

# %%
# (extra code)
plots.history_curves({"1,000 images": small_history})
plt.show()

# %% [markdown]
# Training loss keeps falling: the model gets better and better at the images it sees. The validation loss falls,
# bottoms out, then climbs: from there on the model learns details of its 1,000 images that do not carry over to
# new ones. That widening gap is overfitting, and the best moment to stop was the bottom of the validation curve.

# %% [markdown]
# ## 4. Train on all the data, with early stopping
#
# Now the real run, on the full training split. Two things steer it:
#
# - the learning rate follows notebook 02's cosine curve, but starts at 0.002, twice Adam's default (batch
#   normalisation makes the larger steps safe), and reaches 0 after 5 epochs, the most we allow;
# - `EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)` watches the validation loss: if it
#   has not improved for 2 epochs, training stops; either way the model ends with the best epoch's weights.
#
# Batches hold 128 images.
#
# **Why this setup is fast.** It is the course's recommended recipe, and `benchmarks/time_to_accuracy.py` measures
# it against notebook 02's CNN trained at batch 32. Three things help on a CPU: this model needs 2.5 times fewer
# multiply-adds per image (narrow early layers, where the maps are largest); batches of 128 mean fewer, larger
# steps; and batch normalisation with a higher learning rate reaches a given accuracy in fewer epochs. In our run
# of the benchmark this model reached 0.91 test accuracy in 81 s, 4 epochs; notebook 02's CNN at batch 32 had not
# reached it after 10 epochs and 345 s.

# %%
max_epochs = mode.by_mode(full=5, fast=3)
steps = max_epochs * int(np.ceil(len(x_train) / 128))
schedule = keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.002, decay_steps=steps)
model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
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
print(f"ran {epochs_run} epochs in {training_time}; best validation loss at epoch {best_epoch}")

# %%
# (extra code)
plots.history_curves({"deeper CNN, all data": history})
plt.show()

# %% [markdown]
# With 54 times more images the gap between the curves is much smaller. It is still there (training accuracy runs
# ahead of validation accuracy), which is why early stopping keeps watching.

# %%
train_loss, val_loss = history.history["loss"], history.history["val_loss"]
print(f"best epoch ({best_epoch}): train loss {train_loss[best_epoch - 1]:.3f}, "
      f"validation loss {val_loss[best_epoch - 1]:.3f}")
restored_val_loss = model.evaluate(x_val, y_val, verbose=0)[0]
assert np.isclose(restored_val_loss, min(val_loss), atol=1e-3), "the best weights were restored"

# %% [markdown]
# ## 5. The test set, once
#
# All decisions are made. Now, and only now, the test set:

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test accuracy {test_accuracy:.4f}, test loss {test_loss:.4f}")
results.record("test_accuracy", test_accuracy, expected=(0.91, 1.0))
if not mode.is_fast():
    assert test_accuracy >= 0.91, f"the deeper CNN should reach 0.91 test accuracy, got {test_accuracy:.4f}"

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
# (extra code)
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

# %% [markdown]
# Now the images themselves: the test images the model got wrong with the highest confidence.

# %%
# (extra code)
plots.misclassified_gallery(test_images, y_test, probabilities, class_names, count=16)
plt.show()

# %% [markdown]
# In our full-mode run (seed 42, 5 epochs) the model reached **0.910** test accuracy, but not evenly: *Shirt* was
# recognised only 70% of the time, while Trouser, Bag, Sandal and Sneaker were above 97%. The big confusions are all
# among upper-body garments: shirts taken for T-shirts (122 images), coats (85) and pullovers (60), and the reverse,
# T-shirts (81) and pullovers (58) taken for shirts. At 28×28 pixels in greyscale these classes share one
# silhouette; what tells them apart (buttons, collars, fabric, sleeve length) is a few pixels of texture. The
# gallery shows it: many confident mistakes are images a person would hesitate over, and a few labels look wrong.
# The overall 0.910 hides a class that fails almost one time in three: if shirts matter for your use, that is the
# number to report and to work on.

# %% [markdown]
# ## 7. Exercises
#
# Write your answer in place of `...`, run the cell, read the feedback. `ex.q1.hint()` and `ex.q1.solution()`
# help when you are stuck.
#
# **Exercise 1.** A training run recorded these validation losses, epoch 1 first. With
# `EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)`, which epoch's weights does the model
# end with?

# %%
# NBVAL_CHECK_OUTPUT
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
# ## Summary
#
# - Split once: train to learn, validation to decide, test to report, once.
# - `padding="same"` keeps sizes so more blocks fit; `BatchNormalization` steadies training; `Dropout` fights
#   memorising.
# - Overfitting shows as a validation loss that turns up while the training loss keeps falling;
#   `EarlyStopping(restore_best_weights=True)` keeps the best epoch.
# - Look past the accuracy: the confusion matrix and the confident mistakes show *what* the model gets wrong.
#
# **Next: [04 · capacity experiments](04_capacity_experiments.ipynb)** changes the number of filters and the kernel
# size, measures accuracy against parameters and time, and finds out when bigger stops helping.
