"""Merging buildpacks' `launch.toml` files into the image's processes, labels and slices.

Values are checked against the types upstream's lifecycle decodes them into
(strings, string arrays, a boolean `default`): what would not decode there is
an error here too, never turned into text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .api import EXIT_BUILD_OTHER, PhaseError, api_at_least

_TYPE = re.compile(r"^[A-Za-z0-9._-]+$")


@dataclass
class LaunchConfig:
    processes: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_type: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    slices: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self, bp_id: str, api: str, launch: dict[str, Any], warn: Callable[[str], None]
    ) -> None:
        """Fold one buildpack's launch.toml in; later buildpacks win."""
        defaults = [p for p in launch.get("processes", []) if p.get("default")]
        if len(defaults) > 1:
            raise PhaseError(
                EXIT_BUILD_OTHER, f"{bp_id}: launch.toml marks more than one default process"
            )
        for proc in launch.get("processes", []):
            process = _process(bp_id, api, proc)
            ptype = process["type"]
            self.processes[ptype] = process
            if proc.get("default"):
                self.default_type = ptype
            elif ptype == self.default_type:
                warn(
                    f"{bp_id} redefines process {ptype!r} without default = true: "
                    "the image has no default process now"
                )
                self.default_type = ""
        for label in launch.get("labels", []):
            key = _typed(bp_id, "labels.key", label.get("key"), str)
            self.labels[key] = _typed(bp_id, "labels.value", label.get("value", ""), str)
        self.slices += [{"paths": list(s.get("paths", []))} for s in launch.get("slices", [])]

    def to_metadata(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.default_type:
            out["buildpack-default-process-type"] = self.default_type
        out["processes"] = [self.processes[t] for t in sorted(self.processes)]
        out["labels"] = [{"key": k, "value": v} for k, v in sorted(self.labels.items())]
        out["slices"] = self.slices
        return out


def _process(bp_id: str, api: str, proc: dict[str, Any]) -> dict[str, Any]:
    ptype = proc.get("type", "")
    if not isinstance(ptype, str) or not _TYPE.match(ptype):
        raise PhaseError(EXIT_BUILD_OTHER, f"{bp_id}: invalid process type {ptype!r}")
    command = proc.get("command")
    if api_at_least(api, "0.9"):
        if "direct" in proc:
            raise PhaseError(
                EXIT_BUILD_OTHER, f"{bp_id}: process {ptype!r}: `direct` is not allowed"
            )
        if not isinstance(command, list) or not command:
            raise PhaseError(
                EXIT_BUILD_OTHER, f"{bp_id}: process {ptype!r}: command must be a non-empty array"
            )
    elif isinstance(command, str):
        command = [command] if proc.get("direct") else ["bash", "-c", command]
    what = f"processes[{ptype}]"
    _typed(bp_id, f"{what}.default", proc.get("default", False), bool)
    out: dict[str, Any] = {
        "type": ptype,
        "command": _strings(bp_id, f"{what}.command", command),
        "args": _strings(bp_id, f"{what}.args", proc.get("args", [])),
        "direct": True,
        "buildpack-id": bp_id,
    }
    working_dir = _typed(bp_id, f"{what}.working-dir", proc.get("working-dir", ""), str)
    if working_dir:
        out["working-dir"] = working_dir
    return out


def _typed(bp_id: str, key: str, value: Any, kind: type) -> Any:
    if not isinstance(value, kind):
        raise PhaseError(
            EXIT_BUILD_OTHER, f"{bp_id}: launch.toml: {key} must be a {kind.__name__}, "
            f"not {value!r}")
    return value


def _strings(bp_id: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PhaseError(
            EXIT_BUILD_OTHER, f"{bp_id}: launch.toml: {key} must be an array of strings, "
            f"not {value!r}")
    return value
