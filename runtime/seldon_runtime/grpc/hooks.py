"""The user's `*_grpc` / `*_raw` hooks as the gRPC transport calls them.

The data plane calls a component's hooks with the JSON-form request. On gRPC
the hooks take and return protobuf messages instead, so this module builds a
copy of the component whose hook slots hold adapters: each finds the request
message behind its JSON form (`ProtoDict.proto`), calls the user's method with
it, and turns the reply back into JSON form for the data plane (which then
records raw-reply metrics exactly as on REST).

Precedence follows seldon-core: `predict_grpc` takes `predict_rest`'s place
(its reply is returned untouched); for transform/route/aggregate the legacy
`*_rest` hook still wins on gRPC, then `*_grpc`; feedback goes
`send_feedback_rest` (JSON text) -> `send_feedback_grpc` -> `send_feedback_raw`.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from google.protobuf import json_format

from ..component import Component, method
from ..proto import messages as pb
from ..proto.user import user_message
from .convert import message_to_dict


class ProtoDict(dict):
    """A request in JSON form that remembers the message it came from."""

    __slots__ = ("proto",)

    def __init__(self, body: dict, proto: Any):
        super().__init__(body)
        self.proto = proto


def reply_to_dict(reply: Any) -> Any:
    """A hook's reply in JSON form: messages (from any pool) are converted, dicts kept."""
    if reply is None or isinstance(reply, dict):
        return reply
    if hasattr(reply, "SerializeToString") and hasattr(reply, "DESCRIPTOR"):
        if reply.DESCRIPTOR.full_name != "seldon.protos.SeldonMessage":
            raise TypeError(f"a gRPC hook must return a SeldonMessage, got {reply.DESCRIPTOR.name}")
        if not isinstance(reply, pb.SeldonMessage):
            reply = pb.SeldonMessage.FromString(reply.SerializeToString())
        return message_to_dict(reply, always_meta=False)
    raise TypeError(f"a gRPC hook must return a SeldonMessage, got {type(reply).__name__}")


def _proto_hook(func: Callable | None) -> Callable | None:
    if func is None:
        return None

    def call(request: ProtoDict) -> Any:
        return reply_to_dict(func(user_message(request.proto)))

    return call


def _feedback_grpc_hook(func: Callable | None) -> Callable | None:
    # The data plane hands the REST-style hook JSON text; rebuild the message.
    if func is None:
        return None

    def call(text: str) -> Any:
        feedback = json_format.Parse(text, pb.Feedback(), ignore_unknown_fields=True)
        return reply_to_dict(func(user_message(feedback)))

    return call


def grpc_component(component: Component) -> Component:
    """A copy of `component` whose hook slots take and return protobuf messages."""
    obj = component.obj
    c = copy.copy(component)
    c.predict_rest = _proto_hook(method(obj, "predict_grpc"))
    c.predict_raw = _proto_hook(component.predict_raw)
    for which in ("transform_input", "transform_output", "route", "aggregate"):
        legacy = getattr(component, f"{which}_rest") or method(obj, f"{which}_grpc")
        setattr(c, f"{which}_rest", _proto_hook(legacy))
        setattr(c, f"{which}_raw", _proto_hook(getattr(component, f"{which}_raw")))
    if component.send_feedback_rest is None:
        c.send_feedback_rest = _feedback_grpc_hook(method(obj, "send_feedback_grpc"))
    c.send_feedback_raw = _proto_hook(component.send_feedback_raw)
    return c
