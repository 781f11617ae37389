"""Keras behaviour that the notebooks teach as fact, checked on whatever Keras is installed.

Notebook 10 says that in Keras 3 `base(inputs, training=False)` does not keep BatchNormalization in inference mode
once the base is unfrozen (fit's training=True overrides it), and that `trainable = False` on the layer does. If a
Keras release changes either, this test fails in `make test-latest` before a learner meets a false sentence.
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
