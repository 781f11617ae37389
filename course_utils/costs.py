"""What a Keras model costs per image: the multiply-adds of its Conv2D and Dense layers."""

from __future__ import annotations

from typing import Any

import numpy as np


def multiply_adds(model: Any) -> int:
    """Multiply-adds per image in the model's Conv2D and Dense layers: the work that dominates training time."""
    import keras

    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            height, width, filters = layer.output.shape[1:]
            total += height * width * filters * int(np.prod(layer.kernel.shape[:3]))
        elif isinstance(layer, keras.layers.Dense):
            total += int(np.prod(layer.kernel.shape))
    return int(total)
