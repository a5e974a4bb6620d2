"""`google.protobuf.Value` / `ListValue` <-> plain Python, without json_format.

json_format goes through a JSON-shaped intermediate and per-field reflection;
these walk the message once. Numbers come out as floats, as protobuf's JSON
mapping gives them (seldon-core's gRPC side behaves the same).
"""

from __future__ import annotations

from typing import Any


def to_python(value: Any) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        return value.number_value
    if kind == "string_value":
        return value.string_value
    if kind == "list_value":
        return [to_python(v) for v in value.list_value.values]
    if kind == "struct_value":
        return {k: to_python(v) for k, v in value.struct_value.fields.items()}
    if kind == "bool_value":
        return value.bool_value
    return None


def list_to_python(list_value: Any) -> list:
    return [to_python(v) for v in list_value.values]


def set_value(value: Any, obj: Any) -> None:
    """Fill a `Value` message from a JSON-like Python object (numpy allowed)."""
    if isinstance(obj, str):
        value.string_value = obj
    elif isinstance(obj, bool):
        value.bool_value = obj
    elif isinstance(obj, (int, float)):
        value.number_value = obj
    elif isinstance(obj, (list, tuple)):
        fill_list(value.list_value, obj)
    elif isinstance(obj, dict):
        struct = value.struct_value
        struct.SetInParent()
        fields = struct.fields
        for k, v in obj.items():
            set_value(fields[str(k)], v)
    elif obj is None:
        value.null_value = 0
    elif hasattr(obj, "tolist"):  # numpy arrays and scalars
        set_value(value, obj.tolist())
    else:
        raise TypeError(f"cannot represent {type(obj).__name__} as a protobuf Value")


def fill_list(list_value: Any, items: Any) -> None:
    list_value.SetInParent()
    values = list_value.values
    for item in items:
        # Numbers are the common case in ndarray payloads: skip the dispatch.
        if type(item) is float or type(item) is int:
            values.add().number_value = item
        else:
            set_value(values.add(), item)
