"""A model that needs a package found only in a local wheel folder.

`sbp-example-wheelfeatures` is not on any index: the build must be given the
folder holding its wheel (`-i wheels:/whl` with seldon-s2i, `--wheels wheels`
with seldon-build), exactly as with the s2i builder.
"""

import numpy as np
from wheelfeatures import squares

# y = 1*x0 + 0*x1 + 0.5*x0^2 + 2*x1^2
WEIGHTS = np.array([1.0, 0.0, 0.5, 2.0])


class QuadraticModel:
    def predict(self, X, features_names=None):
        return squares(X) @ WEIGHTS
