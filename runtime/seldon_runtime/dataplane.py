"""The transport-neutral core: one method per Seldon endpoint.

Every method takes a SeldonMessage (or list / Feedback) in its JSON form and
returns `(status, body)`, where body is whatever should be serialised. The
REST layer (and a gRPC layer, via protobuf's JSON mapping) only converts
bytes to these values and back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import metadata as metadata_mod
from .codecs.payload import NO_DATA, decode_data, decode_message, encode_payload
from .component import Component
from .errors import BadMetricError, SeldonMicroserviceException, is_not_implemented
from .jsonio import dumps
from .metrics import validate_metrics
from .user_model import SeldonResponse

log = logging.getLogger(__name__)

_EMPTY = np.array([])
_FEEDBACK_KEYS = frozenset(("request", "response", "reward", "truth"))
_MESSAGE_KEYS = frozenset(
    ("status", "meta", "data", "binData", "strData", "jsonData", "customData")
)


UNKNOWN_IMAGE = "NOT_IMPLEMENTED:NOT_IMPLEMENTED"


@dataclass(frozen=True)
class PlaneConfig:
    unit_id: str = ""
    unit_image: str = ""
    include_metrics: bool = True
    executor_enabled: bool = True
    outlier_detector: bool = False


def _unwrap(result: Any) -> tuple[Any, dict | None, list | None]:
    # seldon-core's own SeldonResponse (when installed) is accepted too.
    if isinstance(result, SeldonResponse) or type(result).__name__ == "SeldonResponse":
        return result.data, result.tags, result.metrics
    return result, None, None


def _http_status(resp: Any) -> int:
    status = resp.get("status") if isinstance(resp, dict) else None
    if isinstance(status, dict):
        code = status.get("code")
        if type(code) is int and 100 <= code <= 599:
            return code
    return 200


def _floats(value: Any) -> Any:
    """Numbers as protobuf's JSON mapping writes them (feedback answers go via a proto)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list):
        return [_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _floats(v) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _proto_json_meta(meta: dict) -> dict:
    """Meta as seldon-core's feedback reply (a proto) shows it: numbers as floats,
    and a COUNTER metric without its `type` (the enum's default is omitted)."""
    out = dict(meta)
    if "tags" in out:
        out["tags"] = _floats(out["tags"])
    if "metrics" in out:
        out["metrics"] = [
            {k: float(v) if k == "value" else v for k, v in m.items()
             if not (k == "type" and v == "COUNTER")}
            for m in out["metrics"]
        ]
    return out


class DataPlane:
    def __init__(self, component: Component, config: PlaneConfig, recorder: Any = None):
        self.c = component
        self.cfg = config
        if recorder is None:
            from .metrics.recorder import MetricsRecorder

            recorder = MetricsRecorder()
        self.recorder = recorder
        self._metadata: dict | None = None

    # -- shared response building -------------------------------------------------

    def _custom_metrics(self, runtime_metrics: list | None, method: str) -> list:
        custom: list = []
        if runtime_metrics:
            if not validate_metrics(runtime_metrics):
                raise BadMetricError(f"Bad metric created during request: {runtime_metrics}")
        if self.c.has_metrics:
            user = self.c.metrics()
            if not validate_metrics(user):
                raise BadMetricError(f"Bad metric created during request: {user}")
            custom.extend(user)
        if runtime_metrics:
            custom.extend(runtime_metrics)
        if custom:
            self.recorder.record(custom, method)
        return custom

    def _meta(
        self,
        messages: list,
        method: str,
        runtime_tags: dict | None,
        runtime_metrics: list | None,
        keep_request: bool = True,
    ) -> dict:
        meta: dict = {}
        first = messages[0].get("meta") if messages and isinstance(messages[0], dict) else None
        if isinstance(first, dict) and first.get("puid"):
            meta["puid"] = first["puid"]
        request_metas = []
        if keep_request:
            for m in messages:
                rm = m.get("meta") if isinstance(m, dict) else None
                if isinstance(rm, dict) and rm:
                    request_metas.append(rm)
        tags: dict = {}
        for rm in request_metas:
            if isinstance(rm.get("tags"), dict):
                tags.update(rm["tags"])
        if self.c._tags is not None:
            tags.update(self.c.tags())
        if runtime_tags:
            tags.update(runtime_tags)
        if tags:
            meta["tags"] = tags
        custom = self._custom_metrics(runtime_metrics, method)
        metrics: list = []
        for rm in request_metas:
            if isinstance(rm.get("metrics"), list):
                metrics.extend(rm["metrics"])
        if self.cfg.include_metrics:
            metrics.extend(custom)
        if metrics:
            meta["metrics"] = metrics
        # Every reply names this unit when it has an id (router and feedback
        # replies too, as in seldon-core); the request's path is kept only
        # where the request's meta is.
        path = self._own_path()
        for rm in request_metas:
            if isinstance(rm.get("requestPath"), dict):
                path.update(rm["requestPath"])
        if path:
            meta["requestPath"] = path
        return meta

    def _respond(
        self, messages: list, result: Any, mirror: str, method: str, keep_request: bool = True
    ) -> dict:
        result, runtime_tags, runtime_metrics = _unwrap(result)
        field, value = encode_payload(result, mirror, self.c.names_for)
        return {
            field: value,
            "meta": self._meta(messages, method, runtime_tags, runtime_metrics, keep_request),
        }

    def _raw_response(self, resp: Any, method: str) -> Any:
        """Record the metrics a `*_raw` method put in its answer (not validated)."""
        meta = resp.get("meta") if isinstance(resp, dict) else None
        metrics = meta.get("metrics") if isinstance(meta, dict) else None
        if metrics:
            self.recorder.record(metrics, method)
            if not self.cfg.include_metrics:
                resp = dict(resp)
                resp["meta"] = {k: v for k, v in meta.items() if k != "metrics"}
        return resp

    @staticmethod
    def _try(func, arg) -> tuple[bool, Any]:
        """Call a `*_raw` hook; (False, None) when it says it is not implemented."""
        try:
            return True, func(arg)
        except Exception as exc:
            if is_not_implemented(exc):
                return False, None
            raise

    def _whole_message(
        self, which: str, msg: Any, method: str, status: Callable[[Any], int] = lambda _: 200
    ) -> tuple[int, Any] | None:
        """The `{which}_rest` or `{which}_raw` hook, which take the whole message.

        None when the class has neither, or its `*_raw` says it is not
        implemented: the caller falls back to the hook on the decoded array.
        """
        rest = getattr(self.c, f"{which}_rest")
        if rest is not None:
            return 200, rest(msg)
        raw = getattr(self.c, f"{which}_raw")
        if raw is not None:
            done, resp = self._try(raw, msg)
            if done:
                return status(resp), self._raw_response(resp, method)
        return None

    # -- endpoints -------------------------------------------------------------------

    def predict(self, msg: Any) -> tuple[int, Any]:
        c = self.c
        answered = self._whole_message("predict", msg, "predict", _http_status)
        if answered is not None:
            return answered
        X, names, mirror = decode_message(msg)
        result: Any = []
        if c.predict is not None:
            try:
                result = c.predict(X, names, msg.get("meta"))
            except Exception as exc:
                if not is_not_implemented(exc):
                    raise
        return 200, self._respond([msg], result, mirror, "predict")

    def predict_passthrough(self, raw: bytes | str) -> tuple[int, Any]:
        c = self.c
        if c.predict_rest is not None:
            return 200, c.predict_rest(raw)
        if c.predict_raw is not None:
            return 200, c.predict_raw(raw)
        raise SeldonMicroserviceException(f"Invalid request data type: {raw!r}")

    def _transform(self, msg: Any, which: str, method: str) -> tuple[int, Any]:
        answered = self._whole_message(which, msg, method)
        if answered is not None:
            return answered
        X, names, mirror = decode_message(msg)
        result: Any = X
        func = getattr(self.c, which)
        if func is not None:
            try:
                result = func(X, names, msg.get("meta"))
            except Exception as exc:
                if not is_not_implemented(exc):
                    raise
                result = X
        return 200, self._respond([msg], result, mirror, method)

    def transform_input(self, msg: Any) -> tuple[int, Any]:
        if self.cfg.outlier_detector and self.c.score is not None:
            return self.outlier_score(msg)
        return self._transform(msg, "transform_input", "inputtransform")

    def transform_output(self, msg: Any) -> tuple[int, Any]:
        return self._transform(msg, "transform_output", "outputtransform")

    def outlier_score(self, msg: Any) -> tuple[int, Any]:
        """The pre-1.0 OUTLIER_DETECTOR contract: the request back, scored in its tags."""
        X, names, _ = decode_message(msg)
        scores = self.c.score(X, names)
        scores = scores.tolist() if hasattr(scores, "tolist") else list(scores)
        out = dict(msg)
        meta = dict(out.get("meta") or {})
        meta["tags"] = {**(meta.get("tags") or {}), "outlierScore": scores}
        out["meta"] = meta
        return 200, out

    def route(self, msg: Any) -> tuple[int, Any]:
        c = self.c
        answered = self._whole_message("route", msg, "router")
        if answered is not None:
            return answered
        X, names, mirror = decode_message(msg)
        if c.route is None:
            raise SeldonMicroserviceException("Route not defined")
        routed, runtime_tags, runtime_metrics = _unwrap(c.route(X, names, msg.get("meta")))
        if isinstance(routed, np.integer):
            routed = int(routed)
        if not isinstance(routed, int):
            raise SeldonMicroserviceException(f"Routing response must be int but got {routed}")
        result = SeldonResponse([[routed]], runtime_tags, runtime_metrics)
        return 200, self._respond([msg], result, mirror, "router", keep_request=False)

    def aggregate(self, msg: Any) -> tuple[int, Any]:
        c = self.c
        if isinstance(msg, dict) and isinstance(msg.get("seldonMessages"), list):
            messages = msg["seldonMessages"]
        elif isinstance(msg, list):
            messages = msg
        else:
            raise SeldonMicroserviceException(f"Invalid request data type: {msg}")
        answered = self._whole_message("aggregate", msg, "aggregate")
        if answered is not None:
            return answered
        if not messages:
            raise SeldonMicroserviceException("Aggregate request has no messages")
        decoded = [decode_message(m) for m in messages]
        if c.aggregate is None:
            raise SeldonMicroserviceException("Aggregate not defined")
        result = c.aggregate([d[0] for d in decoded], [d[1] for d in decoded])
        return 200, self._respond(messages, result, decoded[0][2], "aggregate")

    def send_feedback(self, msg: Any) -> tuple[int, Any]:
        c = self.c
        _check_feedback(msg)
        reward = float(np.float32(msg.get("reward", 0) or 0))
        if reward and self.cfg.executor_enabled:
            self.recorder.record(
                [
                    {"type": "COUNTER", "key": "seldon_api_model_feedback", "value": 1},
                    {"type": "COUNTER", "key": "seldon_api_model_feedback_reward", "value": reward},
                ],
                "feedback",
            )
        if c.send_feedback_rest is not None:
            resp = c.send_feedback_rest(dumps(msg).decode())
            return 200, {} if resp is None else resp
        if c.send_feedback_raw is not None:
            done, resp = self._try(c.send_feedback_raw, msg)
            if done:
                if hasattr(resp, "DESCRIPTOR"):  # a SeldonMessage proto, as seldon-core wanted
                    from google.protobuf.json_format import MessageToDict

                    resp = MessageToDict(resp)
                return 200, self._raw_response(resp, "feedback")
        request = msg.get("request") or {}
        data = request.get("data")
        if isinstance(data, dict):
            X, names, mirror = decode_data(data)
        else:
            X, names, mirror = _EMPTY, [], NO_DATA
        truth_data = (msg.get("truth") or {}).get("data")
        truth = decode_data(truth_data)[0] if isinstance(truth_data, dict) else _EMPTY
        result: Any = None
        if c.send_feedback is not None:
            if c.feedback_takes_routing:
                response_meta = (msg.get("response") or {}).get("meta") or {}
                routing = (response_meta.get("routing") or {}).get(self.cfg.unit_id or "0")
                result = c.send_feedback(X, names, reward, truth, routing=routing)
            else:
                result = c.send_feedback(X, names, reward, truth)
        if result is None:
            result = []
        body = self._respond([request], result, mirror, "feedback", keep_request=False)
        data_out = body.get("data")
        if isinstance(data_out, dict):
            if not data_out.get("names"):
                data_out.pop("names", None)
            body["data"] = _floats(data_out)
        body["meta"] = _proto_json_meta(body["meta"])
        return 200, body

    def health_status(self) -> tuple[int, Any]:
        c = self.c
        if c.health_status_raw is not None:
            done, resp = self._try(lambda _: c.health_status_raw(), None)
            if done:
                return 200, resp
        result = c.call_optional(c.health_status, "healthy")
        field, value = encode_payload(_unwrap(result)[0], NO_DATA, c.names_for)
        # the unit's requestPath, as on every reply; no tags()/metrics() calls, so
        # probes do not inflate the model's counters (seldon-core called them)
        path = self._own_path()
        return 200, {field: value, "meta": {"requestPath": path} if path else {}}

    def _own_path(self) -> dict:
        return {self.cfg.unit_id: self.cfg.unit_image} if self.cfg.unit_id else {}

    def metadata(self) -> tuple[int, Any]:
        if self._metadata is None:
            try:
                self._metadata = metadata_mod.build(self._init_metadata)
            except metadata_mod.InvalidMetadata as exc:
                log.error("Invalid model metadata: %s", exc)
                raise SeldonMicroserviceException(
                    "Model metadata unavailable", 500, reason="MICROSERVICE_BAD_METADATA"
                ) from None
        return 200, self._metadata

    def _init_metadata(self) -> Any:
        return self.c.call_optional(self.c.init_metadata, {})


def _check_feedback(msg: Any) -> None:
    """Reject what protobuf's ParseDict would reject for a `Feedback`."""

    def bad(why: str) -> SeldonMicroserviceException:
        return SeldonMicroserviceException(f"Invalid JSON: {why}")

    if not isinstance(msg, dict):
        raise bad(f"Feedback must be an object, got {type(msg).__name__}")
    unknown = set(msg) - _FEEDBACK_KEYS
    if unknown:
        raise bad(f'Message type "seldon.protos.Feedback" has no field named "{min(unknown)}".')
    reward = msg.get("reward", 0)
    if isinstance(reward, bool) or not isinstance(reward, (int, float, type(None))):
        raise bad(f"Failed to parse reward field: {reward!r} is not a number.")
    for key in ("request", "response", "truth"):
        sub = msg.get(key)
        if sub is None:
            continue
        if not isinstance(sub, dict):
            raise bad(f"{key} must be a SeldonMessage object.")
        extra = set(sub) - _MESSAGE_KEYS
        if extra:
            raise bad(
                f'Message type "seldon.protos.SeldonMessage" has no field named "{min(extra)}".'
            )
