"""Getting the request message out of a WSGI environ, the way seldon-core does.

Order: multipart form; else a `json` form field, else a `json` query
parameter; else the body as JSON (which needs a JSON Content-Type).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from ..errors import SeldonMicroserviceException
from ..jsonio import loads
from . import multipart


class HttpError(SeldonMicroserviceException):
    """A protocol-level client error (404, 405, 413, 415)."""

    def __init__(self, status: int, message: str, reason: str):
        super().__init__(message, status, reason=reason)


def read_body(environ: dict, limit: int) -> bytes:
    length = environ.get("CONTENT_LENGTH")
    stream = environ["wsgi.input"]
    if length:
        try:
            n = int(length)
        except ValueError:
            raise SeldonMicroserviceException(f"Invalid Content-Length {length!r}") from None
        if n > limit:
            raise too_large(environ, limit)
        return stream.read(n) if n > 0 else b""
    data = stream.read(limit + 1)  # chunked: read one byte past the limit to notice
    if len(data) > limit:
        raise too_large(environ, limit)
    return data


# Set in the environ when the connection must not be reused (see worker.py).
CLOSE_CONNECTION = "seldon_runtime.close_connection"


def too_large(environ: dict, limit: int) -> HttpError:
    # The unread body would otherwise be drained before the next request.
    environ[CLOSE_CONNECTION] = True
    return HttpError(
        413,
        f"413 Request Entity Too Large: the body is larger than {limit} bytes",
        "MICROSERVICE_PAYLOAD_TOO_LARGE",
    )


def _is_json(content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime == "application/json" or (
        mime.startswith("application/") and mime.endswith("+json")
    )


def _json_param(environ: dict, body: bytes, content_type: str) -> str | None:
    if content_type.startswith("application/x-www-form-urlencoded") and body:
        values = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).get("json")
        if values:
            return values[0]
    query = environ.get("QUERY_STRING")
    if query and "json=" in query:
        values = parse_qs(query, keep_blank_values=True).get("json")
        if values:
            return values[0]
    return None


def _decode_param(text: str) -> Any:
    try:
        return loads(text)
    except ValueError as exc:
        raise SeldonMicroserviceException(f"Invalid JSON in the json parameter: {exc}") from None


def message(environ: dict, limit: int) -> Any:
    """The decoded request message."""
    content_type = environ.get("CONTENT_TYPE", "")
    body = read_body(environ, limit)
    if content_type == "application/json" and not environ.get("QUERY_STRING"):  # common case
        return _decode_body(body)
    if "multipart/form-data" in content_type:
        return multipart.parse(body, content_type)
    param = _json_param(environ, body, content_type)
    if param is not None:
        return _decode_param(param)
    if not _is_json(content_type):
        raise HttpError(
            415,
            f"415 Unsupported Media Type: expected application/json, got {content_type!r}",
            "MICROSERVICE_UNSUPPORTED_MEDIA_TYPE",
        )
    return _decode_body(body)


def passthrough(environ: dict, limit: int) -> tuple[bool, Any]:
    """For PAYLOAD_PASSTHROUGH: (False, str|bytes) untouched, or (True, message) for multipart."""
    content_type = environ.get("CONTENT_TYPE", "")
    body = read_body(environ, limit)
    if "multipart/form-data" in content_type:
        return True, multipart.parse(body, content_type)
    param = _json_param(environ, body, content_type)
    return False, (param if param is not None else body)


def _decode_body(body: bytes) -> Any:
    if body:
        try:
            value = loads(body)
        except ValueError:
            value = None
        if value is not None:
            return value
    raise SeldonMicroserviceException("Can't find JSON in data")
