"""Seldon-protocol model classes, unchanged, served over V2 and KServe V1 in the tests.

MLServer serves the same logic through `mlserver_models.py`, which imports
these classes: both servers run exactly this code.
"""

import numpy as np


class Echo:
    """The benchmark's echo: the input back."""

    def predict(self, X, features_names, meta=None):
        return X


class SumProduct:
    """Several inputs in (stacked as columns), several outputs out (named by class_names)."""

    def class_names(self):
        return ["sum", "product"]

    def predict(self, X, features_names):
        X = np.asarray(X, dtype=np.float64)
        return np.stack([X.sum(axis=1), X.prod(axis=1)], axis=1)


class Tagged:
    """Tags and custom metrics, as on the Seldon protocol."""

    def predict(self, X, features_names):
        return np.asarray(X) * 2

    def tags(self):
        return {"model": "tagged", "nested": {"a": 1}}

    def metrics(self):
        return [{"type": "COUNTER", "key": "v2_calls", "value": 1}]

    def init_metadata(self):
        return {
            "platform": "seldon-test",
            "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 2]}],
            "outputs": [{"name": "output-0", "datatype": "FP32", "shape": [-1, 2]}],
            "custom": {"owner": "tests"},
        }


class Words:
    """Dict inputs (opted in): texts and counts in, a dict of outputs back."""

    v2_dict_inputs = True

    def predict(self, X, features_names):
        words = [w.decode() if isinstance(w, bytes) else w for w in X["text"]]
        counts = np.asarray(X["count"], dtype=np.int64)
        return {
            "upper": np.array([w.upper() for w in words], dtype=object),
            "total": counts.sum(keepdims=True),
        }


class Fails:
    def predict(self, X, features_names):
        from seldon_core.flask_utils import SeldonMicroserviceException

        if np.asarray(X).size > 3:
            raise SeldonMicroserviceException("at most 3 values, please", status_code=400)
        raise ValueError("the model broke")


class Router:
    def route(self, X, features_names):
        return 0


class Scaler:
    """A TRANSFORMER: V2 inference calls transform_input."""

    def transform_input(self, X, features_names):
        return np.asarray(X) / 10
