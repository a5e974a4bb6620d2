"""SeldonMessage payloads (JSON form) <-> the values handed to user methods.

Decoding follows seldon-core's precedence (`data` > `jsonData` > `strData` >
`binData`) and its numpy conversions; encoding picks the response field from
the type the user returned and mirrors the request's data kind (§2.4 of the
protocol reference). Lists returned for an `ndarray` request are written as
they are, without a numpy round trip.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Callable

import numpy as np

from ..errors import SeldonMicroserviceException
from . import tftensor

# Mirror modes: the request's data kind, or NO_DATA for strData/binData/jsonData
# requests (numeric results then become a `tensor`).
TENSOR, NDARRAY, TFTENSOR, NO_DATA = "tensor", "ndarray", "tftensor", "none"

_NUMERIC_KINDS = frozenset("iufc")
_EMPTY = np.array([])


def invalid_request(request: Any) -> SeldonMicroserviceException:
    return SeldonMicroserviceException(f"Invalid request data type: {request}")


def decode_data(data: Any) -> tuple[Any, list, str]:
    """(features, names, mirror mode) of a DefaultData object."""
    if not isinstance(data, dict):
        raise SeldonMicroserviceException(f"Invalid data: expected an object, got {data!r}")
    names = data.get("names") or []
    if "tensor" in data:
        tensor = data["tensor"]
        try:
            values = tensor["values"]
            shape = tensor["shape"]
        except (KeyError, TypeError) as exc:
            raise SeldonMicroserviceException(f"Invalid tensor: missing {exc}") from None
        try:
            return np.array(values).reshape(shape), names, TENSOR
        except (ValueError, TypeError) as exc:
            raise SeldonMicroserviceException(f"Invalid tensor: {exc}") from None
    if "ndarray" in data:
        try:
            return np.array(data["ndarray"]), names, NDARRAY
        except (ValueError, TypeError) as exc:
            raise SeldonMicroserviceException(f"Invalid ndarray: {exc}") from None
    if "tftensor" in data:
        return tftensor.decode(data["tftensor"]), names, TFTENSOR
    return _EMPTY, names, NDARRAY


def decode_message(msg: Any) -> tuple[Any, list, str]:
    """(features, names, mirror mode) of a SeldonMessage in JSON form."""
    if not isinstance(msg, dict):
        raise invalid_request(msg)
    if "data" in msg:
        return decode_data(msg["data"])
    if "jsonData" in msg:
        return msg["jsonData"], [], NO_DATA
    if "strData" in msg:
        return msg["strData"], [], NO_DATA
    if "binData" in msg:
        try:
            return base64.b64decode(msg["binData"], validate=True), [], NO_DATA
        except (binascii.Error, TypeError, ValueError) as exc:
            raise SeldonMicroserviceException(f"Invalid binData: {exc}") from None
    custom = msg.get("customData")
    if custom is not None and _is_any(custom):  # gRPC: the user gets the Any message
        return custom, [], NO_DATA
    raise invalid_request(msg)


def _is_any(value: Any) -> bool:
    return getattr(getattr(value, "DESCRIPTOR", None), "full_name", "") == "google.protobuf.Any"


NamesFor = Callable[[int], list]


def encode_array(arr: np.ndarray, mirror: str, names_for: NamesFor) -> dict:
    names = names_for(arr.shape[1]) if arr.ndim > 1 else []
    if arr.dtype.kind in _NUMERIC_KINDS:
        if mirror == TENSOR or mirror == NO_DATA:
            return {"names": names, "tensor": {"shape": list(arr.shape), "values": arr.ravel()}}
        if mirror == TFTENSOR:
            return {"names": names, "tftensor": tftensor.encode(arr)}
    return {"names": names, "ndarray": arr}


def encode_payload(result: Any, mirror: str, names_for: NamesFor) -> tuple[str, Any]:
    """(response field, value) for what a user method returned."""
    if isinstance(result, np.ndarray):
        return "data", encode_array(result, mirror, names_for)
    if isinstance(result, list):
        if mirror == NDARRAY:
            # Same field numpy would choose; skip the conversion round trip.
            first = result[0] if result else None
            if isinstance(first, (list, tuple, np.ndarray)):
                return "data", {"names": names_for(len(first)), "ndarray": result}
            return "data", {"names": [], "ndarray": result}
        try:
            arr = np.array(result)
        except ValueError:
            return "data", {"names": [], "ndarray": result}
        return "data", encode_array(arr, mirror, names_for)
    if isinstance(result, dict):
        return "jsonData", result
    if isinstance(result, (bytes, bytearray)):
        return "binData", base64.b64encode(result).decode()
    if isinstance(result, str):
        return "strData", result
    if _is_any(result):
        return "customData", result
    raise SeldonMicroserviceException(
        f"Unknown data type returned as payload (must be list or np array):{result}"
    )
