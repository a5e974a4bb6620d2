"""A model configured through `__init__` arguments, one of each parameter type.

Seldon fills the arguments from PREDICTIVE_UNIT_PARAMETERS (a JSON list of
{"name", "value", "type"} objects that a SeldonDeployment's `parameters`
become). The checks below make a wrongly converted value fail at start-up
instead of producing quietly wrong predictions.
"""

import numpy as np


def _require(name, value, kind):
    # bool is an int subclass; an INT parameter must not arrive as True/False
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"parameter {name} should be {kind.__name__}, got {value!r}")


class ThresholdModel:
    def __init__(self, threshold=0.5, max_rows=100, label="positive", invert=False, scale=1.0):
        _require("threshold", threshold, float)
        _require("max_rows", max_rows, int)
        _require("label", label, str)
        _require("invert", invert, bool)
        _require("scale", scale, float)
        self.threshold = threshold
        self.max_rows = max_rows
        self.label = label
        self.invert = invert
        self.scale = scale

    def predict(self, X, features_names=None):
        X = np.asarray(X, dtype=float)
        if X.shape[0] > self.max_rows:
            raise ValueError(f"at most {self.max_rows} rows per request, got {X.shape[0]}")
        scores = X.sum(axis=1) * self.scale
        flags = scores > self.threshold
        if self.invert:
            flags = ~flags
        return np.column_stack([scores, flags.astype(float)])

    def class_names(self):
        return ["score", self.label]

    def tags(self):
        return {
            "threshold": self.threshold,
            "max_rows": self.max_rows,
            "label": self.label,
            "invert": self.invert,
            "scale": self.scale,
        }
