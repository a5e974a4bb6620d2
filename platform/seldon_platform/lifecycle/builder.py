"""The build phase: run each buildpack's `bin/build` in group order.

Between buildpacks the builder folds `build = true` layers into the shared
environment (path dirs, `env/`, `env.build/`), hides untyped layers as
`.ignore`, removes met plan entries, and collects processes, labels and
SBOMs. It ends by writing `<layers>/config/metadata.toml`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Mapping

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id

from . import buildenv, envfiles
from .api import EXIT_BUILD_BUILDPACK, EXIT_BUILD_OTHER, PhaseError
from .descriptor import Buildpack, load_descriptor
from .layers import SBOM_EXTENSIONS, Layer, read_layers, sbom_files, set_aside_ignored
from .paths import Paths
from .processes import LaunchConfig

#: (layer subdir, variable) pairs a build layer adds for later buildpacks
BUILD_PATH_DIRS = (
    ("bin", "PATH"),
    ("lib", "LD_LIBRARY_PATH"),
    ("lib", "LIBRARY_PATH"),
    ("include", "CPATH"),
    ("pkgconfig", "PKG_CONFIG_PATH"),
)


def build(paths: Paths, environ: Mapping[str, str], log: Callable[[str], None] = print) -> None:
    group = [
        load_descriptor(paths.buildpacks / escape_id(e["id"]) / e["version"])
        for e in tomlfile.read(paths.group).get("group", [])
    ]
    plan = tomlfile.read(paths.plan).get("entries", [])
    shared = buildenv.lifecycle_env(environ)
    launch = LaunchConfig()
    met: set[str] = set()
    for bp in group:
        log(f"--- {bp.id}@{bp.version}")
        bp_dir = paths.layers / escape_id(bp.id)
        bp_dir.mkdir(parents=True, exist_ok=True)
        bp_plan = buildpack_plan(plan, bp, met)
        plan_path = paths.layers / f".plan-{escape_id(bp.id)}.toml"
        tomlfile.write(plan_path, {"entries": bp_plan})
        _run_build(bp, paths, bp_dir, plan_path, build_env(bp, paths, shared, bp_dir, plan_path))
        plan_path.unlink()
        declared = read_layers(bp_dir)
        layers = set_aside_ignored(bp_dir, declared)
        for layer in layers:
            if layer.types.build:
                add_build_layer(shared, layer)
        met |= _met_names(bp, bp_dir, bp_plan)
        launch.add(
            bp.id, bp.api, tomlfile.read(bp_dir / "launch.toml"), lambda m: log("warning: " + m)
        )
        _collect_sboms(paths, bp, bp_dir, declared)
    metadata: dict[str, Any] = {"buildpacks": [bp.info() for bp in group]}
    metadata.update(launch.to_metadata())
    paths.metadata.parent.mkdir(parents=True, exist_ok=True)
    tomlfile.write(paths.metadata, metadata)


def buildpack_plan(plan: list[dict], bp: Buildpack, met: set[str]) -> list[dict[str, Any]]:
    """Every requirement of a name this buildpack provides that nobody met yet."""
    entries = []
    for entry in plan:
        if not any(p.get("id") == bp.id for p in entry.get("providers", [])):
            continue
        for req in entry.get("requires", []):
            if req["name"] not in met:
                item = {"name": req["name"]}
                if req.get("metadata"):
                    item["metadata"] = req["metadata"]
                entries.append(item)
    return entries


def build_env(
    bp: Buildpack, paths: Paths, shared: Mapping[str, str], bp_dir: Path, plan_path: Path
) -> dict[str, str]:
    return buildenv.buildpack_env(shared, bp.api, bp.clear_env, paths.platform,
                                  paths.build_config, {
                                      "CNB_BUILDPACK_DIR": str(bp.path),
                                      "CNB_PLATFORM_DIR": str(paths.platform),
                                      "CNB_LAYERS_DIR": str(bp_dir),
                                      "CNB_BP_PLAN_PATH": str(plan_path),
                                  })


def add_build_layer(env: dict[str, str], layer: Layer) -> None:
    """What a `build = true` layer gives later buildpacks."""
    for subdir, var in BUILD_PATH_DIRS:
        envfiles.prepend_path(env, var, layer.path / subdir)
    envfiles.apply_dir(env, layer.path / "env")
    envfiles.apply_dir(env, layer.path / "env.build")


def _run_build(bp: Buildpack, paths: Paths, bp_dir: Path, plan_path: Path, env: dict) -> None:
    sys.stdout.flush()
    try:
        proc = subprocess.run(
            [str(bp.path / "bin" / "build"), str(bp_dir), str(paths.platform), str(plan_path)],
            cwd=paths.app,
            env=env,
        )
    except OSError as err:
        raise PhaseError(EXIT_BUILD_BUILDPACK, f"{bp.id}: cannot run bin/build: {err}") from err
    if proc.returncode != 0:
        raise buildpack_failed(bp, proc.returncode)


def buildpack_failed(bp: Buildpack, code: int) -> PhaseError:
    return PhaseError(
        EXIT_BUILD_BUILDPACK, f"buildpack {bp.id}@{bp.version} failed (bin/build exit {code})"
    )


def _met_names(bp: Buildpack, bp_dir: Path, bp_plan: list[dict]) -> set[str]:
    names = {e["name"] for e in bp_plan}
    unmet = {str(u.get("name")) for u in tomlfile.read(bp_dir / "build.toml").get("unmet", [])}
    unknown = unmet - names
    if unknown:
        raise PhaseError(
            EXIT_BUILD_OTHER, f"{bp.id}: build.toml lists unmet {sorted(unknown)} not in its plan"
        )
    return names - unmet


def _collect_sboms(paths: Paths, bp: Buildpack, bp_dir: Path, layers: list[Layer]) -> None:
    """Copy SBOM files to `<layers>/sbom/{launch,build,cache}/<bp>/[<layer>/]sbom.<ext>`.

    As upstream: every layer with a `<layer>.toml` counts, untyped ones too (their
    SBOM goes to the build tree), and only `*.sbom.*.json` files are SBOMs.
    """
    esc = escape_id(bp.id)
    targets: list[tuple[Path, str, Path]] = []
    for layer in layers:
        for path, ext in sbom_files(bp_dir, layer.name):
            kinds = ["launch"] if layer.types.launch else ["build"]
            if layer.types.cache:
                kinds.append("cache")
            targets += [(path, ext, paths.layers / "sbom" / k / esc / layer.name) for k in kinds]
    for kind in ("launch", "build"):
        for path, ext in sbom_files(bp_dir, kind):
            targets.append((path, ext, paths.layers / "sbom" / kind / esc))
    for path, ext, dest in targets:
        media = SBOM_EXTENSIONS.get(ext)
        if media is None:
            raise PhaseError(EXIT_BUILD_OTHER, f"{bp.id}: unsupported SBOM file {path.name}")
        if media not in bp.sbom_formats:
            raise PhaseError(
                EXIT_BUILD_OTHER, f"{bp.id}: undeclared SBOM media type {media} ({path.name})"
            )
        dest.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest / f"sbom.{ext}")
