"""The Seldon gRPC methods over the data plane, independent of the grpc server API.

Handlers take the request's wire bytes and return the reply's wire bytes:
parsing here (rather than in grpc's deserializer) turns undecodable input into
INVALID_ARGUMENT instead of a generic error, and lets replies be built without
an extra copy. Every failure is raised as `status.Failure`.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, NamedTuple

import grpc
from google.protobuf.message import DecodeError

from ..proto import messages as pb
from . import convert
from .hooks import ProtoDict
from .status import Failure, failure_for

log = logging.getLogger(__name__)

PACKAGE = "seldon.protos"


class Rpc(NamedTuple):
    service: str
    method: str
    handler: str  # SeldonServicer attribute


RPCS: tuple[Rpc, ...] = (
    Rpc("Generic", "TransformInput", "transform_input"),
    Rpc("Generic", "TransformOutput", "transform_output"),
    Rpc("Generic", "Route", "route"),
    Rpc("Generic", "Aggregate", "aggregate"),
    Rpc("Generic", "SendFeedback", "send_feedback"),
    Rpc("Model", "Predict", "predict"),
    Rpc("Model", "SendFeedback", "send_feedback"),
    Rpc("Model", "Metadata", "metadata"),
    Rpc("Router", "Route", "route"),
    Rpc("Router", "SendFeedback", "send_feedback"),
    Rpc("Transformer", "TransformInput", "transform_input"),
    Rpc("OutputTransformer", "TransformOutput", "transform_output"),
    Rpc("Combiner", "Aggregate", "aggregate"),
    Rpc("Seldon", "Predict", "predict"),
    Rpc("Seldon", "SendFeedback", "send_feedback"),
    Rpc("Seldon", "ModelMetadata", "metadata"),
    Rpc("Seldon", "GraphMetadata", "graph_metadata"),
)

SERVICES: tuple[str, ...] = tuple(dict.fromkeys(f"{PACKAGE}.{r.service}" for r in RPCS))


def _parse(cls: Any, data: bytes) -> Any:
    try:
        return cls.FromString(data)
    except (DecodeError, ValueError) as exc:
        raise Failure(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"Invalid {cls.DESCRIPTOR.name}: cannot decode the request ({exc})",
            "MICROSERVICE_BAD_DATA",
        ) from None


def _reply(body: Any) -> bytes:
    try:
        return convert.dict_to_message(body).SerializeToString()
    except convert.ConversionError as exc:
        raise Failure(grpc.StatusCode.INTERNAL, str(exc), "MICROSERVICE_INTERNAL_ERROR") from None


class SeldonServicer:
    """One handler per Seldon method; `plane` is a DataPlane over `grpc_component()`."""

    def __init__(self, plane: Any):
        #: set per worker when tracing is on (seldon_runtime.tracing)
        self.tracer: Any = None
        self.plane = plane
        #: the V2 `inference.GRPCInferenceService` served beside (v2.servicer), if on
        self.v2: Any = None

    def _message_call(self, func: Callable, data: bytes) -> bytes:
        request = _parse(pb.SeldonMessage, data)
        _, body = func(ProtoDict(convert.message_to_dict(request), request))
        return _reply(body)

    def predict(self, data: bytes) -> bytes:
        return self._message_call(self.plane.predict, data)

    def transform_input(self, data: bytes) -> bytes:
        return self._message_call(self.plane.transform_input, data)

    def transform_output(self, data: bytes) -> bytes:
        return self._message_call(self.plane.transform_output, data)

    def route(self, data: bytes) -> bytes:
        return self._message_call(self.plane.route, data)

    def aggregate(self, data: bytes) -> bytes:
        request = _parse(pb.SeldonMessageList, data)
        _, body = self.plane.aggregate(ProtoDict(convert.message_list_to_dict(request), request))
        return _reply(body)

    def send_feedback(self, data: bytes) -> bytes:
        request = _parse(pb.Feedback, data)
        _, body = self.plane.send_feedback(ProtoDict(convert.feedback_to_dict(request), request))
        return _reply(body)

    def metadata(self, data: bytes) -> bytes:
        # The request (Empty or SeldonModelMetadataRequest) carries nothing used.
        try:
            _, meta = self.plane.metadata()
        except Exception as exc:  # noqa: BLE001 - seldon-core answers an empty message
            log.error("model metadata unavailable on gRPC: %s", failure_for(exc).details)
            return b""
        return convert.metadata_to_message(meta).SerializeToString()

    def graph_metadata(self, data: bytes) -> bytes:
        raise Failure(
            grpc.StatusCode.UNIMPLEMENTED, "GraphMetadata not available on the Model level."
        )

    def call(self, handler: str, data: bytes) -> bytes:
        """Run one handler; any exception comes out as a `Failure`."""
        try:
            return getattr(self, handler)(data)
        except Failure:
            raise
        except Exception as exc:
            failure = failure_for(exc)
            if failure.code == grpc.StatusCode.INTERNAL:
                log.exception("gRPC %s failed", handler)
            else:
                log.error("gRPC %s: %s", handler, failure.details)
            raise failure from None
