"""Layers: directories under `$CNB_LAYERS_DIR` with a `<name>.toml` of `[types]` and `[metadata]`.

The lifecycle restores only `[metadata]` (never `[types]`), so every build
must write the types again; `Layer.commit()` always does. Reuse is decided by
comparing the restored metadata with the metadata a fresh build would write.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seldon_detect import tomlfile
from seldon_detect.tomlfile import dumps

_FORBIDDEN = {"build", "launch", "store"}


@dataclass
class Layer:
    name: str
    path: Path
    launch: bool = False
    build: bool = False
    cache: bool = False
    #: metadata restored from the previous build (empty when nothing was restored)
    previous: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def toml_path(self) -> Path:
        return self.path.with_name(self.name + ".toml")

    def changes(self, wanted: dict[str, Any], recorded: tuple[str, ...] = ()) -> list[str]:
        """Why the restored layer cannot be reused for `wanted` (empty list: reusable).

        Keys in `recorded` describe what the layer holds rather than what made it, and
        are not compared."""
        if not self.previous:
            return ["no previous layer"]
        if not self.path.is_dir():
            return ["layer contents were not restored"]
        reasons = []
        for key in sorted((set(wanted) | set(self.previous)) - set(recorded)):
            if wanted.get(key) != self.previous.get(key):
                reasons.append(f"{key} changed")
        return reasons

    def reset(self) -> Layer:
        """Empty the layer directory and forget restored metadata."""
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)
        self.previous = {}
        return self

    def keep(self) -> None:
        """Carry a restored layer into this build unchanged (its types must be declared again,
        or the lifecycle drops it); nothing happens when nothing was restored."""
        if self.previous and self.path.is_dir():
            self.commit(self.previous)

    def commit(self, metadata: dict[str, Any] | None = None) -> None:
        """Write `<name>.toml` atomically with `[types]` and `[metadata]`."""
        if metadata is not None:
            self.metadata = metadata
        data = {
            "types": {"launch": self.launch, "build": self.build, "cache": self.cache},
            "metadata": self.metadata,
        }
        _atomic_write(self.toml_path, dumps(data))

    # env files: exact bytes, never a trailing newline

    def _env_dir(self, scope: str, process: str | None) -> Path:
        base = {"all": "env", "build": "env.build", "launch": "env.launch"}[scope]
        path = self.path / base / process if process else self.path / base
        path.mkdir(parents=True, exist_ok=True)
        return path

    def default_env(self, name: str, value: str, scope: str = "launch",
                    process: str | None = None) -> None:
        (self._env_dir(scope, process) / f"{name}.default").write_bytes(value.encode())

    def override_env(self, name: str, value: str, scope: str = "all",
                     process: str | None = None) -> None:
        (self._env_dir(scope, process) / f"{name}.override").write_bytes(value.encode())

    def prepend_path(self, name: str, value: str, scope: str = "all", delim: str = os.pathsep,
                     process: str | None = None) -> None:
        d = self._env_dir(scope, process)
        (d / f"{name}.prepend").write_bytes(value.encode())
        (d / f"{name}.delim").write_bytes(delim.encode())


class Layers:
    """The buildpack's own `$CNB_LAYERS_DIR`."""

    def __init__(self, path: Path):
        self.path = path

    def get(self, name: str, *, launch: bool = False, build: bool = False,
            cache: bool = False) -> Layer:
        if name in _FORBIDDEN or "." in name or "/" in name or not name:
            raise ValueError(f"invalid layer name {name!r}")
        layer = Layer(name, self.path / name, launch, build, cache)
        if layer.toml_path.is_file():
            layer.previous = dict(tomlfile.load_path(layer.toml_path).get("metadata") or {})
        return layer

    def write_toml(self, filename: str, data: dict[str, Any]) -> None:
        _atomic_write(self.path / filename, dumps(data))


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
