"""Feature engineering installed by the project's own setup.py."""

import numpy as np


def with_ratios(X):
    """Append sepal and petal length/width ratios to four iris measurements."""
    X = np.asarray(X, dtype=float)
    sepal = X[:, 0] / np.maximum(X[:, 1], 1e-6)
    petal = X[:, 2] / np.maximum(X[:, 3], 1e-6)
    return np.column_stack([X, sepal, petal])
