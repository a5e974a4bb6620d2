"""The Prometheus endpoint: a small threaded HTTP server in its own process.

It only reads the multiprocess files, so it never touches the model and stays
responsive while REST workers are busy. It runs as a side process of the
runtime (`children.fork_child`).
"""

from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterable

from ..children import fork_child

log = logging.getLogger(__name__)


def _handler(paths: frozenset):
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    class Handler(BaseHTTPRequestHandler):
        server_version = "seldon-runtime-metrics"

        def do_GET(self):  # noqa: N802 - http.server naming
            if self.path.split("?", 1)[0] not in paths:
                self.send_error(404)
                return
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            body = generate_latest(registry)
            self.send_response(200)
            self.send_header("Content-Type", CONTENT_TYPE_LATEST)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):  # noqa: A002 - scrapes are not logged
            pass

    return Handler


def start_process(host: str, port: int, paths: Iterable[str]) -> int | None:
    """Listen on the port here, serve it from a forked child; the child's pid.

    Listening before the fork means the port takes connections before the REST
    side reports ready, so a scrape right after readiness is answered. A port
    that cannot be bound is logged and the model is served without metrics, as
    before.
    """
    what = f"metrics server on port {port}"
    try:
        server = ThreadingHTTPServer((host, port), _handler(frozenset(paths)))
    except OSError:
        log.exception("%s failed", what)
        return None
    server.daemon_threads = True
    try:
        return fork_child(server.serve_forever, what)
    finally:
        server.server_close()  # the child serves its own copy of the socket
