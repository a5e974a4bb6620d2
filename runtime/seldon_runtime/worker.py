"""A single-threaded gunicorn worker that keeps HTTP/1.1 connections open.

gunicorn's `sync` worker closes the connection after every response, so each
request pays for a TCP handshake and an accept; `gthread` keeps connections
but hands every request to a thread pool, which costs more than it saves
with one thread. This worker multiplexes its listening sockets and open
connections with one selector and runs each request inline: the sync
worker's execution model (one request at a time, the model never called
concurrently) without the per-request connection set-up. Idle connections
are closed after `keepalive` seconds.

Written against the worker API shared by gunicorn 20.1 through 23+.
"""

from __future__ import annotations

import errno
import os
import selectors
import socket
import sys
import time
from datetime import datetime

from gunicorn import http, util
from gunicorn.http import wsgi
from gunicorn.workers import base

from .rest.body import CLOSE_CONNECTION

_new_parser = getattr(http, "get_parser", None) or http.RequestParser


class _Conn:
    __slots__ = ("sock", "addr", "listener", "parser", "last")

    def __init__(self, sock, addr, listener, cfg):
        self.sock = sock
        self.addr = addr
        self.listener = listener
        self.parser = _new_parser(cfg, sock, addr)
        self.last = time.monotonic()


class KeepAliveWorker(base.Worker):
    def init_process(self):
        self.selector = selectors.DefaultSelector()
        self.conns: dict[int, _Conn] = {}
        super().init_process()

    def run(self):
        for listener in self.sockets:
            listener.setblocking(False)
            self.selector.register(listener, selectors.EVENT_READ, listener)
        keepalive = max(self.cfg.keepalive, 0)
        while self.alive:
            self.notify()
            for key, _ in self.selector.select(1.0):
                if key.data is not None:
                    self._accept(key.data)
                else:
                    self._serve(key.fd)
            if self.ppid != os.getppid():
                self.log.info("Parent changed, shutting down: %s", self)
                break
            if self.conns:
                self._close_idle(time.monotonic() - keepalive)
        for fd in list(self.conns):
            self._close(fd)

    def _accept(self, listener) -> None:
        try:
            sock, addr = listener.accept()
        except (BlockingIOError, InterruptedError):
            return  # another worker got it
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        sock.setblocking(True)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = _Conn(sock, addr, listener, self.cfg)
        self.conns[sock.fileno()] = conn
        self.selector.register(sock, selectors.EVENT_READ, None)

    def _close_idle(self, before: float) -> None:
        for fd, conn in list(self.conns.items()):
            if conn.last < before:
                self._close(fd)

    def _close(self, fd: int) -> None:
        conn = self.conns.pop(fd, None)
        if conn is None:
            return
        try:
            self.selector.unregister(conn.sock)
        except (KeyError, ValueError):
            pass
        util.close(conn.sock)

    def _serve(self, fd: int) -> None:
        conn = self.conns.get(fd)
        if conn is None:
            return
        req = None
        keep = False
        try:
            req = next(conn.parser)
            keep = self._handle_request(req, conn)
        except (StopIteration, http.errors.NoMoreData):
            pass
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
        except BaseException as exc:  # noqa: BLE001 - gunicorn answers 400/500 itself
            self.handle_error(req, conn.sock, conn.addr, exc)
        if keep:
            conn.last = time.monotonic()
        else:
            self._close(fd)

    def _handle_request(self, req, conn) -> bool:
        environ: dict = {}
        resp = None
        try:
            self.cfg.pre_request(self, req)
            started = datetime.now()
            resp, environ = wsgi.create(
                req, conn.sock, conn.addr, conn.listener.getsockname(), self.cfg
            )
            self.nr += 1
            if self.nr >= self.max_requests:
                if self.alive:
                    self.log.info("Autorestarting worker after current request.")
                    self.alive = False
            if not self.alive or not self.cfg.keepalive:
                resp.force_close()
            respiter = self.wsgi(environ, resp.start_response)
            if environ.get(CLOSE_CONNECTION):
                resp.force_close()
            try:
                for item in respiter:
                    resp.write(item)
                resp.close()
            finally:
                self.log.access(resp, req, environ, datetime.now() - started)
                if hasattr(respiter, "close"):
                    respiter.close()
            return not resp.should_close()
        except OSError:
            util.reraise(*sys.exc_info())
        except (Exception, SystemExit):
            if resp is not None and resp.headers_sent:
                # a 500 written after the headers would corrupt the stream
                self.log.exception("Error handling request")
                return False
            raise
        finally:
            try:
                self.cfg.post_request(self, req, environ, resp)
            except Exception:
                self.log.exception("Exception in post_request hook")
