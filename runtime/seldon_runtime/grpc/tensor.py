"""Seldon `Tensor` messages <-> numpy, through their packed wire bytes.

A `Tensor` is `shape` (packed int32) then `values` (packed double). Reading the
doubles straight out of the serialized bytes with numpy avoids boxing every
element into a Python float, which dominates the cost of large tensors; writing
works the same way in reverse. Encodings other than the canonical packed one
(legal on the wire, rare in practice) take the ordinary element-wise path.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_F8 = np.dtype("<f8")


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def _encode_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        bits = n & 0x7F
        n >>= 7
        if n:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def _packed_values(raw: bytes) -> tuple[list, np.ndarray] | None:
    """(shape, values) when `raw` is the canonical packed layout, else None."""
    pos, end = 0, len(raw)
    shape: list = []
    values = None
    while pos < end:
        tag = raw[pos]
        pos += 1
        if tag == 0x0A:  # field 1, packed int32
            length, pos = _varint(raw, pos)
            stop = pos + length
            while pos < stop:
                dim, pos = _varint(raw, pos)
                if dim >= 1 << 63:  # negative int32s are 10-byte varints
                    dim -= 1 << 64
                shape.append(dim)
        elif tag == 0x12 and values is None:  # field 2, packed double
            length, pos = _varint(raw, pos)
            if length % 8:
                return None
            values = np.frombuffer(raw, dtype=_F8, count=length // 8, offset=pos)
            pos += length
        else:
            return None
    return shape, values if values is not None else np.empty(0, dtype=_F8)


def to_numpy(tensor: Any) -> tuple[list, np.ndarray]:
    """(shape, flat float64 values) of a `Tensor` message."""
    parsed = _packed_values(tensor.SerializeToString())
    if parsed is not None:
        return parsed
    return list(tensor.shape), np.array(tensor.values, dtype=_F8)


def to_bytes(shape: Any, values: Any) -> bytes:
    """The serialized `Tensor` for a shape and (flat) values."""
    dims = b"".join(_encode_varint(int(d) & 0xFFFFFFFFFFFFFFFF) for d in shape)
    data = np.ascontiguousarray(values, dtype=_F8).tobytes()
    out = b""
    if dims:
        out += b"\x0a" + _encode_varint(len(dims)) + dims
    if data:
        out += b"\x12" + _encode_varint(len(data)) + data
    return out
