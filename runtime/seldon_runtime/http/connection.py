"""One client connection of the REST worker: bytes in, complete requests out.

httptools (llhttp, C) parses whatever the socket has delivered so far; the
connection keeps the request's parts until its last byte has arrived, so a
client that stalls in the middle of its headers or body holds only its own
buffer, never the worker. Each connection carries a deadline for its current
phase, which the worker enforces.
"""

from __future__ import annotations

import time
from collections import deque
from io import BytesIO
from typing import Any

import httptools

from . import wsgi
from .limits import MAX_HEAD_BYTES, Limits

# Phases, each with its own deadline.
IDLE = 0  # kept alive between requests: `keepalive` seconds
HEAD = 1  # receiving the request line and headers: the header timeout
BODY = 2  # receiving the body: the body timeout
QUEUED = 3  # complete, waiting for the model (no deadline)

CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
NEVER = float("inf")


class HeadTooLarge(Exception):
    """The request line and headers passed MAX_HEAD_BYTES."""


class Connection:
    __slots__ = (
        "sock", "fd", "remote", "base", "limits", "parser", "phase", "deadline", "head_bytes",
        "url", "headers", "environ", "body", "body_size", "oversized", "ready", "out",
        "closing",
    )

    def __init__(self, sock: Any, remote: tuple, base: dict, limits: Limits, now: float):
        self.sock = sock
        self.fd = sock.fileno()
        self.remote = remote
        self.base = base  # the listener's constant environ keys
        self.limits = limits
        self.parser = httptools.HttpRequestParser(self)
        self.phase = HEAD
        self.deadline = now + limits.header_timeout
        self.head_bytes = 0
        self.url = b""
        self.headers: list = []
        self.environ: dict | None = None
        self.body: list = []
        self.body_size = 0
        self.oversized = False  # body over the limit: answered (413) and closed
        self.ready: deque = deque()  # (environ, keep_alive) of complete requests
        self.out = b""  # response bytes the socket did not take yet
        self.closing = False  # no more requests are read

    def feed(self, data: bytes) -> None:
        """Parse `data`; complete requests land in `ready`.

        Raises httptools.HttpParserError (and its Upgrade subclass) on a bad
        request, HeadTooLarge when the headers do not end in time.
        """
        if self.closing:
            return
        if self.phase <= HEAD:
            self.head_bytes += len(data)
        self.parser.feed_data(data)
        if self.head_bytes > MAX_HEAD_BYTES and (self.phase == HEAD or self.oversized):
            raise HeadTooLarge

    # -- httptools callbacks ---------------------------------------------------------

    def on_message_begin(self) -> None:
        if self.phase != HEAD:  # a fresh connection's deadline runs from its accept
            self.deadline = time.monotonic() + self.limits.header_timeout
        self.phase = HEAD
        self.url = b""
        self.headers = []
        self.body = []
        self.body_size = 0

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum(len(n) + len(v) + 4 for n, v in self.headers)
        if size > MAX_HEAD_BYTES:  # it came in one piece: answered 431 by the worker
            self.head_bytes = size
            self.oversized = self.closing = True
            self.phase = QUEUED
            self.deadline = NEVER
            return
        self.head_bytes = 0
        parser = self.parser
        environ = wsgi.request_environ(
            self.base, parser.get_method(), self.url, self.headers,
            parser.get_http_version(), self.remote,
        )
        self.environ = environ
        self.phase = BODY
        self.deadline = time.monotonic() + self.limits.body_timeout
        length = environ.get("CONTENT_LENGTH")
        if length and length.isdigit() and int(length) > self.limits.max_body:
            # The app answers 413 from the header alone; the body is never read.
            self._oversized()
        elif environ.get("HTTP_EXPECT", "").lower() == "100-continue":
            self.out += CONTINUE

    def on_body(self, chunk: bytes) -> None:
        if self.oversized:
            return
        self.body.append(chunk)
        self.body_size += len(chunk)
        if self.body_size > self.limits.max_body:  # chunked: no Content-Length to check first
            self._oversized()

    def on_message_complete(self) -> None:
        if self.oversized:
            return
        environ = self.environ
        body = self.body[0] if len(self.body) == 1 else b"".join(self.body)
        if "CONTENT_LENGTH" not in environ and body:  # chunked, now de-chunked
            environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = BytesIO(body)
        self.ready.append((environ, self.parser.should_keep_alive()))
        self.environ = None
        self.body = []
        self.phase = QUEUED
        self.deadline = NEVER
        self.head_bytes = 0

    def _oversized(self) -> None:
        environ = self.environ
        body = b"".join(self.body)[: self.limits.max_body + 1]
        environ["wsgi.input"] = BytesIO(body)
        self.ready.append((environ, False))
        self.body = []
        self.oversized = True
        self.closing = True
        self.phase = QUEUED
        self.deadline = NEVER

    # -- between requests ------------------------------------------------------------

    def idle(self, now: float, keepalive: float) -> None:
        """The last response went out: wait `keepalive` seconds for the next request."""
        if self.phase == QUEUED and not self.ready:
            self.phase = IDLE
            self.deadline = now + keepalive
