"""Environment-variable files of layers (`env/`, `env.build/`, `env.launch/`).

The file name up to the first `.` is the variable; the suffix says what to do
with the file's bytes, which are used exactly as written (no trimming). A
`.prepend`/`.append` without a `.delim` file glues values with nothing in
between, as the reference lifecycle does; `NAME.` (empty suffix) is its legacy
prepend-path, whose delimiter defaults to the path-list separator. Used by the
builder (build layers) and by the launcher (launch layers).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import MutableMapping

OPERATIONS = ("override", "default", "prepend", "append")


def apply_dir(
    env: MutableMapping[str, str], directory: str | os.PathLike, plain: str = "override"
) -> None:
    """Apply every env file of `directory` to `env`.

    `plain` is the operation of a file without a suffix: `override` for layer
    env dirs, `default` for the operator's build-config env.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return
    files = sorted(p for p in directory.iterdir() if p.is_file())
    delims = {p.name[: -len(".delim")]: _read(p) for p in files if p.name.endswith(".delim")}
    for path in files:
        name, dot, suffix = path.name.partition(".")
        if not name:
            continue
        op = suffix if dot else plain
        if dot and not suffix:
            apply_one(env, name, "prepend", _read(path), delims.get(name, os.pathsep))
        elif op in OPERATIONS:
            apply_one(env, name, op, _read(path), delims.get(name, ""))


def apply_one(
    env: MutableMapping[str, str], name: str, op: str, value: str, delim: str = ""
) -> None:
    current = env.get(name, "")
    if op == "override":
        env[name] = value
    elif op == "default":
        if not current:
            env[name] = value
    elif op == "prepend":
        env[name] = value + delim + current if current else value
    elif op == "append":
        env[name] = current + delim + value if current else value


def prepend_path(env: MutableMapping[str, str], name: str, directory: str | os.PathLike) -> None:
    """Put `directory` in front of the path-list variable `name` when it exists."""
    if Path(directory).is_dir():
        current = env.get(name, "")
        env[name] = f"{directory}{os.pathsep}{current}" if current else str(directory)


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="surrogateescape")
