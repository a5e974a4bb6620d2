"""Model metadata: `init_metadata()` merged with `MODEL_METADATA`, defaults, validation.

The checks are seldon-core's JSON schema written out by hand, so no
jsonschema dependency is needed.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Callable

log = logging.getLogger(__name__)

_V1_ARRAY_TYPES = ("tensor", "ndarray", "tftensor")
_V2_DATATYPES = frozenset(
    "BOOL UINT8 UINT16 UINT32 UINT64 INT8 INT16 INT32 INT64 FP16 FP32 FP64 BYTES".split()
)


class InvalidMetadata(ValueError):
    pass


def _parse_env(text: str) -> dict:
    try:
        import yaml  # seldon-core read MODEL_METADATA as YAML; JSON is a subset

        value = yaml.safe_load(text)
    except ImportError:
        value = json.loads(text)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("MODEL_METADATA is not a mapping")
    return value


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _int_list(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    )


def _io_item_ok(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    if "messagetype" in item:
        kind = item["messagetype"]
        if not isinstance(kind, str) or set(item) - {"messagetype", "schema"}:
            return False
        schema = item.get("schema")
        if kind in _V1_ARRAY_TYPES:
            if schema is None:
                return True
            return (
                isinstance(schema, dict)
                and not set(schema) - {"names", "shape"}
                and ("names" not in schema or _str_list(schema["names"]))
                and ("shape" not in schema or _int_list(schema["shape"]))
            )
        if kind in ("strData", "binData"):
            return schema is None
        return schema is None or isinstance(schema, dict)
    # v2 tensor description
    return (
        not set(item) - {"name", "datatype", "shape"}
        and isinstance(item.get("name", ""), str)
        and item.get("datatype", "BOOL") in _V2_DATATYPES
        and _int_list(item.get("shape", []))
    )


def validate(meta: dict) -> None:
    allowed = {"name", "versions", "platform", "inputs", "outputs", "custom"}
    extra = set(meta) - allowed
    if extra:
        raise InvalidMetadata(f"unknown keys {sorted(extra)}")
    if not isinstance(meta["name"], str) or not isinstance(meta["platform"], str):
        raise InvalidMetadata("name and platform must be strings")
    if not _str_list(meta["versions"]):
        raise InvalidMetadata("versions must be a list of strings")
    for key in ("inputs", "outputs"):
        items = meta[key]
        if not isinstance(items, list) or not all(_io_item_ok(i) for i in items):
            raise InvalidMetadata(f"invalid {key}")
    custom = meta["custom"]
    if not isinstance(custom, dict) or not all(isinstance(v, str) for v in custom.values()):
        raise InvalidMetadata("custom must map strings to strings")


def build(init_metadata: Callable[[], Any] | None, env: dict | None = None) -> dict:
    """The validated metadata dict; raises InvalidMetadata."""
    env = os.environ if env is None else env
    meta: dict = {}
    if init_metadata is not None:
        user = init_metadata()
        if isinstance(user, dict):
            meta.update(user)
        else:
            log.error("init_metadata() returned %r, not a dict: ignored", type(user).__name__)
    text = env.get("MODEL_METADATA")
    if text:
        try:
            meta.update(_parse_env(text))
        except Exception as exc:  # noqa: BLE001 - any parse failure is only logged
            log.error("MODEL_METADATA could not be parsed (%s): ignored", exc)
    image = env.get("PREDICTIVE_UNIT_IMAGE", "")
    name, _, version = image.rpartition(":")
    meta.setdefault("name", name)
    meta.setdefault("versions", [version])
    meta.setdefault("platform", "")
    meta.setdefault("inputs", [])
    meta.setdefault("outputs", [])
    meta.setdefault("custom", {})
    validate(meta)
    return meta
