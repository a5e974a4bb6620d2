"""A builder: `builder.toml` (order, build and run images, operator env) plus buildpack dirs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id
from seldon_detect.errors import UserError

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
        raise UserError(
            title=f"Builder {path} not found",
            cause="seldon-build reads the order and stack images from a builder.toml file.",
            fix=["Check the --builder path, or leave --builder out to use the tool's own."],
        )
    try:
        data = tomlfile.read(path)
    except tomlfile.TOMLDecodeError as err:
        raise UserError(f"{path} is not valid TOML", str(err), ["Fix the file's syntax."]) from err
    stack = data.get("stack") or {}
    build_image = (data.get("build") or {}).get("image") or stack.get("build-image")
    runs = (data.get("run") or {}).get("images") or []
    run_image = runs[0]["image"] if runs else stack.get("run-image")
    if not build_image or not run_image:
        raise UserError(
            title=f"{path} names no build or run image",
            cause="A builder needs [build] image and [[run.images]] image (or [stack]).",
            fix=["Add both images to the builder file."],
        )
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
            raise UserError(
                f"Buildpack in {bp_dir} cannot be used", err.message, ["Fix its buildpack.toml."]
            ) from err
        builder.buildpacks[(bp.id, bp.version)] = bp
    if not builder.order:
        raise UserError(
            f"{path} has no [[order]]",
            "Without an order nothing can be detected.",
            ["Add an [[order]] group."],
        )
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
    raise UserError(
        title=f"Buildpack {item.get('id') or uri} not found",
        cause="Looked in: " + ", ".join(str(c) for c in candidates),
        fix=["Package the buildpacks first: `make buildpacks`."],
    )
