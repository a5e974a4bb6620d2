"""Layers: directories under a buildpack's layers dir, each with a `<name>.toml` of
`[types]` and `[metadata]`.

One type for both sides of the contract: buildpacks read what the restorer
left (metadata only: the lifecycle never restores `[types]`, so every build
declares them again) and the platform's lifecycle reads what buildpacks wrote.
Standard library only, like `tomlfile`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from seldon_detect import tomlfile

#: names in a buildpack's layers dir that are not layers
RESERVED = ("launch", "build", "store")


class LayerTomlError(ValueError):
    """A `<layer>.toml` that is not valid TOML or puts the types outside `[types]`."""


@dataclass(frozen=True)
class LayerTypes:
    launch: bool = False
    build: bool = False
    cache: bool = False

    @property
    def ignored(self) -> bool:
        """No type at all: the lifecycle sets the layer aside (`<name>.ignore`)."""
        return not (self.launch or self.build or self.cache)

    def to_toml(self) -> dict[str, bool]:
        return {"launch": self.launch, "build": self.build, "cache": self.cache}

    @classmethod
    def from_toml(cls, table: Mapping[str, Any]) -> LayerTypes:
        return cls(**{k: bool(table.get(k, False)) for k in ("launch", "build", "cache")})


@dataclass(frozen=True)
class Layer:
    name: str
    #: `<layers dir>/<name>`; it may be absent (metadata-only layers)
    path: Path
    types: LayerTypes = LayerTypes()
    #: the `[metadata]` table as written (no schema on this side)
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @property
    def toml_path(self) -> Path:
        return self.path.with_name(self.name + ".toml")

    @property
    def has_contents(self) -> bool:
        return self.path.is_dir()


def check_name(name: str) -> str:
    if name in RESERVED or "." in name or "/" in name or not name:
        raise ValueError(f"invalid layer name {name!r}")
    return name


def read_layer(layers_dir: Path, name: str) -> Layer:
    """`<name>.toml` of `layers_dir` (absent: no types, no metadata)."""
    toml_path = layers_dir / f"{name}.toml"
    try:
        data = tomlfile.read(toml_path)
    except tomlfile.TOMLDecodeError as err:
        raise LayerTomlError(f"{toml_path}: invalid TOML: {err}") from err
    misplaced = [k for k in ("launch", "build", "cache") if k in data]
    if misplaced:
        raise LayerTomlError(f"{toml_path}: {', '.join(misplaced)} should be in the [types] table")
    return Layer(name, layers_dir / name, LayerTypes.from_toml(data.get("types") or {}),
                 dict(data.get("metadata") or {}))


def layer_names(layers_dir: Path) -> list[str]:
    """Names of the layers that have a `<name>.toml`, sorted."""
    return sorted(p.name[: -len(".toml")] for p in layers_dir.glob("*.toml")
                  if not p.name.startswith(".") and p.name[: -len(".toml")] not in RESERVED)


def read_layers(layers_dir: Path) -> list[Layer]:
    """Every layer of `layers_dir`, sorted by name."""
    return [read_layer(layers_dir, name) for name in layer_names(layers_dir)]
