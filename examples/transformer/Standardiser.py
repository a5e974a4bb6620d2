"""An input transformer that standardises features before the model sees them.

The means and standard deviations are fixed in the code; a real transformer
would load them in `load()` from the training run.
"""

import numpy as np

MEANS = np.array([5.8, 3.0, 3.8, 1.2])
STDS = np.array([0.8, 0.4, 1.8, 0.8])


class Standardiser:
    def transform_input(self, X, features_names=None):
        return (np.asarray(X, dtype=float) - MEANS) / STDS
