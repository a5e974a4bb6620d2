"""Models for the gRPC tests: every hook, raw hooks, failures, slow calls."""

import threading
import time

import numpy as np

try:  # the real package or the runtime's compatibility copy
    from seldon_core.flask_utils import SeldonMicroserviceException
    from seldon_core.user_model import SeldonNotImplementedError
except ImportError:
    from seldon_runtime.errors import SeldonMicroserviceException, SeldonNotImplementedError


class Everything:
    def __init__(self, **kwargs):
        self.loads = 0

    def load(self):
        self.loads += 1

    def predict(self, X, names, meta=None):
        if isinstance(X, str):
            if X == "fail":
                raise ValueError("kaboom")
            if X == "forbidden":
                raise SeldonMicroserviceException("not for you", 403, reason="NOPE")
            if X == "meta":
                return {"meta": meta, "names": names}
            if X.startswith("sleep:"):
                time.sleep(float(X[6:]))
                return X
            if X == "bad-return":
                return (1, 2)
            if X == "loads":
                return [self.loads]
        return X

    def transform_input(self, X, names, meta=None):
        return np.asarray(X) * 2

    def transform_output(self, X, names, meta=None):
        return np.asarray(X) + 1

    def route(self, X, names, meta=None):
        return 1

    def aggregate(self, features_list, names_list):
        return features_list[0]

    def send_feedback(self, features, feature_names, reward, truth, routing=None):
        return [[reward, routing if routing is not None else -1]]

    def tags(self):
        return {"model": "everything"}

    def metrics(self):
        return [{"type": "COUNTER", "key": "grpc_test_calls", "value": 1}]

    def init_metadata(self):
        return {
            "name": "everything",
            "versions": ["v1"],
            "inputs": [{"messagetype": "tensor", "schema": {"shape": [1, 4]}}],
            "custom": {"k": "v"},
        }


class Raw:
    """gRPC raw hooks receive and return protobuf messages."""

    def predict_raw(self, msg):
        reply = type(msg)()
        reply.strData = f"raw:{msg.WhichOneof('data_oneof')}:{type(msg).__name__}"
        reply.meta.puid = msg.meta.puid
        metric = reply.meta.metrics.add()
        metric.key = "raw_metric"
        metric.value = 2
        return reply

    def transform_input_raw(self, msg):
        raise SeldonNotImplementedError("use the high-level path")

    def aggregate_raw(self, msg_list):
        reply = type(msg_list.seldonMessages[0])()
        reply.strData = ",".join(m.strData for m in msg_list.seldonMessages)
        return reply

    def send_feedback_raw(self, feedback):
        reply = type(feedback.request)()
        reply.strData = f"reward={feedback.reward}"
        return reply


class Concurrent:
    """Sleeps, and remembers how many calls ran at the same time."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0

    def predict(self, X, names, meta=None):
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        if isinstance(X, str) and X == "peak":
            return [self.peak]
        return X


class CoreRaw:
    """Raw hooks written against seldon-core's own generated module."""

    def predict_raw(self, msg):
        from seldon_core.proto import prediction_pb2

        reply = prediction_pb2.SeldonMessage()
        reply.strData = f"seldon-core class: {isinstance(msg, prediction_pb2.SeldonMessage)}"
        reply.meta.CopyFrom(msg.meta)
        return reply


class Legacy:
    """Deprecated `*_grpc` / `*_rest` hooks, still honoured on gRPC."""

    def predict_grpc(self, msg):
        return type(msg)(strData=f"grpc:{msg.strData}")

    def transform_input_rest(self, msg):  # gets the message on gRPC, as in seldon-core
        return type(msg)(strData=f"rest-hook:{msg.strData}")

    def send_feedback_grpc(self, feedback):
        return type(feedback.request)(strData=f"feedback:{feedback.reward}")

    def tags(self):
        return {"not": "added"}
