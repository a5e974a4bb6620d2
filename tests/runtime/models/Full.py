"""A model exercising every hook; behaviour chosen by meta.tags.action."""

import numpy as np
from seldon_core.flask_utils import SeldonMicroserviceException
from seldon_core.metrics import create_counter, create_gauge
from seldon_core.user_model import SeldonComponent, SeldonResponse


class Full(SeldonComponent):
    def __init__(self, offset=0, label="x", flag=False):
        self.offset = offset
        self.label = label
        self.flag = flag
        self.loaded = False
        self.feedback = []

    def load(self):
        self.loaded = True

    def predict(self, X, names, meta=None):
        action = ((meta or {}).get("tags") or {}).get("action")
        if action == "forbidden":
            raise SeldonMicroserviceException("not allowed", status_code=403, reason="NOPE")
        if action == "crash":
            raise ValueError("kaboom")
        if action == "tuple":
            return (1, 2)
        if action == "runtime":
            return SeldonResponse(
                X, tags={"runtime": "yes", "mine": "runtime"}, metrics=[create_gauge("rt_gauge", 7)]
            )
        if action == "badmetric":
            return SeldonResponse(X, metrics=[{"key": "k", "type": "NOPE", "value": 1}])
        if action == "params":
            return {
                "offset": self.offset,
                "label": self.label,
                "flag": self.flag,
                "loaded": self.loaded,
            }
        if action == "bool":
            return np.array([[True, False]])
        if action == "strings":
            return np.array([["a", "b"]])
        if action == "bytes":
            return b"\x00\x01"
        if action == "text":
            return "hello"
        if action == "numpy_int":
            return np.array([[1, 2]], dtype=np.int64)
        return X

    def transform_input(self, X, names, meta=None):
        return X + 1

    def transform_output(self, X, names, meta=None):
        return X * 2

    def route(self, X, names, meta=None):
        return np.int64(int(np.asarray(X).ravel()[0]))

    def aggregate(self, features_list, feature_names_list):
        return np.concatenate([np.asarray(f) for f in features_list], axis=1)

    def send_feedback(self, features, feature_names, reward, truth, routing=None):
        self.feedback.append(reward)
        return [[reward, routing if routing is not None else -1]]

    def tags(self):
        return {"mine": "tags", "model": "full"}

    def metrics(self):
        return [
            create_counter("my_counter", 1),
            {"type": "TIMER", "key": "my_timer", "value": 20.0, "tags": {"kind": "fast"}},
        ]

    def health_status(self):
        return [[1, 2]]

    def init_metadata(self):
        return {"name": "full", "versions": ["v1"], "inputs": [{"messagetype": "ndarray"}]}
