"""Exceptions -> gRPC status codes.

seldon-core answered every failure with UNKNOWN and, for its own exception
type, an empty text. Here a Seldon exception keeps its message and gets the
gRPC code matching its HTTP status (400 -> INVALID_ARGUMENT, 500 -> INTERNAL,
...), and its `reason` travels in the `seldon-reason` trailing metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from ..errors import as_seldon_error

_BY_HTTP = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.NOT_FOUND,
    408: grpc.StatusCode.DEADLINE_EXCEEDED,
    409: grpc.StatusCode.ABORTED,
    412: grpc.StatusCode.FAILED_PRECONDITION,
    413: grpc.StatusCode.RESOURCE_EXHAUSTED,
    422: grpc.StatusCode.INVALID_ARGUMENT,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,
    499: grpc.StatusCode.CANCELLED,
    500: grpc.StatusCode.INTERNAL,
    501: grpc.StatusCode.UNIMPLEMENTED,
    503: grpc.StatusCode.UNAVAILABLE,
    504: grpc.StatusCode.DEADLINE_EXCEEDED,
}

REASON_KEY = "seldon-reason"


@dataclass
class Failure(Exception):
    code: grpc.StatusCode
    details: str
    reason: str = ""


def code_for_http(status: int) -> grpc.StatusCode:
    code = _BY_HTTP.get(status)
    if code is not None:
        return code
    return grpc.StatusCode.INVALID_ARGUMENT if 400 <= status < 500 else grpc.StatusCode.INTERNAL


def failure_for(exc: BaseException) -> Failure:
    """The status a handler exception is answered with."""
    if isinstance(exc, Failure):
        return exc
    seldon = as_seldon_error(exc)
    if seldon is not None:
        http_status, body = seldon
        status = body.get("status", {}) if isinstance(body, dict) else {}
        info = status.get("info") if isinstance(status, dict) else None
        reason = status.get("reason", "") if isinstance(status, dict) else ""
        return Failure(code_for_http(http_status), str(info or exc), str(reason or ""))
    details = str(exc) or type(exc).__name__
    return Failure(grpc.StatusCode.INTERNAL, details, "MICROSERVICE_INTERNAL_ERROR")
