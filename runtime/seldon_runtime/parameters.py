"""`PREDICTIVE_UNIT_PARAMETERS` / `--parameters`: typed constructor arguments.

A JSON list of `{"name", "value", "type"}` with seldon-core's types INT, FLOAT,
DOUBLE, STRING and BOOL, plus JSON (the value is decoded as JSON). Every
failure names the parameter instead of ending in a traceback.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from .startup import BadParameter, BadParameters

_TRUE = frozenset(("y", "yes", "t", "true", "on", "1"))
_FALSE = frozenset(("n", "no", "f", "false", "off", "0"))


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not a boolean (use true/false, yes/no, on/off, 1/0)")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "INT": int,
    "FLOAT": float,
    "DOUBLE": float,
    "STRING": str,
    "BOOL": parse_bool,
    "JSON": _json,
}
TYPES = tuple(_CONVERT)

def parse(text: str) -> dict[str, Any]:
    """The keyword arguments for the model class; raises BadParameters or BadParameter."""
    try:
        items = json.loads(text or "[]")
    except ValueError as exc:
        raise BadParameters(f"PREDICTIVE_UNIT_PARAMETERS is not valid JSON: {exc}") from None
    if not isinstance(items, list):
        raise BadParameters("PREDICTIVE_UNIT_PARAMETERS must be a JSON list")
    out: dict[str, Any] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise BadParameter(f'entry {index} needs a string "name": {item!r}')
        name = item["name"]
        kind = item.get("type")
        if "value" not in item:
            raise BadParameter(f"parameter {name!r} has no value")
        if kind not in _CONVERT:
            raise BadParameter(
                f"parameter {name!r} has type {kind!r}; valid types are {', '.join(TYPES)}")
        value = item["value"]
        try:
            out[name] = _CONVERT[kind](value)
        except (ValueError, TypeError) as exc:
            raise BadParameter(
                f"parameter {name!r} with value {value!r} can't be parsed as {kind}: {exc}"
            ) from None
    return out
