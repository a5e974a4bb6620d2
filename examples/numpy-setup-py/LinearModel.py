"""A fixed linear model in plain numpy: y = X @ W + b.

The weights are written in the code so the example has no model file; the
point of this repository is that its dependencies come from `setup.py`.
"""

import numpy as np

WEIGHTS = np.array([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.0]])
BIAS = np.array([1.0, -1.0])


class LinearModel:
    def predict(self, X, features_names=None, meta=None):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != WEIGHTS.shape[0]:
            raise ValueError(f"expected rows of {WEIGHTS.shape[0]} features, got shape {X.shape}")
        return X @ WEIGHTS + BIAS

    def class_names(self):
        return ["low", "high"]
