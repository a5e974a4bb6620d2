"""An output transformer that turns a model's raw scores into probabilities."""

import numpy as np


class Softmax:
    def transform_output(self, X, features_names=None):
        X = np.asarray(X, dtype=float)
        shifted = np.exp(X - X.max(axis=-1, keepdims=True))
        return shifted / shifted.sum(axis=-1, keepdims=True)
