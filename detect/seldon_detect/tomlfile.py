"""TOML files: read with the standard library (tomli before 3.11), write with a small writer.

Standard library only, so one copy serves the buildpacks (vendored with this
package), the platform's lifecycle in the build image and the launcher in
every image.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import sys
from pathlib import Path
from typing import Any, Mapping

if sys.version_info >= (3, 11):
    import tomllib as _toml
else:  # pragma: no cover - exercised on the older interpreters only
    import tomli as _toml

TOMLDecodeError = _toml.TOMLDecodeError
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
#: the escapes TOML basic strings have a short form for
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
                  "\f": "\\f", "\r": "\\r"}


def loads(text: str) -> dict[str, Any]:
    return _toml.loads(text)


def load_path(path: Path) -> dict[str, Any]:
    """Parse a TOML file that must exist."""
    return _toml.loads(Path(path).read_text(encoding="utf-8"))


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
    """TOML for a mapping of str keys to str/int/float/bool/date/list/mapping values.

    Scalars come before sub-tables, mappings become `[a.b]`, lists of mappings
    `[[a]]`; keys with a None value are left out.
    """
    lines: list[str] = []
    _table(lines, [], data)
    return "\n".join(lines).lstrip("\n") + ("\n" if lines else "")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _string(key)


def _string(value: str) -> str:
    """A basic string: `"`, `\\` and the control characters (U+0000-U+001F, U+007F) escaped."""
    out = []
    for ch in value:
        code = ord(ch)
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"TOML strings hold Unicode scalar values only, not {ch!r}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and all(_is_table(v) for v in value)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))  # TOML's forms: 1.5, 1e-05, inf, -inf, nan
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
