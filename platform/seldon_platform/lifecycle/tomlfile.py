"""Read TOML with the standard library and write it with a small serializer.

Python 3.11 reads TOML (`tomllib`) but cannot write it; the lifecycle writes
group/plan/metadata/layer files, so this module holds the one writer.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from pathlib import Path
from typing import Any, Mapping

try:
    import tomllib as _toml
except ImportError:  # Python < 3.11 on the host
    import tomli as _toml  # type: ignore[no-redef]

TOMLDecodeError = _toml.TOMLDecodeError
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def loads(text: str) -> dict[str, Any]:
    return _toml.loads(text)


def read(path: str | os.PathLike) -> dict[str, Any]:
    """Parse a TOML file; a missing file reads as an empty table."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return {}
    return _toml.loads(data.decode("utf-8"))


def write(path: str | os.PathLike, data: Mapping[str, Any]) -> None:
    """Write `data` as TOML atomically (a reader never sees half a file)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dumps(data), encoding="utf-8")
    os.replace(tmp, path)


def dumps(data: Mapping[str, Any]) -> str:
    """Serialize a mapping of str keys to str/int/float/bool/list/dict values."""
    lines: list[str] = []
    _table(lines, [], data)
    return "\n".join(lines).lstrip("\n") + ("\n" if lines else "")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _string(value: str) -> str:
    # JSON string escapes are a subset of TOML basic-string escapes, except
    # that TOML has no \/ (json.dumps never emits it) and needs \u for DEL.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(_is_table(v) for v in value)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if _is_table(value):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _table(lines: list[str], path: list[str], data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        if value is None or _is_table(value) or _is_table_array(value):
            continue
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in data.items():
        name = ".".join(_key(k) for k in [*path, key])
        if _is_table(value):
            lines += ["", f"[{name}]"]
            _table(lines, [*path, key], value)
        elif _is_table_array(value):
            for item in value:
                lines += ["", f"[[{name}]]"]
                _table(lines, [*path, key], item)
