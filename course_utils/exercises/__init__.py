"""Exercise checks, one module per notebook (``nb01`` for notebook 01, ...)."""
