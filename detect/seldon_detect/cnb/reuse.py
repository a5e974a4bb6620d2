"""The buildpack's layers dir during build: restored layers and the rule for reusing them.

A restored layer is reused when its directory came back and every input field
of its typed metadata equals this build's; otherwise the reasons say why, one
per field, and the buildpack starts from an empty directory (`fresh`).
A launch-only layer never has its directory back: `reuse_launch_layer` compares
its metadata alone, and a reused one is returned as `LayerResult.kept`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Generic

from seldon_detect.cnb.layers import Layer, LayerTypes, check_name, read_layer
from seldon_detect.cnb.metadata import M, MetadataMismatch
from seldon_detect.cnb.result import LayerResult


@dataclass(frozen=True)
class Reuse(Generic[M]):
    #: why the restored layer does not fit (empty: reuse it)
    reasons: tuple[str, ...]
    #: the restored metadata, when it parsed
    previous: M | None = None

    @property
    def reused(self) -> bool:
        return not self.reasons


class LayersDir:
    def __init__(self, path: Path):
        self.path = path

    def layer_path(self, name: str) -> Path:
        return self.path / check_name(name)

    def restored(self, name: str) -> Layer:
        """What the restorer left for `name` (metadata only; contents for cached layers)."""
        return read_layer(self.path, check_name(name))

    def previous(self, name: str, kind: type[M]) -> tuple[M | None, str]:
        """The restored metadata as `kind`, or None and why not."""
        layer = self.restored(name)
        if not layer.toml_path.is_file():
            return None, "no previous layer"
        try:
            return kind.from_toml(layer.metadata), ""
        except MetadataMismatch as err:
            return None, f"the previous layer's metadata is from another buildpack version ({err})"

    def reuse(self, name: str, wanted: M) -> Reuse[M]:
        previous, why_not = self.previous(name, type(wanted))
        if previous is None:
            return Reuse((why_not,))
        if not self.layer_path(name).is_dir():
            return Reuse(("layer contents were not restored",), previous)
        return Reuse(tuple(wanted.changes_from(previous)), previous)

    def reuse_launch_layer(self, name: str, wanted: M) -> Reuse[M]:
        """For a launch-only layer (not build, not cache): the previous image holds its
        contents, so equal metadata is enough to keep it (`LayerResult.kept`)."""
        previous, why_not = self.previous(name, type(wanted))
        if previous is None:
            return Reuse((why_not,))
        return Reuse(tuple(wanted.changes_from(previous)), previous)

    def fresh(self, name: str) -> Path:
        """An empty directory for the layer, whatever was restored."""
        path = self.layer_path(name)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def carry(self, name: str, types: LayerTypes, kind: type[M]) -> LayerResult | None:
        """The restored layer, unchanged, when it came back whole (a cache kept for later)."""
        previous, _ = self.previous(name, kind)
        if previous is None or not self.layer_path(name).is_dir():
            return None
        return LayerResult(name, types, previous)
