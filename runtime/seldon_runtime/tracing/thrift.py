"""The few Thrift compact-protocol writes a Jaeger agent batch needs.

Field ids and types follow jaeger-idl's `jaeger.thrift` (Batch, Process, Span,
Tag, Log) and `agent.thrift` (the one-way `emitBatch` call).
"""

from __future__ import annotations

import struct
from typing import Any, Sequence

# compact-protocol type ids
BOOL_TRUE, BOOL_FALSE, I32, I64, DOUBLE, BINARY, LIST, STRUCT = 1, 2, 5, 6, 7, 8, 9, 12
# jaeger.thrift TagType
STRING_TAG, DOUBLE_TAG, BOOL_TAG, LONG_TAG = 0, 1, 2, 3
_ONEWAY = 4


def _varint(n: int) -> bytes:
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _zigzag(n: int, bits: int) -> bytes:
    return _varint(((n << 1) ^ (n >> (bits - 1))) & ((1 << bits) - 1))


def signed64(n: int) -> int:
    """An unsigned 64-bit id as the signed i64 Thrift carries."""
    n &= (1 << 64) - 1
    return n - (1 << 64) if n >= 1 << 63 else n


class Struct:
    """Writes one struct's fields in increasing id order; `end()` returns its bytes."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.last = 0

    def _header(self, fid: int, ftype: int) -> None:
        delta = fid - self.last
        if 0 < delta <= 15:
            self.buf.append((delta << 4) | ftype)
        else:
            self.buf.append(ftype)
            self.buf += _zigzag(fid, 16)
        self.last = fid

    def i32(self, fid: int, value: int) -> Struct:
        self._header(fid, I32)
        self.buf += _zigzag(value, 32)
        return self

    def i64(self, fid: int, value: int) -> Struct:
        self._header(fid, I64)
        self.buf += _zigzag(value, 64)
        return self

    def double(self, fid: int, value: float) -> Struct:
        self._header(fid, DOUBLE)
        self.buf += struct.pack("<d", value)
        return self

    def boolean(self, fid: int, value: bool) -> Struct:
        self._header(fid, BOOL_TRUE if value else BOOL_FALSE)
        return self

    def string(self, fid: int, value: str) -> Struct:
        data = value.encode("utf-8", "replace")
        self._header(fid, BINARY)
        self.buf += _varint(len(data)) + data
        return self

    def struct(self, fid: int, body: bytes) -> Struct:
        self._header(fid, STRUCT)
        self.buf += body
        return self

    def structs(self, fid: int, bodies: Sequence[bytes]) -> Struct:
        self._header(fid, LIST)
        n = len(bodies)
        self.buf += bytes([(n << 4) | STRUCT]) if n < 15 else bytes([0xF0 | STRUCT]) + _varint(n)
        for body in bodies:
            self.buf += body
        return self

    def end(self) -> bytes:
        return bytes(self.buf) + b"\x00"


def tag(key: str, value: Any, max_length: int = 1024) -> bytes:
    s = Struct().string(1, key)
    if isinstance(value, bool):
        return s.i32(2, BOOL_TAG).boolean(5, value).end()
    if isinstance(value, int):
        return s.i32(2, LONG_TAG).i64(6, signed64(value)).end()
    if isinstance(value, float):
        return s.i32(2, DOUBLE_TAG).double(4, value).end()
    return s.i32(2, STRING_TAG).string(3, str(value)[:max_length]).end()


def process(service_name: str, tags: dict[str, Any]) -> bytes:
    return Struct().string(1, service_name).structs(
        2, [tag(k, v) for k, v in tags.items()]).end()


def emit_batch(process_bytes: bytes, spans: Sequence[bytes], seqid: int = 0) -> bytes:
    """A complete `Agent.emitBatch(Batch)` one-way message, ready for one UDP datagram."""
    batch = Struct().struct(1, process_bytes).structs(2, spans).end()
    args = Struct().struct(1, batch).end()
    name = b"emitBatch"
    header = bytes([0x82, (_ONEWAY << 5) | 1]) + _varint(seqid) + _varint(len(name)) + name
    return header + args


def span(trace_id: int, span_id: int, parent_id: int, operation: str, flags: int,
         start_us: int, duration_us: int, tags: dict[str, Any],
         logs: Sequence[tuple[int, dict[str, Any]]] = (), max_length: int = 1024) -> bytes:
    s = (Struct().i64(1, signed64(trace_id)).i64(2, signed64(trace_id >> 64))
         .i64(3, signed64(span_id)).i64(4, signed64(parent_id)).string(5, operation)
         .i32(7, flags).i64(8, start_us).i64(9, duration_us)
         .structs(10, [tag(k, v, max_length) for k, v in tags.items()]))
    if logs:
        s.structs(11, [Struct().i64(1, ts).structs(2, [tag(k, v, max_length)
                                                        for k, v in fields.items()]).end()
                       for ts, fields in logs])
    return s.end()
