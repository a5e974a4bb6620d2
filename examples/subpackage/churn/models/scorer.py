"""A churn score from a fixed logistic model, living inside a package.

`churn/models/` has no `__init__.py` on purpose: Seldon imports
`churn.models.scorer` and that works for namespace packages too.
"""

import numpy as np

# tenure in years, support calls last month, monthly bill in 100s
COEFFICIENTS = np.array([-0.8, 0.6, 0.3])
INTERCEPT = -0.5


class ChurnScorer:
    def predict(self, X, features_names=None):
        X = np.asarray(X, dtype=float)
        logits = X @ COEFFICIENTS + INTERCEPT
        churn = 1.0 / (1.0 + np.exp(-logits))
        return np.column_stack([1.0 - churn, churn])

    def class_names(self):
        return ["stays", "churns"]
