"""The REST worker: one thread, one selector, non-blocking HTTP/1.1 with keep-alive.

gunicorn stays the process manager (master, worker restarts, timeouts,
SIGHUP); this class replaces its request handling. Every socket is
non-blocking and parsed by httptools (C): a request is buffered until its
last byte has arrived and only then handed to the app, inline, so the model
is never called concurrently in one worker (as with gunicorn's `sync`
worker) while a client that stalls half-way through its request holds
nothing but its own buffer. Responses that the socket does not take at once
wait for it to drain, so a slow reader does not hold the worker either.

Deadlines (`http/limits.py`): the headers of a request must arrive within
the header timeout of its first byte, the body within the body timeout of
the headers, an idle keep-alive connection gets `keepalive` seconds, a
response that stops draining the body timeout; past its deadline a
connection is closed. A worker holds at most `max_connections`; it resets
the ones it accepts beyond that, so excess clients learn at once.

On SIGTERM (and after `max_requests`), the worker accepts what is already
queued on its listeners, closes them, closes idle connections, answers
every request it has received with `Connection: close`, and exits when none
is left or at the graceful timeout.

Written against the worker API shared by gunicorn 20.1 through 23+.
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
import struct
import time
from datetime import timedelta
from typing import Any

from gunicorn.workers import base
from httptools import HttpParserError, HttpParserUpgrade

from .http import limits as limits_mod
from .http import wsgi
from .http.connection import HEAD, IDLE, QUEUED, Connection, HeadTooLarge
from .rest.body import CLOSE_CONNECTION

RECV_SIZE = 256 * 1024
SWEEP_SECONDS = 0.25  # how often deadlines are checked
NOTIFY_SECONDS = 0.5  # how often the master hears the worker is alive
DRAIN_QUIET_SECONDS = 0.5  # at shutdown, a connection that sent nothing yet gets this long
_LINGER_RESET = struct.pack("ii", 1, 0)  # close() sends a reset
_DISCONNECTED = (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN, errno.ECONNABORTED,
                 errno.ETIMEDOUT)
_READ, _WRITE = selectors.EVENT_READ, selectors.EVENT_WRITE

_BAD_REQUEST = (b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain"
                b"\r\nContent-Length: 11\r\n\r\nBad Request")
_HEAD_TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n"
                   b"Content-Type: text/plain\r\nContent-Length: 31\r\n\r\n"
                   b"Request Header Fields Too Large")
_SERVER_ERROR = (b"HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\nContent-Type: "
                 b"text/plain\r\nContent-Length: 21\r\n\r\nInternal Server Error")


class _Access:
    """What gunicorn's access logger reads from a request and a response."""

    def __init__(self, status: str, headers: list, sent: int, environ: dict):
        self.status = status
        self.headers = headers
        self.sent = sent
        prefix = "HTTP_"
        self.req_headers = [(k[5:].replace("_", "-"), v) for k, v in environ.items()
                            if k.startswith(prefix)]


class KeepAliveWorker(base.Worker):
    def init_process(self) -> None:
        self.limits = limits_mod.from_application(self.app)
        self.keepalive = max(self.cfg.keepalive, 0)
        self.selector = selectors.DefaultSelector()
        self.conns: dict[int, Connection] = {}
        self.listeners: list = []
        self.bases: dict[int, dict] = {}
        self.clock = wsgi.Clock()
        self.stopping = False
        self.access_log = bool(self.cfg.accesslog)
        self.last_notify = 0.0
        super().init_process()

    # -- the loop ----------------------------------------------------------------------

    def run(self) -> None:
        multiprocess = self.cfg.workers > 1
        for listener in self.sockets:
            listener.setblocking(False)
            self.bases[listener.fileno()] = wsgi.base_environ(listener.getsockname(),
                                                              multiprocess)
            self.selector.register(listener, _READ, None)
            self.listeners.append(listener)
        next_sweep = 0.0
        while self.alive:
            now = self._tick()
            self._dispatch(self.selector.select(SWEEP_SECONDS))
            if now >= next_sweep:
                self._sweep(now)
                next_sweep = now + SWEEP_SECONDS
            if self.ppid != os.getppid():
                self.log.info("Parent changed, shutting down: %s", self)
                self._close_all()
                return
        self._drain()

    def _tick(self) -> float:
        now = time.monotonic()
        if now - self.last_notify >= NOTIFY_SECONDS:
            self.notify()
            self.last_notify = now
        return now

    def _dispatch(self, events: list) -> None:
        for key, mask in events:
            conn = key.data
            if conn is None:
                self._accept(key.fileobj)
                continue
            if mask & _WRITE:
                self._flush(conn)
            if mask & _READ and self.conns.get(conn.fd) is conn:
                self._read(conn)

    # -- connections -------------------------------------------------------------------

    def _accept(self, listener: Any) -> None:
        base = self.bases[listener.fileno()]
        now = time.monotonic()
        while True:
            try:
                sock, addr = listener.accept()
            except (BlockingIOError, InterruptedError):
                return  # none left (or another worker took it)
            except OSError as exc:
                if exc.errno in (errno.ECONNABORTED, errno.EMFILE, errno.ENFILE):
                    return
                raise
            if len(self.conns) >= self.limits.max_connections:
                self._refuse(sock)
                continue
            sock.setblocking(False)
            if sock.family != socket.AF_UNIX:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection(sock, addr, base, self.limits, now)
            if self.stopping:
                conn.deadline = min(conn.deadline, now + DRAIN_QUIET_SECONDS)
            self.conns[conn.fd] = conn
            self.selector.register(sock, _READ, conn)

    def _refuse(self, sock: Any) -> None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
        except OSError:
            pass
        sock.close()

    def _close(self, conn: Connection) -> None:
        if self.conns.pop(conn.fd, None) is None:
            return
        try:
            self.selector.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        conn.sock.close()

    def _close_all(self) -> None:
        for conn in list(self.conns.values()):
            self._close(conn)

    def _sweep(self, now: float) -> None:
        for conn in list(self.conns.values()):
            if conn.deadline < now:
                if conn.phase != IDLE:
                    self.log.debug("Closing a stalled connection from %s", conn.remote)
                self._close(conn)

    def _read(self, conn: Connection) -> None:
        try:
            data = conn.sock.recv(RECV_SIZE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(conn)
            return
        if not data:
            self._close(conn)
            return
        try:
            conn.feed(data)
        except HeadTooLarge:
            self._reject(conn, _HEAD_TOO_LARGE)
            return
        except HttpParserUpgrade:
            # e.g. curl --http2 asking for h2c: answered over HTTP/1.1, then closed (a body
            # would follow the headers unparsed, so only body-less requests are served)
            conn.closing = True
            if any(env.get("CONTENT_LENGTH", "0") != "0" for env, _ in conn.ready):
                self._reject(conn, _BAD_REQUEST)
                return
        except HttpParserError:
            self._reject(conn, _BAD_REQUEST)
            return
        if conn.out:  # 100 Continue
            self._send(conn, b"")
        self._serve(conn)

    def _reject(self, conn: Connection, answer: bytes) -> None:
        try:
            conn.sock.send(answer)
        except OSError:
            pass
        self._close(conn)

    # -- requests ----------------------------------------------------------------------

    def _serve(self, conn: Connection) -> None:
        """Answer the complete requests of `conn`, one at a time, while its socket keeps up."""
        while conn.ready and not conn.out:
            environ, keep_alive = conn.ready.popleft()
            if not self._respond(conn, environ, keep_alive):
                return
        if not conn.ready and not conn.out:
            if conn.closing:
                self._close(conn)
            else:
                conn.idle(time.monotonic(), self.keepalive)

    def _respond(self, conn: Connection, environ: dict, keep_alive: bool) -> bool:
        """Run the app for one request and send its answer; False once `conn` is closed."""
        self.nr += 1
        if self.nr >= self.max_requests and self.alive:
            self.log.info("Autorestarting worker after current request.")
            self.alive = False
        started = time.monotonic()
        reply: list = []

        def start_response(status: str, headers: list, exc_info: Any = None) -> None:
            reply[:] = (status, headers)

        try:
            chunks = self.wsgi(environ, start_response)
            try:
                keep_alive = (keep_alive and self.alive and not self.stopping
                              and bool(self.keepalive) and not environ.get(CLOSE_CONNECTION)
                              and not conn.closing)
                data, keep_alive = wsgi.response(
                    environ["SERVER_PROTOCOL"][5:], reply[0], reply[1], chunks, keep_alive,
                    environ["REQUEST_METHOD"] == "HEAD", self.clock.date())
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        except Exception:
            self.log.exception("Error handling request %s", environ.get("RAW_URI"))
            data, keep_alive = _SERVER_ERROR, False
            reply[:] = ("500 Internal Server Error", [])
        if not keep_alive:
            conn.closing = True
            conn.ready.clear()
        if self.access_log:
            self._log_access(reply, environ, len(data), started)
        return self._send(conn, data)

    def _log_access(self, reply: list, environ: dict, sent: int, started: float) -> None:
        access = _Access(reply[0], reply[1], sent, environ)
        elapsed = timedelta(seconds=time.monotonic() - started)
        self.log.access(access, access.req_headers, environ, elapsed)

    def _send(self, conn: Connection, data: bytes) -> bool:
        """Send what `conn` has pending plus `data`; False if the connection is gone."""
        if conn.out:
            data = conn.out + data
            conn.out = b""
        try:
            sent = conn.sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError as exc:
            if exc.errno not in _DISCONNECTED:
                self.log.exception("Socket error sending a response")
            self._close(conn)
            return False
        if sent < len(data):
            # Nothing more is read from a client that does not read its answers, so it
            # cannot queue requests without bound.
            conn.out = data[sent:]
            conn.deadline = time.monotonic() + self.limits.body_timeout
            self.selector.modify(conn.sock, _WRITE, conn)
        elif conn.closing and not conn.ready:
            self._close(conn)
            return False
        return True

    def _flush(self, conn: Connection) -> None:
        if not self._send(conn, b""):
            return
        if not conn.out:
            self.selector.modify(conn.sock, _READ, conn)
            if conn.phase == QUEUED:
                conn.deadline = float("inf")
            self._serve(conn)

    # -- shutdown ----------------------------------------------------------------------

    def _drain(self) -> None:
        """Stop taking connections, answer what was received, close the rest."""
        self.stopping = True
        for listener in self.listeners:
            self._accept(listener)  # connections the kernel already completed
            self.selector.unregister(listener)
            listener.close()
        self.listeners = []
        now = time.monotonic()
        for conn in list(self.conns.values()):
            if conn.phase == IDLE:
                self._read(conn)  # a request may be in its buffer already
                if conn.phase == IDLE:
                    self._close(conn)
            elif conn.phase == HEAD and conn.head_bytes == 0:
                conn.deadline = min(conn.deadline, now + DRAIN_QUIET_SECONDS)
        give_up = now + max(self.cfg.graceful_timeout - 1.0, 0.5)
        while self.conns and time.monotonic() < give_up:
            now = self._tick()
            self._dispatch(self.selector.select(0.05))
            self._sweep(now)
        if self.conns:
            self.log.warning("Closing %d connection(s) at the end of the graceful timeout",
                             len(self.conns))
        self._close_all()
