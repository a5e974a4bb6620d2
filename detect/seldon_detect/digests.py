"""Digests of input files and settings: the keys that decide whether work can be reused.

One format everywhere: for each file, in name order, its name (relative to a
base directory), a NUL, its bytes and a NUL; then the settings as sorted JSON.
The stack images carry this digest of their inputs as a label, so the format
must not change (a test pins a value): a change would rebuild every stack image.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable, Mapping

_CHUNK = 1 << 20


def digest_files(
    paths: Iterable[Path], base: Path, settings: Mapping[str, Any] | None = None
) -> str:
    """sha256 hex digest of the files (named relative to `base`) and the settings.

    A file outside `base` is named by its whole path. Settings must be JSON values.
    """
    return digest_named(((_name(path, base), path) for path in paths), settings)


def digest_named(
    items: Iterable[tuple[str, Path]], settings: Mapping[str, Any] | None = None
) -> str:
    """The same digest, with each file's name given by the caller (name, path)."""
    h = hashlib.sha256()
    for name, path in sorted(items):
        h.update(name.encode() + b"\0")
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                h.update(chunk)
        h.update(b"\0")
    h.update(json.dumps(dict(settings or {}), sort_keys=True).encode())
    return h.hexdigest()


def digest_dir(path: Path) -> str:
    """The digest of the files directly in `path` (not in its sub-directories)."""
    return digest_files([p for p in path.iterdir() if p.is_file()], path)


def _name(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)
