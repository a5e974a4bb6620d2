"""`launch.toml`: the processes and labels of the image (Buildpack API 0.9+: no shell, array
commands)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

_TYPE = re.compile(r"^[A-Za-z0-9._-]+$")


def valid_process_type(ptype: str) -> bool:
    """It names `/cnb/process/<type>` and `env.launch/<type>/`, so it must be a plain name."""
    return bool(_TYPE.match(ptype)) and ptype not in (".", "..")


@dataclass(frozen=True)
class Process:
    type: str
    #: the executable and the arguments that are always passed
    command: list[str]
    #: default arguments the user may replace (`docker run IMAGE args...`)
    args: list[str] = field(default_factory=list)
    default: bool = False
    working_dir: str | None = None

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "command": self.command, "args": self.args,
                               "default": self.default}
        if self.working_dir:
            out["working-dir"] = self.working_dir
        return out


def _strings(value: object) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)


def launch_toml(processes: Sequence[Process], labels: Mapping[str, str]) -> dict[str, Any]:
    """The `launch.toml` table; invalid process lists are a bug of the buildpack (ValueError)."""
    if sum(p.default for p in processes) > 1:
        raise ValueError("at most one process may be the default")
    for p in processes:
        if not _strings(p.command) or not p.command or not _strings(p.args):
            raise ValueError(f"process {p.type}: command (not empty) and args must be "
                             f"lists of strings: {p.command!r} {p.args!r}")
    types = [p.type for p in processes]
    if len(set(types)) != len(types) or not all(valid_process_type(t) for t in types):
        raise ValueError(f"process types must be unique and [A-Za-z0-9._-]: {types}")
    data: dict[str, Any] = {}
    if labels:
        data["labels"] = [{"key": k, "value": v} for k, v in sorted(labels.items())]
    data["processes"] = [p.to_toml() for p in processes]
    return data
