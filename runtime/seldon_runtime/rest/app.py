"""The REST application: a raw WSGI callable (no Flask on the request path).

Routing is one dict lookup; handlers return `(status, body)` from the data
plane and the body is serialised once with the fast JSON encoder. Protocol
errors keep seldon-core's error body but get their proper status (404, 405,
413, 415) instead of 500.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, Callable

from ..dataplane import DataPlane
from ..errors import as_seldon_error, internal_error
from ..jsonio import dumps
from . import body as bodies
from .body import HttpError
from .error_handlers import BlueprintErrors
from .openapi import DOCUMENT

log = logging.getLogger(__name__)

JSON = "application/json"
HTML = "text/html; charset=utf-8"
_STATUS = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}
GET, POST, GET_POST = frozenset({"GET"}), frozenset({"POST"}), frozenset({"GET", "POST"})

# A handler answers (status, body) or (status, body, [(header, value), ...]).
Handler = Callable[[dict], "tuple[int, Any]"]


def _cors(environ: dict) -> tuple[tuple[str, str], ...]:
    origin = environ.get("HTTP_ORIGIN")
    if origin:
        return (("Access-Control-Allow-Origin", origin), ("Vary", "Origin"))
    return (("Access-Control-Allow-Origin", "*"),)


class RestApp:
    def __init__(self, plane: DataPlane, passthrough: bool = False, max_body: int = 100 << 20,
                 errors: BlueprintErrors | None = None):
        self.plane = plane
        self.max_body = max_body
        self.errors = errors  # the model's model_error_handler blueprint, if any
        predict = self._predict_passthrough if passthrough else self._message(plane.predict)
        feedback = self._message(plane.send_feedback)
        routes: dict[str, tuple[Handler, frozenset]] = {
            "/predict": (predict, GET_POST),
            "/api/v1.0/predictions": (predict, POST),
            "/api/v0.1/predictions": (predict, POST),
            "/send-feedback": (feedback, GET_POST),
            "/api/v1.0/feedback": (feedback, POST),
            "/api/v0.1/feedback": (feedback, POST),
            "/transform-input": (self._message(plane.transform_input), GET_POST),
            "/transform-output": (self._message(plane.transform_output), GET_POST),
            "/route": (self._message(plane.route), GET_POST),
            "/aggregate": (self._message(plane.aggregate), GET_POST),
            "/health/ping": (self._ping, GET),
            "/health/status": (lambda env: plane.health_status(), GET),
            "/api/v1.0/health/status": (lambda env: plane.health_status(), GET),
            "/metadata": (lambda env: plane.metadata(), GET),
            "/api/v1.0/metadata": (lambda env: plane.metadata(), GET),
            "/seldon.json": (lambda env: (200, DOCUMENT), GET),
        }
        self.routes = routes
        # (prefix, handler, methods) for paths with parameters in them (V2, KServe V1),
        # tried in order when no exact route matches.
        self.prefixes: list[tuple[str, Handler, frozenset]] = []

    # -- handlers --------------------------------------------------------------------

    def _message(self, endpoint: Callable[[Any], tuple[int, Any]]) -> Handler:
        limit = self.max_body
        return lambda environ: endpoint(bodies.message(environ, limit))

    def _predict_passthrough(self, environ: dict) -> tuple[int, Any]:
        parsed, value = bodies.passthrough(environ, self.max_body)
        if parsed:  # multipart is never passed through
            return self.plane.predict(value)
        return self.plane.predict_passthrough(value)

    @staticmethod
    def _ping(environ: dict) -> tuple[int, Any]:
        return 200, b"pong"

    # -- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> list:
        path = environ.get("PATH_INFO", "")
        method = environ["REQUEST_METHOD"]
        entry = self.routes.get(path) or self._prefixed(path)
        content_type = JSON
        extra: list = []
        try:
            if entry is None:
                raise HttpError(404, f"404 Not Found: {path}", "MICROSERVICE_NOT_FOUND")
            handler, methods = entry
            if method not in methods:
                if method == "OPTIONS":
                    return self._preflight(environ, methods, start_response)
                extra.append(("Allow", ", ".join(sorted(methods))))
                raise HttpError(
                    405,
                    f"405 Method Not Allowed: {method} {path}",
                    "MICROSERVICE_METHOD_NOT_ALLOWED",
                )
            status, body, *headers = handler(environ)
            if handler == self._ping:
                content_type = HTML
            for name, value in headers[0] if headers else ():  # a handler's own headers
                if name == "Content-Type":
                    content_type = value
                else:
                    extra.append((name, value))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a Seldon error body
            answer = self.errors.answer(exc, environ) if self.errors is not None else None
            if answer is not None:
                start_response(_STATUS.get(answer.status) or f"{answer.status} Status",
                               [*answer.headers, *_cors(environ)])
                return [answer.body]
            status, body = self._error(exc, path)
        if type(body) is bytes:
            payload = body
        elif type(body) is str:
            payload = body.encode()
        else:
            try:
                payload = dumps(body)
            except Exception as exc:  # noqa: BLE001 - e.g. a non-serialisable user result
                status, body = self._error(exc, path)
                payload = dumps(body)
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(payload))),
            *_cors(environ),
            *extra,
        ]
        start_response(_STATUS.get(status) or f"{status} Status", headers)
        return [payload]

    def _prefixed(self, path: str) -> tuple[Handler, frozenset] | None:
        for prefix, handler, methods in self.prefixes:
            if path.startswith(prefix):
                return handler, methods
        return None

    @staticmethod
    def _error(exc: BaseException, path: str) -> tuple[int, dict]:
        known = as_seldon_error(exc)
        if known is not None:
            log.error("%s: %s", path, known[1])
            return known
        log.exception("%s: unhandled error", path)
        return internal_error(exc)

    @staticmethod
    def _preflight(environ: dict, methods: frozenset, start_response: Callable) -> list:
        headers = [
            ("Access-Control-Allow-Origin", environ.get("HTTP_ORIGIN") or "*"),
            ("Access-Control-Allow-Methods", ", ".join(sorted(methods | {"OPTIONS"}))),
            ("Content-Length", "0"),
        ]
        requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
        if requested:
            headers.append(("Access-Control-Allow-Headers", requested))
        if environ.get("HTTP_ORIGIN"):
            headers.append(("Vary", "Origin"))
        start_response("200 OK", headers)
        return [b""]
