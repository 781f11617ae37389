"""Keras behaviour that the notebooks teach as fact, checked on whatever Keras is installed.

Notebook 10 says that fit() ignores an unfreeze until compile() is called again, and that in Keras 3
`base(inputs, training=False)` does not keep BatchNormalization in inference mode once the base is unfrozen (fit's
training=True overrides it), while `trainable = False` on the layer does. Notebook 09 says a seeded augmentation
layer in tf.data draws new shifts at every pass; notebook 05 that its untrained control starts from the trained
network's own weights. If a Keras release changes any of these, this test fails in `make test-latest` (or
`make test-colab`) before a learner meets a false sentence.
"""

from __future__ import annotations

import keras
import numpy as np


def _moving_mean_change(freeze_batchnorm: bool) -> float:
    keras.utils.set_random_seed(0)
    base = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3), keras.layers.BatchNormalization()])
    inputs = keras.Input((8, 8, 1))
    outputs = keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(base(inputs, training=False)))
    model = keras.Model(inputs, outputs)
    base.trainable = True
    if freeze_batchnorm:
        base.layers[1].trainable = False
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    images = np.random.default_rng(0).normal(3, 2, (32, 8, 8, 1)).astype("float32")
    before = keras.ops.convert_to_numpy(base.layers[1].moving_mean).copy()
    model.fit(images, np.zeros(32, dtype=int), epochs=1, batch_size=16, verbose=0)
    return float(np.abs(keras.ops.convert_to_numpy(base.layers[1].moving_mean) - before).max())


def test_training_false_in_a_functional_model_does_not_stop_batchnorm_updates():
    assert _moving_mean_change(freeze_batchnorm=False) > 0


def test_a_frozen_batchnorm_layer_keeps_its_statistics_in_an_unfrozen_base():
    assert _moving_mean_change(freeze_batchnorm=True) == 0.0


def _base_moves(recompile: bool) -> bool:
    """Notebook 10: train with the base frozen, unfreeze it, train again with or without a new compile()."""
    keras.utils.set_random_seed(0)
    base = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model = keras.Sequential([base, keras.layers.Dense(2)])
    base.trainable = False
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).random((32, 4)).astype("float32")
    y = np.random.default_rng(1).random((32, 2)).astype("float32")
    model.fit(x, y, epochs=1, verbose=0)
    before = base.get_weights()[0].copy()
    base.trainable = True
    if recompile:
        model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, verbose=0)
    return not np.allclose(before, base.get_weights()[0])


def test_unfreezing_takes_effect_only_after_compile():
    assert not _base_moves(recompile=False), "notebook 10 says fit() ignores an unfreeze until compile()"
    assert _base_moves(recompile=True)


def test_a_seeded_augmentation_layer_in_tf_data_draws_anew_at_every_pass():
    import tensorflow as tf

    keras.utils.set_random_seed(42)
    augment = keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=42)
    images = np.random.default_rng(0).integers(0, 255, (16, 28, 28, 1)).astype("uint8")
    passes = tf.data.Dataset.from_tensor_slices(images).batch(16).map(lambda x: augment(x, training=True))
    first, second = (next(iter(passes)).numpy() for _ in range(2))
    assert not np.array_equal(first, second), "notebook 09 says each epoch draws new shifts"


def test_the_untrained_control_starts_from_the_trained_networks_weights():
    from course_utils.models import build_first_cnn

    weights = [build_first_cnn(seed=42).get_weights() for _ in range(2)]  # as notebooks 02 and 05 build it
    assert all(np.array_equal(a, b) for a, b in zip(*weights, strict=True))
    other = build_first_cnn(seed=43).get_weights()
    assert not np.array_equal(other[0], weights[0][0]), "another seed, other starting weights"
