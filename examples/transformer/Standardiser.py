"""An input transformer that standardises features before the model sees them.

The means and standard deviations are fixed in the code; a real transformer
would load them in `load()` from the training run.
"""

import numpy as np

MEANS = np.array([6.0, 3.0, 4.0, 1.0])
STDS = np.array([0.5, 0.25, 2.0, 1.0])


class Standardiser:
    def transform_input(self, X, features_names=None):
        return (np.asarray(X, dtype=float) - MEANS) / STDS
