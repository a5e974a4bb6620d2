"""Where each phase finds its inputs: CNB_* variables, else the spec defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from . import api


@dataclass
class Paths:
    app: Path
    layers: Path
    platform: Path
    buildpacks: Path
    build_config: Path
    cache: Path
    order: Path

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Paths:
        layers = Path(environ.get("CNB_LAYERS_DIR", api.LAYERS_DIR))
        default_order = layers / "order.toml"
        if not default_order.is_file():
            default_order = Path("/cnb/order.toml")
        return cls(
            app=Path(environ.get("CNB_APP_DIR", api.APP_DIR)),
            layers=layers,
            platform=Path(environ.get("CNB_PLATFORM_DIR", api.PLATFORM_DIR)),
            buildpacks=Path(environ.get("CNB_BUILDPACKS_DIR", api.BUILDPACKS_DIR)),
            build_config=Path(environ.get("CNB_BUILD_CONFIG_DIR", api.BUILD_CONFIG_DIR)),
            cache=Path(environ.get("CNB_CACHE_DIR", api.CACHE_DIR)),
            order=Path(environ.get("CNB_ORDER_PATH", default_order)),
        )

    @property
    def group(self) -> Path:
        return self.layers / "group.toml"

    @property
    def plan(self) -> Path:
        return self.layers / "plan.toml"

    @property
    def analyzed(self) -> Path:
        return self.layers / "analyzed.toml"

    @property
    def metadata(self) -> Path:
        return self.layers / "config" / "metadata.toml"
