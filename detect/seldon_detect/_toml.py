"""TOML reading that works on every Python the buildpacks run on (3.9+)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib as _toml
else:  # pragma: no cover - exercised on the older interpreters only
    import tomli as _toml

TOMLDecodeError = _toml.TOMLDecodeError


def loads(text: str) -> dict[str, Any]:
    return _toml.loads(text)


def load_path(path: Path) -> dict[str, Any]:
    return _toml.loads(path.read_text(encoding="utf-8"))
