"""The restore phase: bring back layer metadata and cached layer contents.

Inputs are `<layers>/group.toml`, `<layers>/analyzed.toml` (the previous
image's lifecycle metadata, written by the platform) and the cache directory,
a mirror of the last build's `cache = true` layers plus `cache.toml` with
their digests. Restored `<layer>.toml` files hold only `[metadata]`; which
layers come back follows the Buildpack API's table ("Layer Types"): cached
layers whole, launch-only layers as metadata (the image has their contents),
launch+build layers without cache not at all (upstream's metadata restorer
skips them too: the buildpack must make them again).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any, Callable

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id

from .api import EXIT_RESTORE, PhaseError
from .layers import read_layer, sbom_files, write_metadata_only
from .paths import Paths

CACHE_INDEX = "cache.toml"
#: bump when the cache layout changes; an older cache is then ignored, not misread
CACHE_VERSION = 1


def restore(paths: Paths, log: Callable[[str], None] = print) -> None:
    group = tomlfile.read(paths.group).get("group", [])
    previous = _previous_buildpacks(tomlfile.read(paths.analyzed).get("metadata", {}))
    index = tomlfile.read(paths.cache / CACHE_INDEX)
    cache_index = index.get("buildpacks", {})
    if cache_index and index.get("version") != CACHE_VERSION:
        log("The cache was written by another seldon-build version: not using it")
        cache_index = {}
    for entry in group:
        bp_id = entry["id"]
        esc = escape_id(bp_id)
        bp_dir = paths.layers / esc
        bp_dir.mkdir(parents=True, exist_ok=True)
        prev = previous.get(bp_id, {})
        store = (prev.get("store") or {}).get("metadata")
        if store:
            tomlfile.write(bp_dir / "store.toml", {"metadata": store})
        prev_layers: dict[str, Any] = prev.get("layers", {})
        restored = _restore_cached(
            paths.cache / esc, bp_dir, cache_index.get(bp_id, {}), prev_layers, log
        )
        for name, info in sorted(prev_layers.items()):
            # launch-only layers: a build (or cache) layer is never metadata-only
            if name in restored or not info.get("launch") or info.get("cache") \
                    or info.get("build"):
                continue
            write_metadata_only(bp_dir, name, info.get("data") or {})
            log(f"Restoring metadata for {esc}/{name} from the previous image")


def _restore_cached(
    cache_bp: Path, bp_dir: Path, digests: dict, prev_layers: dict, log
) -> set[str]:
    restored: set[str] = set()
    if not cache_bp.is_dir() or not digests:
        return restored
    for toml_path in sorted(cache_bp.glob("*.toml")):
        name = toml_path.name[: -len(".toml")]
        layer = read_layer(cache_bp, name)
        if not layer.types.cache or not layer.has_contents:
            continue
        sha = (digests.get(name) or {}).get("sha", "")
        if layer.types.launch and name in prev_layers and prev_layers[name].get("sha") != sha:
            log(f"Not restoring {bp_dir.name}/{name}: the cache does not match the previous image")
            continue
        _copy_tree(layer.path, bp_dir / name)
        for path, _ in sbom_files(cache_bp, name):
            (bp_dir / path.name).write_bytes(path.read_bytes())
        write_metadata_only(bp_dir, name, layer.metadata)
        restored.add(name)
        log(f"Restoring cached layer {bp_dir.name}/{name}")
    return restored


def _copy_tree(src: Path, dest: Path) -> None:
    # cp -a keeps modes, symlinks and hard links, and is much faster than shutil here
    proc = subprocess.run(["cp", "-a", str(src), str(dest)], capture_output=True)
    if proc.returncode != 0:
        raise PhaseError(
            EXIT_RESTORE, f"cannot restore {src}: {proc.stderr.decode(errors='replace')}"
        )


def _previous_buildpacks(metadata: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {bp.get("key", ""): bp for bp in metadata.get("buildpacks", [])}
