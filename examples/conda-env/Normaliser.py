"""Scales every row to unit length (L2), in an environment defined by conda.

The conda environment gives the interpreter; numpy comes from its `pip:`
section, which is the common way people mix conda and PyPI packages.
"""

import numpy as np


class Normaliser:
    def predict(self, X, features_names=None):
        X = np.asarray(X, dtype=float)
        norms = np.linalg.norm(X, axis=-1, keepdims=True)
        return np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)
