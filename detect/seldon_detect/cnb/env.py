"""A layer's environment as a value, and the env directories it becomes.

`env/` applies to build and launch, `env.build/` and `env.launch/` to one of
them, `env.launch/<process>/` to one process. Each variable is one file named
`<NAME>.<behaviour>` holding the exact bytes of the value (no newline added);
a prepend also writes `<NAME>.delim`.

The env directories are replaced whole: a file an older build left on a
restored layer does not survive. Files whose bytes and mode are unchanged
are not rewritten, so a reused layer keeps its mtimes and the exporter takes
its cached copy over (`files`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from seldon_detect.cnb.files import make_dirs, write_if_changed
from seldon_detect.cnb.launch import valid_process_type

_SCOPES = {"all": "env", "build": "env.build", "launch": "env.launch"}
_BEHAVIOURS = ("default", "override", "prepend", "append")


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str
    behaviour: str = "override"
    scope: str = "all"
    #: a launch process type, for a variable of that process only
    process: str | None = None
    #: separator for prepend/append
    delim: str | None = None

    def __post_init__(self) -> None:
        if self.scope not in _SCOPES or self.behaviour not in _BEHAVIOURS:
            raise ValueError(f"bad env variable {self}")
        # the lifecycle reads the name up to the first dot of the file name
        if not self.name or any(c in self.name for c in "./="):
            raise ValueError(f"env variable name {self.name!r} cannot be an env file name")
        if self.process is not None and not valid_process_type(self.process):
            raise ValueError(f"{self.name}: invalid process type {self.process!r}")
        if self.process and self.scope == "build":
            raise ValueError(f"{self.name}: a process variable cannot be build-only")

    def files(self) -> dict[str, bytes]:
        base = _SCOPES[self.scope]
        if self.process:
            base = f"{_SCOPES['launch'] if self.scope == 'all' else base}/{self.process}"
        out = {f"{base}/{self.name}.{self.behaviour}": self.value.encode()}
        if self.delim is not None:
            out[f"{base}/{self.name}.delim"] = self.delim.encode()
        return out


@dataclass(frozen=True)
class LayerEnv:
    """Immutable: each method returns a new value with one more variable."""

    vars: tuple[EnvVar, ...] = ()

    def default(self, name: str, value: str, scope: str = "launch",
                process: str | None = None) -> LayerEnv:
        return self._with(EnvVar(name, value, "default", scope, process))

    def override(self, name: str, value: str, scope: str = "all",
                 process: str | None = None) -> LayerEnv:
        return self._with(EnvVar(name, value, "override", scope, process))

    def prepend_path(self, name: str, value: str, scope: str = "all",
                     delim: str = os.pathsep, process: str | None = None) -> LayerEnv:
        return self._with(EnvVar(name, value, "prepend", scope, process, delim))

    def _with(self, var: EnvVar) -> LayerEnv:
        return LayerEnv(self.vars + (var,))

    def __add__(self, other: LayerEnv) -> LayerEnv:
        return LayerEnv(self.vars + other.vars)

    def names(self) -> list[str]:
        return list(dict.fromkeys(v.name for v in self.vars))

    def files(self) -> dict[str, bytes]:
        """Relative path -> bytes of every env file; a variable given twice is an error."""
        out: dict[str, bytes] = {}
        for var in self.vars:
            for rel, data in var.files().items():
                if rel in out and out[rel] != data:
                    raise ValueError(f"{rel} is given two values")
                out[rel] = data
        return out


def write_env_dirs(layer_dir: Path, env: LayerEnv) -> None:
    """Make the env directories of `layer_dir` hold exactly `env`."""
    wanted = env.files()
    for base in _SCOPES.values():
        root = layer_dir / base
        if root.is_symlink():  # never follow it: what it points at is not the layer's
            root.unlink()
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root, topdown=False):
            for name in filenames + [d for d in dirnames if os.path.islink(Path(dirpath) / d)]:
                path = Path(dirpath) / name
                if path.is_symlink() or str(path.relative_to(layer_dir)) not in wanted:
                    path.unlink()
            if not os.listdir(dirpath):
                os.rmdir(dirpath)
    for rel, data in sorted(wanted.items()):
        path = layer_dir / rel
        make_dirs(path.parent, layer_dir)
        write_if_changed(path, data)
