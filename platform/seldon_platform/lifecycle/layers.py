"""A buildpack's layers: `<layer>.toml` types and metadata next to `<layer>/`."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seldon_detect import tomlfile

from .api import EXIT_BUILD_OTHER, PhaseError

#: files in a buildpack's layers dir that are not layers
RESERVED = ("launch", "build", "store")
SBOM_EXTENSIONS = {
    "cdx.json": "application/vnd.cyclonedx+json",
    "spdx.json": "application/spdx+json",
    "syft.json": "application/vnd.syft+json",
}


@dataclass
class Layer:
    name: str
    path: Path
    launch: bool = False
    build: bool = False
    cache: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def toml_path(self) -> Path:
        return self.path.with_name(self.name + ".toml")

    @property
    def has_contents(self) -> bool:
        return self.path.is_dir()

    @property
    def ignored(self) -> bool:
        return not (self.launch or self.build or self.cache)

    def types(self) -> dict[str, bool]:
        return {"launch": self.launch, "build": self.build, "cache": self.cache}


def read_layers(bp_dir: Path) -> list[Layer]:
    """The layers a buildpack declared, sorted by name; validates each `<layer>.toml`."""
    layers = []
    for toml_path in sorted(bp_dir.glob("*.toml")):
        name = toml_path.name[: -len(".toml")]
        if name in RESERVED or toml_path.name.startswith("."):
            continue
        layers.append(read_layer(bp_dir, name))
    return layers


def read_layer(bp_dir: Path, name: str) -> Layer:
    toml_path = bp_dir / f"{name}.toml"
    try:
        data = tomlfile.read(toml_path)
    except tomlfile.TOMLDecodeError as err:
        raise PhaseError(EXIT_BUILD_OTHER, f"{toml_path}: invalid TOML: {err}") from err
    misplaced = [k for k in ("launch", "build", "cache") if k in data]
    if misplaced:
        raise PhaseError(
            EXIT_BUILD_OTHER,
            f"{toml_path}: {', '.join(misplaced)} should be in the [types] table",
        )
    types = data.get("types") or {}
    return Layer(
        name=name,
        path=bp_dir / name,
        launch=bool(types.get("launch", False)),
        build=bool(types.get("build", False)),
        cache=bool(types.get("cache", False)),
        metadata=dict(data.get("metadata") or {}),
    )


def set_aside_ignored(bp_dir: Path, layers: list[Layer]) -> list[Layer]:
    """Rename layers with no type to `<layer>.ignore` (scratch space); return the others."""
    kept = []
    for layer in layers:
        if layer.ignored:
            target = bp_dir / f"{layer.name}.ignore"
            if target.exists():
                shutil.rmtree(target)
            if layer.has_contents:
                layer.path.rename(target)
        else:
            kept.append(layer)
    return kept


def write_metadata_only(bp_dir: Path, name: str, metadata: dict[str, Any]) -> None:
    """A restored layer: `[metadata]` only, so the buildpack must declare types again."""
    tomlfile.write(bp_dir / f"{name}.toml", {"metadata": metadata} if metadata else {})


def sbom_files(bp_dir: Path, prefix: str) -> list[tuple[Path, str]]:
    """`<prefix>.sbom.<ext>` files with their extension."""
    out = []
    for path in sorted(bp_dir.glob(f"{prefix}.sbom.*")):
        ext = path.name[len(prefix) + len(".sbom.") :]
        out.append((path, ext))
    return out
