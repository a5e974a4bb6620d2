import numpy as np


class Outlier:
    def score(self, X, feature_names):
        return np.abs(np.asarray(X, dtype=float)).sum(axis=1)
