"""V2 tensors: datatypes, and the three ways their data travels (JSON, raw bytes, gRPC contents).

A tensor's data is row-major. In JSON it is a flat (or nested) list; in the
binary extension and in gRPC's `raw_*_contents` it is little-endian bytes,
BYTES elements each prefixed by their length as a 4-byte little-endian
integer. BYTES tensors are numpy object arrays of `bytes`, or of `str` when
their `content_type` parameter is `str`.
"""

from __future__ import annotations

import struct
from typing import Any, NamedTuple

import numpy as np

from ..errors import SeldonMicroserviceException

#: V2 datatype -> numpy dtype (little-endian, as the wire format is)
DTYPES: dict[str, np.dtype] = {
    "BOOL": np.dtype(np.bool_),
    "UINT8": np.dtype("<u1"),
    "UINT16": np.dtype("<u2"),
    "UINT32": np.dtype("<u4"),
    "UINT64": np.dtype("<u8"),
    "INT8": np.dtype("<i1"),
    "INT16": np.dtype("<i2"),
    "INT32": np.dtype("<i4"),
    "INT64": np.dtype("<i8"),
    "FP16": np.dtype("<f2"),
    "FP32": np.dtype("<f4"),
    "FP64": np.dtype("<f8"),
    "BYTES": np.dtype(object),
}
_BY_KIND = {(dt.kind, dt.itemsize): name for name, dt in DTYPES.items() if name != "BYTES"}
_LENGTH = struct.Struct("<I")


class BadTensor(SeldonMicroserviceException):
    """A request tensor that cannot be read (answered with 400)."""


class Tensor(NamedTuple):
    name: str
    datatype: str
    shape: list
    data: np.ndarray
    parameters: dict


def datatype_of(arr: np.ndarray) -> str:
    """The V2 datatype a numpy array is sent as."""
    kind = arr.dtype.kind
    if kind in "OUS":
        return "BYTES"
    name = _BY_KIND.get((kind, arr.dtype.itemsize))
    if name is None:
        raise SeldonMicroserviceException(
            f"A result of numpy type {arr.dtype} has no V2 datatype", 500,
            reason="MICROSERVICE_INTERNAL_ERROR")
    return name


def dtype_for(datatype: str, name: str) -> np.dtype:
    try:
        return DTYPES[datatype]
    except KeyError:
        raise BadTensor(f"input {name!r}: unknown datatype {datatype!r}; "
                        f"one of {', '.join(DTYPES)}") from None


def check_shape(shape: Any, name: str) -> list:
    if not isinstance(shape, list) or not all(
        type(d) is int and d >= 0 for d in shape
    ):
        raise BadTensor(f"input {name!r}: shape must be a list of non-negative integers, "
                        f"got {shape!r}")
    return shape


def _size(shape: list) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _as_text(elements: np.ndarray, text: bool) -> np.ndarray:
    """BYTES elements as `str` when `text`, else as `bytes`."""
    out = np.empty(elements.shape, dtype=object)
    flat, src = out.reshape(-1), elements.reshape(-1)
    for i, v in enumerate(src):
        if text:
            flat[i] = v.decode("utf-8") if isinstance(v, (bytes, bytearray)) else str(v)
        else:
            flat[i] = v.encode("utf-8") if isinstance(v, str) else bytes(v)
    return out


def _flat_numbers(data: Any, dtype: np.dtype) -> np.ndarray | None:
    """A flat list of numbers read without numpy's nested-sequence discovery (~20% faster)."""
    if type(data) is not list or (data and type(data[0]) is list):
        return None
    try:
        return np.fromiter(data, dtype=dtype, count=len(data))
    except TypeError:  # e.g. a nested list further on: let np.array say what is wrong
        return None


def from_list(name: str, datatype: str, shape: list, data: Any, text: bool) -> np.ndarray:
    """A tensor from JSON `data` (flat or nested)."""
    dtype = dtype_for(datatype, name)
    try:
        arr = _flat_numbers(data, dtype) if datatype != "BYTES" else None
        if arr is None:
            arr = np.array(data, dtype=dtype)
        if datatype == "BYTES":
            arr = _as_text(arr, text)
        if arr.size != _size(shape):
            raise ValueError(f"{arr.size} values for shape {shape}")
        return arr.reshape(shape)
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError) as exc:
        raise BadTensor(f"input {name!r} ({datatype}): {exc}") from None


def from_bytes(name: str, datatype: str, shape: list, raw: bytes, text: bool) -> np.ndarray:
    """A tensor from its raw little-endian bytes (binary extension, gRPC raw contents)."""
    dtype = dtype_for(datatype, name)
    n = _size(shape)
    if datatype != "BYTES":
        if len(raw) != n * dtype.itemsize:
            raise BadTensor(f"input {name!r}: {len(raw)} bytes for {n} {datatype} values "
                            f"of shape {shape}")
        return np.frombuffer(raw, dtype=dtype).reshape(shape)
    out = np.empty(n, dtype=object)
    view, pos = memoryview(raw), 0
    try:
        for i in range(n):
            (length,) = _LENGTH.unpack_from(view, pos)
            pos += 4
            if pos + length > len(raw):
                raise struct.error("element runs past the end")
            chunk = bytes(view[pos:pos + length])
            out[i] = chunk.decode("utf-8") if text else chunk
            pos += length
    except (struct.error, UnicodeDecodeError) as exc:
        raise BadTensor(f"input {name!r}: bad BYTES data ({exc})") from None
    if pos != len(raw):
        raise BadTensor(f"input {name!r}: {len(raw) - pos} bytes left after {n} BYTES elements")
    return out.reshape(shape)


def _element_bytes(v: Any) -> bytes:
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode("utf-8")
    return str(v).encode("utf-8")


def to_bytes(arr: np.ndarray, datatype: str) -> bytes:
    """A result array as raw little-endian bytes."""
    if datatype != "BYTES":
        return np.ascontiguousarray(arr, dtype=DTYPES[datatype]).tobytes()
    parts = []
    for v in arr.reshape(-1):
        b = _element_bytes(v)
        parts.append(_LENGTH.pack(len(b)))
        parts.append(b)
    return b"".join(parts)


def to_list(arr: np.ndarray, datatype: str) -> Any:
    """A result array as JSON `data`: flat; numbers stay a numpy array (orjson writes it)."""
    if datatype != "BYTES":
        return np.ascontiguousarray(arr, dtype=DTYPES[datatype]).reshape(-1)
    return [
        v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        for v in arr.reshape(-1)
    ]


def is_text(arr: np.ndarray) -> bool:
    """True when a BYTES result holds `str` (sent with content_type `str`)."""
    if arr.dtype.kind == "U":
        return True
    if arr.dtype.kind != "O" or arr.size == 0:
        return False
    return isinstance(arr.reshape(-1)[0], str)
