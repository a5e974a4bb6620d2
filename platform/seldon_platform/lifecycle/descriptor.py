"""Buildpack descriptors (`buildpack.toml`) and order files, read from a store.

The store is laid out as the reference lifecycle expects:
`<buildpacks>/<escaped-id>/<version>/buildpack.toml`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id

from .api import BUILDPACK_APIS, EXIT_BUILDPACK_API, PhaseError


@dataclass(frozen=True)
class GroupEntry:
    """One member of an order group."""

    id: str
    version: str = ""
    optional: bool = False

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.version:
            out["version"] = self.version
        if self.optional:
            out["optional"] = True
        return out


Order = list[list[GroupEntry]]


@dataclass(frozen=True)
class Target:
    """One `[[targets]]` entry; an empty field matches anything (upstream's rule)."""

    os: str = ""
    arch: str = ""
    #: upstream reads `arch-variant`; the spec's `variant` is not read by it either
    arch_variant: str = ""
    distros: tuple[tuple[str, str], ...] = ()

    def fits(self, base: Mapping[str, str]) -> bool:
        """Does the run image (`CNB_TARGET_*` values) satisfy this target?"""
        if not (_same(base.get("CNB_TARGET_OS", ""), self.os)
                and _same(base.get("CNB_TARGET_ARCH", ""), self.arch)
                and _same(base.get("CNB_TARGET_ARCH_VARIANT", ""), self.arch_variant)):
            return False
        name, version = base.get("CNB_TARGET_DISTRO_NAME"), base.get("CNB_TARGET_DISTRO_VERSION")
        if not self.distros:
            return True
        return name is not None and any(
            _same(name, n) and _same(version or "", v) for n, v in self.distros)

    def to_json(self) -> dict[str, Any]:
        return {"os": self.os, "arch": self.arch, "arch-variant": self.arch_variant,
                "distros": [{"name": n, "version": v} for n, v in self.distros]}


def _same(a: str, b: str) -> bool:
    return not a or not b or a == b


def parse_targets(data: Mapping[str, Any], path: Path) -> tuple[Target, ...]:
    """`[[targets]]`, else what upstream infers: `[[stacks]] id = "*"` matches anything,
    and a buildpack with `bin/build` runs on linux."""
    targets = tuple(
        Target(str(t.get("os", "")), str(t.get("arch", "")), str(t.get("arch-variant", "")),
               tuple((str(d.get("name", "")), str(d.get("version", "")))
                     for d in t.get("distros", [])))
        for t in data.get("targets", []))
    if not targets and any(s.get("id") == "*" for s in data.get("stacks", [])):
        targets = (Target(),)
    if not targets and (path / "bin" / "build").exists():
        targets = (Target(os="linux"),)
    return targets


@dataclass
class Buildpack:
    id: str
    version: str
    api: str
    path: Path
    homepage: str = ""
    clear_env: bool = False
    sbom_formats: tuple[str, ...] = ()
    #: set for composite (order) buildpacks, which have no bin/ of their own
    order: Order = field(default_factory=list)
    targets: tuple[Target, ...] = ()

    def fits(self, base: Mapping[str, str]) -> bool:
        return not self.targets or any(t.fits(base) for t in self.targets)

    def info(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "version": self.version, "api": self.api}
        if self.homepage:
            out["homepage"] = self.homepage
        return out


def parse_order(data: Any) -> Order:
    """`[[order]]` / `[[order.group]]` tables as lists of `GroupEntry`."""
    groups: Order = []
    for group in data or []:
        groups.append(
            [
                GroupEntry(str(e["id"]), str(e.get("version", "")), bool(e.get("optional", False)))
                for e in group.get("group", [])
            ]
        )
    return groups


class Store:
    """Looks buildpacks up by id (and version) in a buildpacks directory."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._cache: dict[tuple[str, str], Buildpack] = {}

    def lookup(self, entry: GroupEntry) -> Buildpack:
        key = (entry.id, entry.version)
        if key not in self._cache:
            self._cache[key] = self._load(entry)
        return self._cache[key]

    def _load(self, entry: GroupEntry) -> Buildpack:
        base = self.root / escape_id(entry.id)
        if entry.version:
            path = base / entry.version
        else:
            versions = sorted(p for p in base.glob("*") if (p / "buildpack.toml").is_file())
            if len(versions) != 1:
                raise PhaseError(
                    1,
                    f"buildpack {entry.id}: found {len(versions)} versions in {base}; "
                    "the order must name a version",
                )
            path = versions[0]
        if not (path / "buildpack.toml").is_file():
            raise PhaseError(1, f"buildpack {entry.id}@{entry.version} not found in {self.root}")
        return load_descriptor(path)


def load_descriptor(path: Path) -> Buildpack:
    try:
        data = tomlfile.read(path / "buildpack.toml")
    except tomlfile.TOMLDecodeError as err:
        raise PhaseError(1, f"{path}/buildpack.toml is not valid TOML: {err}") from err
    info = data.get("buildpack") or {}
    api = str(data.get("api", ""))
    if api not in BUILDPACK_APIS:
        raise PhaseError(
            EXIT_BUILDPACK_API,
            f"buildpack {info.get('id')} declares api {api!r}; "
            f"supported: {', '.join(BUILDPACK_APIS)}",
        )
    return Buildpack(
        id=str(info.get("id", "")),
        version=str(info.get("version", "")),
        api=api,
        path=path,
        homepage=str(info.get("homepage", "")),
        clear_env=bool(info.get("clear-env", False)),
        sbom_formats=tuple(info.get("sbom-formats", ())),
        order=parse_order(data.get("order")),
        targets=parse_targets(data, path),
    )
