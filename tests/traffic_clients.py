"""Raw-socket HTTP clients for the traffic tests: stalled ones, and a steady one that
tells a refused or unanswered request from one cut off in the middle of its response."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections import Counter


def request_bytes(body: dict, path: str = "/predict") -> bytes:
    data = json.dumps(body).encode()
    return (f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode() + data


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def closed_by_server(sock: socket.socket, within: float) -> float | None:
    """Seconds until the server closed `sock` (EOF or reset), None if it stayed open."""
    sock.settimeout(within)
    started = time.monotonic()
    try:
        while sock.recv(4096):
            pass
    except socket.timeout:
        return None
    except OSError:
        pass  # reset
    return time.monotonic() - started


def stalled(port: int, kind: str) -> socket.socket:
    """A connection that stopped half-way: in its headers, or in its body."""
    whole = request_bytes({"data": {"ndarray": [[0]]}})
    cut = whole.index(b"\r\n\r\n") + 4 + 5 if kind == "body" else whole.index(b"Content-Type")
    sock = connect(port)
    sock.sendall(whole[:cut])
    return sock


class Drip(threading.Thread):
    """`count` connections, each sending a request one byte per `interval` seconds until the
    server hangs up; `closed_after` holds the seconds until each was closed."""

    def __init__(self, port: int, interval: float, count: int = 1):
        super().__init__(daemon=True)
        self.socks = [connect(port) for _ in range(count)]
        self.interval = interval
        self.closed_after: list[float] = []

    def run(self) -> None:
        started = time.monotonic()
        open_socks = list(self.socks)
        for byte in request_bytes({"data": {"ndarray": [[0]] * 100}}):
            for sock in list(open_socks):
                try:
                    sock.send(bytes([byte]))
                except OSError:
                    self.closed_after.append(time.monotonic() - started)
                    open_socks.remove(sock)
            if not open_socks:
                return
            time.sleep(self.interval)


def all_closed_by_server(socks: list, within: float) -> int:
    """How many of `socks` the server closes (EOF or reset) within `within` seconds."""
    deadline = time.monotonic() + within
    waiting, closed = list(socks), 0
    while waiting and time.monotonic() < deadline:
        readable, _, _ = select.select(waiting, [], [], max(0.0, deadline - time.monotonic()))
        for sock in readable:
            try:
                data = sock.recv(4096)
            except OSError:
                data = b""
            if not data:
                closed += 1
                waiting.remove(sock)
    return closed


def read_response(sock: socket.socket) -> tuple[int, bytes, bool]:
    """Status, body and `Connection: close` of one response; raises Partial once any byte of
    it has arrived and the connection ends."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = _recv(sock, data)
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:])}
    length = int(headers["content-length"])
    while len(body) < length:
        body += _recv(sock, data + body)
    return int(lines[0].split()[1]), body, headers.get("connection") == "close"


class Partial(Exception):
    """The connection ended after part of a response had arrived."""


class Unanswered(Exception):
    """The connection ended before any byte of the response."""


def _recv(sock: socket.socket, so_far: bytes) -> bytes:
    try:
        chunk = sock.recv(65536)
    except (ConnectionResetError, BrokenPipeError) as exc:
        raise (Partial if so_far else Unanswered)(str(exc)) from None
    if not chunk:
        raise (Partial if so_far else Unanswered)("EOF")
    return chunk


class Steady(threading.Thread):
    """Keep-alive requests back to back from one thread; counts outcomes and latencies."""

    def __init__(self, port: int, body: dict):
        super().__init__(daemon=True)
        self.port = port
        self.body = body
        self.stop = threading.Event()
        self.outcomes: Counter = Counter()
        self.latencies: list[float] = []

    def run(self) -> None:
        payload = request_bytes(self.body)
        sock = None
        while not self.stop.is_set():
            try:
                if sock is None:
                    sock = connect(self.port)
                started = time.monotonic()
                try:
                    sock.sendall(payload)
                except OSError:
                    raise Unanswered("send failed") from None
                status, _, close = read_response(sock)
                self.latencies.append(time.monotonic() - started)
                self.outcomes["ok" if status == 200 else f"status {status}"] += 1
                if close:
                    sock.close()
                    sock = None
            except ConnectionRefusedError:
                self.outcomes["refused"] += 1
                sock = None
                time.sleep(0.01)
                continue
            except Unanswered:
                self.outcomes["unanswered"] += 1
            except Partial:
                self.outcomes["partial"] += 1
            except OSError as exc:
                self.outcomes[f"error {exc}"] += 1
            else:
                continue
            if sock is not None:
                sock.close()
            sock = None
        if sock is not None:
            sock.close()


class Crowd:
    """`count` Steady clients started together; `finish()` stops them and sums their outcomes."""

    def __init__(self, port: int, body: dict, count: int):
        self.clients = [Steady(port, body) for _ in range(count)]
        for client in self.clients:
            client.start()

    def answered(self) -> int:
        return sum(c.outcomes["ok"] for c in self.clients)

    def finish(self) -> Counter:
        for client in self.clients:
            client.stop.set()
        for client in self.clients:
            client.join(15)
        return sum((c.outcomes for c in self.clients), start=Counter())
