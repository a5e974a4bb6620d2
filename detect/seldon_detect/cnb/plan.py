"""The build plan: what detect writes, and the buildpack plan that build reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seldon_detect import tomlfile
from seldon_detect.tomlfile import dumps


@dataclass
class Requirement:
    name: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.metadata:
            out["metadata"] = self.metadata
        return out


@dataclass
class PlanOption:
    provides: list[str] = field(default_factory=list)
    requires: list[Requirement] = field(default_factory=list)

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.provides:
            out["provides"] = [{"name": n} for n in self.provides]
        if self.requires:
            out["requires"] = [r.to_toml() for r in self.requires]
        return out


def write_plan(path: Path, first: PlanOption, *alternatives: PlanOption) -> None:
    """Write the detect output: `first` is tried before each `[[or]]` alternative."""
    data = first.to_toml()
    if alternatives:
        data["or"] = [alt.to_toml() for alt in alternatives]
    path.write_text(dumps(data) if data else "", encoding="utf-8")


@dataclass
class PlanEntry:
    name: str
    metadata: dict[str, Any]


def read_buildpack_plan(path: Path) -> list[PlanEntry]:
    """Entries of `$CNB_BP_PLAN_PATH` in requirer order (duplicates kept; see `merged`)."""
    if not path.is_file():
        return []
    data = tomlfile.load_path(path)
    return [PlanEntry(e["name"], dict(e.get("metadata") or {})) for e in data.get("entries", [])]


def merged(entries: list[PlanEntry], name: str) -> dict[str, Any]:
    """Merge the metadata of every entry called `name`: later requirers add keys, flags are ORed."""
    out: dict[str, Any] = {}
    for entry in entries:
        if entry.name != name:
            continue
        for key, value in entry.metadata.items():
            if isinstance(value, bool) and isinstance(out.get(key), bool):
                out[key] = out[key] or value
            else:
                out[key] = value
    return out
