"""What a buildpack's `build()` returns, and the files the entry point writes from it.

`build()` fills layer directories (installers need them) but writes no CNB
file: the layers it keeps (types, typed metadata, env, SBOM), the launch
processes, image labels and the launch SBOM come back as a `BuildResult`.
`write_result` then writes every `<layer>.toml`, replaces each layer's env
directories whole, writes `launch.toml` and the SBOM files, and drops the
restored layers the result does not name, so none is kept by accident.

A launch-only layer comes back from the previous image as metadata only (and
its SBOM): `LayerResult.kept` declares it again without a directory, and the
exporter reuses the previous image's layer (Buildpack API "Launch Layers").
Writing its directory instead would export an empty layer in its place.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from seldon_detect.cnb.env import EnvVar, LayerEnv, write_env_dirs
from seldon_detect.cnb.files import make_dirs, write_if_changed
from seldon_detect.cnb.launch import Process, launch_toml
from seldon_detect.cnb.layers import LayerTypes, check_name, layer_names
from seldon_detect.cnb.metadata import LayerMetadata, NoMetadata
from seldon_detect.cnb.sbom import EXTENSION
from seldon_detect.tomlfile import dumps


@dataclass(frozen=True)
class LayerResult:
    name: str
    types: LayerTypes
    metadata: LayerMetadata = NoMetadata()
    env: LayerEnv = LayerEnv()
    #: CycloneDX JSON of what the layer holds (kept layers: None keeps the restored one)
    sbom: str | None = None
    #: reuse the previous image's layer: no directory is written
    keep: bool = False

    def __post_init__(self) -> None:
        check_name(self.name)
        # only a launch layer can come from the image; its env lives in the contents
        if self.keep and (self.types != LayerTypes(launch=True) or self.env.vars):
            raise ValueError(f"layer {self.name}: only a launch-only layer without new env "
                             "can be kept from the previous image")
        for var in self.env.vars:
            if not _applies(var, self.types):
                raise ValueError(f"layer {self.name}: {var.name} ({var.scope}) never applies "
                                 f"to a layer of types {self.types}")

    @classmethod
    def kept(cls, name: str, metadata: LayerMetadata, sbom: str | None = None) -> LayerResult:
        """A launch-only layer reused from the previous image (`LayersDir.reuse_launch_layer`)."""
        return cls(name, LayerTypes(launch=True), metadata, sbom=sbom, keep=True)


@dataclass(frozen=True)
class BuildResult:
    layers: tuple[LayerResult, ...] = ()
    processes: tuple[Process, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    #: CycloneDX JSON of the launch image as a whole
    launch_sbom: str | None = None

    def __post_init__(self) -> None:
        names = [layer.name for layer in self.layers]
        if len(set(names)) != len(names):
            raise ValueError(f"a layer is named twice: {names}")
        launch_toml(self.processes, self.labels)

    def layer(self, name: str) -> LayerResult | None:
        return next((layer for layer in self.layers if layer.name == name), None)


def write_result(layers_dir: Path, result: BuildResult) -> None:
    """Write the CNB files of `result` into the buildpack's layers dir."""
    layers_dir.mkdir(parents=True, exist_ok=True)
    for layer in result.layers:
        if layer.keep:
            _check_kept(layers_dir, layer.name)
    named = {layer.name for layer in result.layers}
    for name in layer_names(layers_dir):
        if name not in named:
            _drop(layers_dir, name)
    for layer in result.layers:
        if not layer.keep:
            path = layers_dir / layer.name
            make_dirs(path, layers_dir)
            write_env_dirs(path, layer.env)
        _write_text(layers_dir / f"{layer.name}.toml", dumps(
            {"types": layer.types.to_toml(), "metadata": layer.metadata.to_toml()}))
        if not (layer.keep and layer.sbom is None):
            _write_sbom(layers_dir, layer.name, layer.sbom)
    if result.processes or result.labels:
        _write_text(layers_dir / "launch.toml",
                          dumps(launch_toml(result.processes, result.labels)))
    _write_sbom(layers_dir, "launch", result.launch_sbom)


def _applies(var: EnvVar, types: LayerTypes) -> bool:
    """Whether the lifecycle ever reads `var` on a layer of `types` (env/ at build and
    launch, env.build/ of build layers, env.launch/ and process dirs of launch layers)."""
    if var.process or var.scope == "launch":
        return types.launch
    if var.scope == "build":
        return types.build
    return types.launch or types.build


def _check_kept(layers_dir: Path, name: str) -> None:
    # the exporter fails without previous metadata, and exports a directory if there is one
    if not (layers_dir / f"{name}.toml").is_file():
        raise ValueError(f"layer {name} is kept from the previous image, but nothing was "
                         "restored for it")
    if (layers_dir / name).exists():
        raise ValueError(f"layer {name} is kept from the previous image, but it has a "
                         "directory, which would be exported instead")


def _drop(layers_dir: Path, name: str) -> None:
    (layers_dir / f"{name}.toml").unlink()
    if (layers_dir / name).is_dir():
        shutil.rmtree(layers_dir / name)
    for sbom in layers_dir.glob(f"{name}.sbom.*"):
        sbom.unlink()


def _write_sbom(layers_dir: Path, name: str, sbom: str | None) -> None:
    path = layers_dir / f"{name}.sbom.{EXTENSION}"
    for other in layers_dir.glob(f"{name}.sbom.*"):
        if other != path or sbom is None:
            other.unlink()
    if sbom is not None:
        _write_text(path, sbom)


def _write_text(path: Path, text: str) -> None:
    write_if_changed(path, text.encode("utf-8"))
