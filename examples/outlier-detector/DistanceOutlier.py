"""An outlier detector written for the old OUTLIER_DETECTOR contract.

`score()` returns one number per row: here the distance from a fixed centre,
so rows far from what the model was trained on get high scores. The server
puts the scores in the response's `meta.tags.outlierScore` and passes the
request through unchanged.
"""

import numpy as np

CENTRE = np.array([0.0, 0.0])


class DistanceOutlier:
    def score(self, features, feature_names=None):
        X = np.asarray(features, dtype=float)
        return np.linalg.norm(X - CENTRE, axis=1)
