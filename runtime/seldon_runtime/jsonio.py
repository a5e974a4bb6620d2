"""JSON encoding and decoding on the hot path.

orjson is several times faster than the standard library and writes numpy
arrays without a `tolist()` round trip; the standard library is the fallback
when orjson is not installed. Output matches seldon-core's Flask `jsonify`:
compact, keys sorted, one trailing newline.
"""

from __future__ import annotations

import json
from typing import Any


def _default(obj: Any) -> Any:
    # numpy scalars and arrays orjson cannot write natively (non-contiguous,
    # object or string dtypes) and anything else with a `tolist`.
    tolist = getattr(obj, "tolist", None)
    if tolist is not None:
        return tolist()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _std_dumps(obj: Any) -> bytes:
    return (
        json.dumps(obj, default=_default, sort_keys=True, separators=(",", ":"), allow_nan=True)
        + "\n"
    ).encode()


try:
    import orjson

    _OPTIONS = (
        orjson.OPT_SORT_KEYS
        | orjson.OPT_SERIALIZE_NUMPY
        | orjson.OPT_APPEND_NEWLINE
        | orjson.OPT_NON_STR_KEYS
    )

    def dumps(obj: Any) -> bytes:
        try:
            return orjson.dumps(obj, default=_default, option=_OPTIONS)
        except TypeError:
            # integers beyond 64 bits, mixed-type keys: rare, let stdlib try.
            return _std_dumps(obj)

    def loads(data: bytes | str) -> Any:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            # NaN/Infinity tokens and integers beyond 64 bits are accepted by
            # the standard library (and by seldon-core), so retry there.
            return json.loads(data)

    BACKEND = "orjson"
except ImportError:  # pragma: no cover - exercised only without orjson
    dumps = _std_dumps
    loads = json.loads
    BACKEND = "json"
