"""TensorFlow `TensorProto` in its protobuf-JSON form <-> numpy, without TensorFlow.

seldon-core needed TensorFlow installed for `tftensor` payloads; the JSON form
is simple enough to read and write directly.
"""

from __future__ import annotations

import base64

import numpy as np

from ..errors import SeldonMicroserviceException

# dtype name -> (numpy dtype, JSON field holding the values)
_DTYPES = {
    "DT_FLOAT": (np.float32, "floatVal"),
    "DT_DOUBLE": (np.float64, "doubleVal"),
    "DT_INT32": (np.int32, "intVal"),
    "DT_UINT8": (np.uint8, "intVal"),
    "DT_INT16": (np.int16, "intVal"),
    "DT_INT8": (np.int8, "intVal"),
    "DT_UINT16": (np.uint16, "intVal"),
    "DT_STRING": (np.object_, "stringVal"),
    "DT_INT64": (np.int64, "int64Val"),
    "DT_BOOL": (np.bool_, "boolVal"),
    "DT_HALF": (np.float16, "halfVal"),
    "DT_UINT32": (np.uint32, "uint32Val"),
    "DT_UINT64": (np.uint64, "uint64Val"),
}
_NAMES = {np.dtype(dt): name for name, (dt, _) in _DTYPES.items() if dt is not np.object_}


def _bad(msg: str) -> SeldonMicroserviceException:
    return SeldonMicroserviceException(f"Invalid tftensor: {msg}")


def decode(tensor: dict) -> np.ndarray:
    if not isinstance(tensor, dict):
        raise _bad("expected an object")
    name = tensor.get("dtype", "DT_INVALID")
    if name not in _DTYPES:
        raise _bad(f"unsupported dtype {name!r}")
    dtype, field = _DTYPES[name]
    try:
        dims = tensor.get("tensorShape", {}).get("dim", [])
        shape = [int(d.get("size", 0)) for d in dims]
    except (AttributeError, TypeError, ValueError) as exc:
        raise _bad(f"bad tensorShape ({exc})") from None
    size = int(np.prod(shape)) if shape else 1
    content = tensor.get("tensorContent")
    try:
        if content and dtype is not np.object_:
            flat = np.frombuffer(base64.b64decode(content), dtype=np.dtype(dtype).newbyteorder("<"))
        elif dtype is np.object_:
            flat = np.array([base64.b64decode(v) for v in tensor.get(field, [])], dtype=object)
        elif name == "DT_HALF":
            bits = np.array(tensor.get(field, []), dtype=np.uint16)
            flat = bits.view(np.float16)
        else:
            flat = np.array([_number(v, dtype) for v in tensor.get(field, [])], dtype=dtype)
        if flat.size == 0 and size:
            flat = np.zeros(size, dtype=dtype)
        elif 0 < flat.size < size:
            # TensorProto repeats the last value to fill the shape.
            flat = np.concatenate([flat, np.repeat(flat[-1:], size - flat.size)])
        return flat.reshape(shape).astype(np.dtype(dtype).newbyteorder("="), copy=False)
    except (ValueError, TypeError) as exc:
        raise _bad(str(exc)) from None


def _number(value, dtype):
    # int64/uint64 values are JSON strings in protobuf's JSON mapping.
    return int(value) if isinstance(value, str) and dtype is not np.bool_ else value


def encode(arr: np.ndarray) -> dict:
    name = _NAMES.get(arr.dtype)
    if name is None:
        raise SeldonMicroserviceException(f"Cannot encode dtype {arr.dtype} as a tftensor", 500)
    out: dict = {"dtype": name}
    if arr.ndim:
        out["tensorShape"] = {"dim": [{"size": str(d)} for d in arr.shape]}
    else:
        out["tensorShape"] = {}
    data = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
    if data:
        out["tensorContent"] = base64.b64encode(data).decode()
    return out
