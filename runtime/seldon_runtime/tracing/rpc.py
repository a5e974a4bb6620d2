"""A span per gRPC call, named and tagged as grpc-opentracing's server interceptor does."""

from __future__ import annotations

import re
from typing import Any

from .tracer import Span, Tracer

_PEER = re.compile(r"^ipv(?P<v>[46]):\[?(?P<address>.+?)\]?:(?P<port>\d+)$")


def start(tracer: Tracer, method: str, context: Any) -> Span:
    """`method` is the full name, `/seldon.protos.Model/Predict`."""
    metadata = {k.lower(): v for k, v in (context.invocation_metadata() or ())}
    tags: dict[str, Any] = {"component": "grpc", "span.kind": "server"}
    peer = _PEER.match(context.peer() or "")
    if peer:
        tags[f"peer.ipv{peer['v']}"] = peer["address"]
        tags["peer.port"] = peer["port"]
    return tracer.start_span(method, tracer.extract(metadata.get(tracer.header)), tags)


def failed(span: Span, code: Any, details: str) -> None:
    span.tags["error"] = True
    span.log_kv({"event": "error", "error.kind": str(code), "message": details})
