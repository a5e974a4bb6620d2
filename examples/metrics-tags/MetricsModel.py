"""Identity model that reports custom metrics and request tags.

After every prediction Seldon calls `metrics()` and `tags()`: the metrics go
to Prometheus (and into the response's `meta.metrics`), the tags into
`meta.tags`.
"""

import time

import numpy as np


class MetricsModel:
    def __init__(self):
        self.rows_seen = 0
        self.last_rows = 0
        self.last_ms = 0.0

    def predict(self, X, features_names=None):
        started = time.perf_counter()
        X = np.asarray(X)
        self.last_rows = int(X.shape[0]) if X.ndim else 1
        self.rows_seen += self.last_rows
        self.last_ms = (time.perf_counter() - started) * 1000.0
        return X

    def metrics(self):
        return [
            {"type": "COUNTER", "key": "rows_processed", "value": self.last_rows},
            {
                "type": "GAUGE",
                "key": "rows_in_last_request",
                "value": self.last_rows,
                "tags": {"model": "identity"},
            },
            {"type": "TIMER", "key": "predict_time", "value": self.last_ms},
        ]

    def tags(self):
        return {"model_kind": "identity", "rows_seen": self.rows_seen}
