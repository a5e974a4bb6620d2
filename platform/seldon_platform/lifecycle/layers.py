"""A buildpack's layers as the lifecycle sees them (the `Layer` type is shared with the
buildpacks: `seldon_detect.cnb.layers`): validation, `.ignore`, restored metadata, SBOM files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from seldon_detect import tomlfile
from seldon_detect.cnb import layers as shared
from seldon_detect.cnb.layers import Layer

from .api import EXIT_BUILD_OTHER, PhaseError

SBOM_EXTENSIONS = {
    "cdx.json": "application/vnd.cyclonedx+json",
    "spdx.json": "application/spdx+json",
    "syft.json": "application/vnd.syft+json",
}


def read_layers(bp_dir: Path) -> list[Layer]:
    """The layers a buildpack declared, sorted by name; validates each `<layer>.toml`."""
    return [read_layer(bp_dir, name) for name in shared.layer_names(bp_dir)]


def read_layer(bp_dir: Path, name: str) -> Layer:
    try:
        return shared.read_layer(bp_dir, name)
    except shared.LayerTomlError as err:
        raise PhaseError(EXIT_BUILD_OTHER, str(err)) from err


def set_aside_ignored(bp_dir: Path, layers: list[Layer]) -> list[Layer]:
    """Rename layers with no type to `<layer>.ignore` (scratch space); return the others."""
    kept = []
    for layer in layers:
        if layer.types.ignored:
            target = bp_dir / f"{layer.name}.ignore"
            if target.exists():
                shutil.rmtree(target)
            if layer.has_contents:
                layer.path.rename(target)
        else:
            kept.append(layer)
    return kept


def write_metadata_only(bp_dir: Path, name: str, metadata: dict[str, Any]) -> None:
    """A restored layer: `[metadata]` only, so the buildpack must declare types again.

    Numbers come back as floats, as upstream's do: it keeps metadata as JSON (image
    label, cache) and writes it back through Go's float64, so `count = 2` is read
    as `count = 2.0` under pack and kpack; buildpacks tested here must cope.
    """
    metadata = _as_json_numbers(metadata)
    tomlfile.write(bp_dir / f"{name}.toml", {"metadata": metadata} if metadata else {})


def _as_json_numbers(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        return {k: _as_json_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json_numbers(v) for v in value]
    return value


def sbom_files(bp_dir: Path, prefix: str) -> list[tuple[Path, str]]:
    """`<prefix>.sbom.<ext>` files with their extension (`<ext>` ends in `.json`)."""
    out = []
    for path in sorted(bp_dir.glob(f"{prefix}.sbom.*.json")):
        ext = path.name[len(prefix) + len(".sbom.") :]
        out.append((path, ext))
    return out
