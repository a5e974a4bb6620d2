"""A builder: `builder.toml` (order, build and run images, operator env) plus buildpack dirs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id

from .errors import (
    BuilderNotFound,
    BuilderNotToml,
    BuilderWithoutImages,
    BuilderWithoutOrder,
    BuildpackNotFound,
    BuildpackUnusable,
)
from .lifecycle.api import PhaseError
from .lifecycle.descriptor import Buildpack, Order, load_descriptor, parse_order
from .package_data import data_root


@dataclass
class Builder:
    path: Path
    order: Order
    build_image: str
    run_image: str
    #: (id, version) -> buildpack directory on the host
    buildpacks: dict[tuple[str, str], Buildpack] = field(default_factory=dict)
    build_env: list[dict[str, Any]] = field(default_factory=list)


def load_builder(path: Path | None = None, buildpacks_dir: Path | None = None) -> Builder:
    path = Path(path or data_root() / "builder.toml").resolve()
    if not path.is_file():
        raise BuilderNotFound(
            "seldon-build reads the order and stack images from a builder.toml file.", path=path)
    try:
        data = tomlfile.read(path)
    except tomlfile.TOMLDecodeError as err:
        raise BuilderNotToml(str(err), path=path) from err
    stack = data.get("stack") or {}
    build_image = (data.get("build") or {}).get("image") or stack.get("build-image")
    runs = (data.get("run") or {}).get("images") or []
    run_image = runs[0]["image"] if runs else stack.get("run-image")
    if not build_image or not run_image:
        raise BuilderWithoutImages(
            "A builder needs [build] image and [[run.images]] image (or [stack]).", path=path)
    builder = Builder(
        path=path,
        order=parse_order(data.get("order")),
        build_image=build_image,
        run_image=run_image,
        build_env=list((data.get("build") or {}).get("env", [])),
    )
    default_dir = buildpacks_dir or (path.parent / "build" / "buildpacks")
    for item in data.get("buildpacks", []):
        bp_dir = _locate(item, path.parent, default_dir)
        try:
            bp = load_descriptor(bp_dir)
        except PhaseError as err:
            raise BuildpackUnusable(err.message, dir=bp_dir) from err
        builder.buildpacks[(bp.id, bp.version)] = bp
    if not builder.order:
        raise BuilderWithoutOrder("Without an order nothing can be detected.", path=path)
    return builder


def _locate(item: dict[str, Any], base: Path, default_dir: Path) -> Path:
    candidates = []
    if item.get("id"):
        candidates.append(default_dir / escape_id(item["id"]))
        if item.get("version"):
            candidates.append(default_dir / escape_id(item["id"]) / item["version"])
    uri = str(item.get("uri", ""))
    if uri and "://" not in uri:
        candidates.append((base / uri).resolve())
    for candidate in candidates:
        if (candidate / "buildpack.toml").is_file():
            return candidate
    raise BuildpackNotFound("Looked in: " + ", ".join(str(c) for c in candidates),
                            id=item.get("id") or uri)
