"""Send finished spans to the Jaeger agent: batched, over UDP, from a background thread.

A span never waits for the network: `report()` only appends to a bounded
queue. The thread starts on first use in each process (workers are forked),
sends at least every `flush_interval` seconds, and splits batches so that a
datagram stays under the agent's limit. Spans over the queue bound are
dropped and counted, never blocking a request.
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
import threading
import time
from collections import deque

from . import thrift

log = logging.getLogger(__name__)
MAX_PACKET = 65000
#: room for the message header and the Process struct around the spans
_ENVELOPE = 512


class UdpReporter:
    def __init__(self, host: str, port: int, process: bytes, flush_interval: float = 1.0,
                 queue_size: int = 10000):
        self.address = (host, port)
        self.process = process
        self.flush_interval = flush_interval
        self.queue: deque[bytes] = deque()
        self.queue_size = queue_size
        self.dropped = 0  # over the queue bound
        self.lost = 0  # not sent: the agent could not be reached
        self._failing = False
        self._pid = 0
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._target: tuple | None = None
        self._seq = 0

    def report(self, span: bytes) -> None:
        if self._pid != os.getpid():
            self._start()
        if len(self.queue) >= self.queue_size:
            self.dropped += 1
            return
        self.queue.append(span)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self.queue.clear()  # spans queued by a parent process are the parent's
            self._pid = os.getpid()
            self._sock, self._target = None, None
            threading.Thread(target=self._loop, name="jaeger-reporter", daemon=True).start()
            atexit.register(self.flush)

    def _loop(self) -> None:
        while True:
            time.sleep(self.flush_interval)
            self.flush()

    def flush(self) -> None:
        """Send everything queued now (also called at exit)."""
        batch: list[bytes] = []
        size = len(self.process) + _ENVELOPE
        while self.queue:
            span = self.queue.popleft()
            if batch and size + len(span) > MAX_PACKET:
                self._send(batch)
                batch, size = [], len(self.process) + _ENVELOPE
            batch.append(span)
            size += len(span)
        if batch:
            self._send(batch)

    def _send(self, spans: list[bytes]) -> None:
        self._seq += 1
        packet = thrift.emit_batch(self.process, spans, self._seq)
        try:
            if self._sock is None or self._target is None:
                # resolved once per process, not per datagram; retried after a failure
                family, kind, _, _, target = socket.getaddrinfo(
                    *self.address, type=socket.SOCK_DGRAM)[0]
                self._sock, self._target = socket.socket(family, kind), target
            self._sock.sendto(packet, self._target)
        except OSError as err:
            if self._sock is not None:
                self._sock.close()
            self._sock = self._target = None
            self.lost += len(spans)
            # an absent agent must not break serving, nor fill the log: said once per outage
            if not self._failing:
                log.warning("Cannot send %d spans to the Jaeger agent at %s:%d: %s; spans are "
                            "dropped until it answers", len(spans), *self.address, err)
            self._failing = True
            return
        if self._failing:
            log.warning("Sending spans to the Jaeger agent again (%d were lost)", self.lost)
            self._failing = False
