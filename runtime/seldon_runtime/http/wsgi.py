"""WSGI environ in, HTTP/1.1 response bytes out (PEP 3333, as gunicorn builds them)."""

from __future__ import annotations

import sys
import time
from email.utils import formatdate
from typing import Any, Iterable
from urllib.parse import unquote_to_bytes

import httptools

_SPECIAL = {b"CONTENT_TYPE": "CONTENT_TYPE", b"CONTENT_LENGTH": "CONTENT_LENGTH"}
_names: dict[bytes, str | None] = {}  # header name -> environ key (None: dropped)


def base_environ(server: Any, multiprocess: bool) -> dict:
    """The keys every request on one listener shares."""
    if isinstance(server, tuple):
        name, port = str(server[0]), str(server[1])
    else:  # a unix socket
        name, port = str(server), ""
    return {
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": multiprocess,
        "wsgi.run_once": False,
        "wsgi.input_terminated": True,
        "SERVER_SOFTWARE": "seldon-runtime",
        "SCRIPT_NAME": "",
        "SERVER_NAME": name,
        "SERVER_PORT": port,
    }


def _environ_key(name: bytes) -> str | None:
    key = _names.get(name)
    if key is None and name not in _names:
        upper = name.upper()
        if b"_" in upper:
            key = None  # would be indistinguishable from a dash once in the environ
        else:
            upper = upper.replace(b"-", b"_")
            key = _SPECIAL.get(upper) or "HTTP_" + upper.decode("latin-1")
        if len(_names) < 1024:  # a cache of the names clients use, bounded
            _names[name] = key
    return key


def request_environ(base: dict, method: bytes, url: bytes, headers: list, version: str,
                    remote: Any) -> dict:
    environ = base.copy()
    parsed = httptools.parse_url(url)
    path = parsed.path or b"/"
    environ["REQUEST_METHOD"] = method.decode("latin-1")
    environ["PATH_INFO"] = (unquote_to_bytes(path) if b"%" in path else path).decode("latin-1")
    environ["QUERY_STRING"] = (parsed.query or b"").decode("latin-1")
    environ["RAW_URI"] = url.decode("latin-1")
    environ["SERVER_PROTOCOL"] = "HTTP/" + version
    if isinstance(remote, tuple):
        environ["REMOTE_ADDR"] = remote[0]
        environ["REMOTE_PORT"] = str(remote[1])
    for name, value in headers:
        key = _environ_key(name)
        if key is None:
            continue
        text = value.decode("latin-1")
        if key in environ:
            text = environ[key] + "," + text
        environ[key] = text
    return environ


class Clock:
    """The Date header, formatted once a second."""

    def __init__(self) -> None:
        self.second = 0
        self.header = ""

    def date(self) -> str:
        now = int(time.time())
        if now != self.second:
            self.second = now
            self.header = "Date: " + formatdate(now, usegmt=True) + "\r\n"
        return self.header


_NO_BODY = ("1", "204", "304")  # status prefixes that never carry a body


def response(version: str, status: str, headers: list, chunks: Iterable[bytes],
             keep_alive: bool, head_only: bool, date: str) -> tuple[bytes, bool]:
    """The response bytes, and whether the connection stays open after them."""
    lines = ["HTTP/", version, " ", status, "\r\n", date]
    length = None
    for name, value in headers:
        lower = name.lower()
        if lower == "content-length":
            length = value
            continue
        if lower == "connection":
            if value.lower() == "close":
                keep_alive = False
            continue
        elif lower == "transfer-encoding":
            continue  # the body is sent whole, with its length
        lines += (name, ": ", value, "\r\n")
    body = b"".join(chunks)
    if status.startswith(_NO_BODY):
        body = b""
    elif length is None:
        length = str(len(body))
    if length is not None:
        lines += ("Content-Length: ", length, "\r\n")
    lines.append("Connection: keep-alive\r\n\r\n" if keep_alive else "Connection: close\r\n\r\n")
    head = "".join(lines).encode("latin-1")
    return (head if head_only else head + body), keep_alive
