"""The Prometheus endpoint: a small threaded HTTP server in its own process.

It only reads the multiprocess files, so it never touches the model and stays
responsive while REST workers are busy. Forked with `os.fork` (not
multiprocessing, whose exit hooks would leak into gunicorn workers); it exits
when its parent goes away.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterable

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


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def serve(host: str, port: int, paths: Iterable[str]) -> None:
    server = ThreadingHTTPServer((host, port), _handler(frozenset(paths)))
    server.daemon_threads = True
    server.serve_forever()


def start_process(host: str, port: int, paths: Iterable[str]) -> int:
    """Fork the metrics server; returns its pid."""
    paths = list(paths)
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
        signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
        serve(host, port, paths)
    except BaseException:  # noqa: BLE001 - a forked child must never return
        log.exception("metrics server on port %s failed", port)
        os._exit(1)
    os._exit(0)
