"""Seldon protobuf messages <-> the JSON-form values the data plane works on.

The data plane speaks SeldonMessages as protobuf's JSON mapping would decode
them (dicts, lists, base64 `binData`), so REST and gRPC share one pipeline.
These functions produce the same shapes straight from the messages, with two
shortcuts the data plane accepts: tensor `values` stay a numpy float64 array,
and `customData` stays the `google.protobuf.Any` message (it has no JSON form
without its type's descriptor).
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
from google.protobuf import json_format

from ..proto import messages as pb
from . import tensor as tensor_codec
from .values import fill_list, list_to_python, set_value, to_python

_METRIC_TYPES = {0: "COUNTER", 1: "GAUGE", 2: "TIMER"}
_METRIC_NUMBERS = {"COUNTER": 0, "GAUGE": 1, "TIMER": 2}


class ConversionError(ValueError):
    """A reply the data plane produced that has no protobuf form."""


# -- messages -> JSON form -----------------------------------------------------------


def data_to_dict(data: Any) -> dict:
    out: dict = {"names": list(data.names)}
    kind = data.WhichOneof("data_oneof")
    if kind == "tensor":
        shape, values = tensor_codec.to_numpy(data.tensor)
        out["tensor"] = {"shape": shape, "values": values}
    elif kind == "ndarray":
        out["ndarray"] = list_to_python(data.ndarray)
    elif kind == "tftensor":
        out["tftensor"] = json_format.MessageToDict(data.tftensor)
    return out


def meta_to_dict(meta: Any) -> dict:
    out: dict = {}
    if meta.puid:
        out["puid"] = meta.puid
    if meta.tags:
        out["tags"] = {k: to_python(v) for k, v in meta.tags.items()}
    if meta.routing:
        out["routing"] = dict(meta.routing)
    if meta.requestPath:
        out["requestPath"] = dict(meta.requestPath)
    if meta.metrics:
        out["metrics"] = [metric_to_dict(m) for m in meta.metrics]
    return out


def metric_to_dict(metric: Any) -> dict:
    out = {
        "key": metric.key,
        "type": _METRIC_TYPES.get(metric.type, "COUNTER"),
        "value": metric.value,
    }
    if metric.tags:
        out["tags"] = dict(metric.tags)
    return out


def message_to_dict(msg: Any, always_meta: bool = True) -> dict:
    """A SeldonMessage in JSON form; `meta` is `{}` when unset unless `always_meta` is off.

    Requests always carry `meta` because user methods get `meta={}` on gRPC.
    """
    out: dict = {}
    if always_meta or msg.HasField("meta"):
        out["meta"] = meta_to_dict(msg.meta)
    if msg.HasField("status"):
        out["status"] = json_format.MessageToDict(msg.status)
    kind = msg.WhichOneof("data_oneof")
    if kind == "data":
        out["data"] = data_to_dict(msg.data)
    elif kind == "binData":
        out["binData"] = base64.b64encode(msg.binData).decode()
    elif kind == "strData":
        out["strData"] = msg.strData
    elif kind == "jsonData":
        out["jsonData"] = to_python(msg.jsonData)
    elif kind == "customData":
        out["customData"] = msg.customData
    return out


def feedback_to_dict(feedback: Any) -> dict:
    out: dict = {}
    for field in ("request", "response", "truth"):
        if feedback.HasField(field):
            out[field] = message_to_dict(getattr(feedback, field))
    if feedback.reward:
        out["reward"] = feedback.reward
    return out


def message_list_to_dict(msg_list: Any) -> dict:
    return {"seldonMessages": [message_to_dict(m) for m in msg_list.seldonMessages]}


# -- JSON form -> messages -----------------------------------------------------------


def dict_to_message(body: Any) -> Any:
    """A SeldonMessage from the data plane's JSON-form reply."""
    if not isinstance(body, dict):
        raise ConversionError(f"cannot send {type(body).__name__} as a SeldonMessage")
    msg = pb.SeldonMessage()
    try:
        _fill_message(msg, body)
    except (TypeError, ValueError, KeyError, json_format.ParseError) as exc:
        raise ConversionError(f"cannot send the reply as a SeldonMessage: {exc}") from None
    return msg


def _fill_message(msg: Any, body: dict) -> None:
    for key, value in body.items():
        if key == "meta":
            msg.meta.SetInParent()  # seldon-core always sends a (possibly empty) meta
            if value:
                _fill_meta(msg.meta, value)
        elif key == "data":
            _fill_data(msg.data, value)
        elif key == "strData":
            msg.strData = value
        elif key == "binData":
            msg.binData = value if isinstance(value, bytes) else base64.b64decode(value)
        elif key == "jsonData":
            set_value(msg.jsonData, value)
        elif key == "customData":
            _fill_any(msg.customData, value)
        elif key == "status":
            json_format.ParseDict(value, msg.status)
        else:
            raise ValueError(f"unknown SeldonMessage field {key!r}")


def _fill_data(data: Any, value: dict) -> None:
    data.SetInParent()
    names = value.get("names")
    if names:
        data.names.extend(str(n) for n in names)
    if "tensor" in value:
        t = value["tensor"]
        data.tensor.MergeFromString(tensor_codec.to_bytes(t.get("shape", ()), t.get("values", ())))
        data.tensor.SetInParent()
    elif "ndarray" in value:
        nd = value["ndarray"]
        fill_list(data.ndarray, nd.tolist() if isinstance(nd, np.ndarray) else nd)
    elif "tftensor" in value:
        json_format.ParseDict(value["tftensor"], data.tftensor)


def _fill_meta(meta: Any, value: dict) -> None:
    if value.get("puid"):
        meta.puid = value["puid"]
    tags = value.get("tags")
    if tags:
        for k, v in tags.items():
            set_value(meta.tags[str(k)], v)
    routing = value.get("routing")
    if routing:
        for k, v in routing.items():
            meta.routing[str(k)] = int(v)
    path = value.get("requestPath")
    if path:
        for k, v in path.items():
            meta.requestPath[str(k)] = str(v)
    for metric in value.get("metrics") or ():
        _fill_metric(meta.metrics.add(), metric)


def _fill_metric(out: Any, metric: Any) -> None:
    if not isinstance(metric, dict):
        raise ValueError(f"metric {metric!r} is not an object")
    out.key = str(metric.get("key", ""))
    kind = metric.get("type", "COUNTER")
    out.type = _METRIC_NUMBERS[kind] if isinstance(kind, str) else int(kind)
    out.value = float(metric.get("value", 0))
    for k, v in (metric.get("tags") or {}).items():
        out.tags[str(k)] = str(v)


def _fill_any(out: Any, value: Any) -> None:
    if isinstance(value, dict):  # JSON form with "@type": resolvable only for our types
        json_format.ParseDict(value, out)
    else:  # an Any message from any pool
        out.type_url = value.type_url
        out.value = value.value


def metadata_to_message(meta: dict) -> Any:
    """SeldonModelMetadata from the validated metadata dict; unknown keys ignored."""
    return json_format.ParseDict(meta, pb.SeldonModelMetadata(), ignore_unknown_fields=True)


def coerce(msg: Any, cls: Any) -> Any:
    """`msg` as an instance of our `cls`, whichever protobuf pool its class is from."""
    if isinstance(msg, cls):
        return msg
    return cls.FromString(msg.SerializeToString())
