"""A span per REST call, named and tagged the way seldon-core's Flask tracing does."""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable

from ..v2.rest import operation as v2_operation
from .tracer import Tracer


def protocol_operation(path: str) -> str | None:
    """V2 paths are named after their gRPC methods; KServe V1 after its verbs."""
    if path.startswith("/v1/models"):
        return "Predict" if path.endswith(":predict") else "ModelMetadata"
    return v2_operation(path)

log = logging.getLogger(__name__)

#: seldon-core's Flask endpoint (view function) names, which become operation names
OPERATIONS = {
    "/predict": "Predict", "/api/v1.0/predictions": "Predict", "/api/v0.1/predictions": "Predict",
    "/send-feedback": "SendFeedback", "/api/v1.0/feedback": "SendFeedback",
    "/api/v0.1/feedback": "SendFeedback", "/transform-input": "TransformInput",
    "/transform-output": "TransformOutput", "/route": "Route", "/aggregate": "Aggregate",
    "/health/ping": "HealthPing", "/health/status": "HealthStatus",
    "/api/v1.0/health/status": "HealthStatus", "/metadata": "Metadata",
    "/api/v1.0/metadata": "Metadata", "/seldon.json": "openAPI",
}


def _host(environ: dict) -> str:
    return environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"


def _base_url(environ: dict) -> str:
    return f"{environ.get('wsgi.url_scheme', 'http')}://{_host(environ)}" \
           f"{environ.get('SCRIPT_NAME', '')}{environ.get('PATH_INFO', '')}"


def _full_path(environ: dict) -> str:
    return f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"


#: Flask request attributes JAEGER_EXTRA_TAGS may name, read from the WSGI environ
ATTRIBUTES: dict[str, Callable[[dict], Any]] = {
    "path": lambda e: e.get("PATH_INFO", ""),
    "full_path": _full_path,
    "base_url": _base_url,
    "url": lambda e: _base_url(e) + (f"?{e['QUERY_STRING']}" if e.get("QUERY_STRING") else ""),
    "method": lambda e: e.get("REQUEST_METHOD", ""),
    "remote_addr": lambda e: e.get("REMOTE_ADDR", ""),
    "query_string": lambda e: e.get("QUERY_STRING", "").encode("latin-1"),
    "content_type": lambda e: e.get("CONTENT_TYPE", ""),
    "content_length": lambda e: int(e["CONTENT_LENGTH"]) if e.get("CONTENT_LENGTH") else "",
    "host": _host,
    "scheme": lambda e: e.get("wsgi.url_scheme", ""),
    "mimetype": lambda e: e.get("CONTENT_TYPE", "").split(";")[0].strip().lower(),
}


class TracedApp:
    """WSGI middleware: a server span around each call to a Seldon route."""

    def __init__(self, app: Callable, tracer: Tracer, extra_tags: Iterable[str] = ()):
        self.app = app
        self.tracer = tracer
        self.environ_key = "HTTP_" + tracer.header.upper().replace("-", "_")
        self.extra = []
        for name in extra_tags:
            if name in ATTRIBUTES:
                self.extra.append((name, ATTRIBUTES[name]))
            else:
                log.warning("JAEGER_EXTRA_TAGS: request attribute %r is not supported; "
                            "supported: %s", name, ", ".join(sorted(ATTRIBUTES)))

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        operation = OPERATIONS.get(path) or protocol_operation(path)
        if operation is None:
            return self.app(environ, start_response)
        tags: dict[str, Any] = {
            "component": "Flask", "http.method": environ.get("REQUEST_METHOD", ""),
            "http.url": _base_url(environ), "span.kind": "server",
        }
        for name, read in self.extra:
            value = read(environ)
            if value not in ("", b""):
                tags[name] = str(value)
        span = self.tracer.start_span(operation, self.tracer.extract(
            environ.get(self.environ_key)), tags)

        def traced_start(status: str, headers: list, exc_info: Any = None) -> Any:
            span.tags["http.status_code"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, traced_start)
        except BaseException:
            span.tags["error"] = True
            raise
        finally:
            span.finish()
