"""Assemble the app image from the run image and the build's layers.

Layer order (bottom to top): run image, one layer per launch layer (group
order, then layer name), SBOM, app, launcher, config, process types. A launch
layer whose directory is absent is taken from the previous image by digest.
Every layer says whether it is new, changed or identical to the previous image.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id

from .. import __version__
from ..launcher import shim
from ..lifecycle import shared_files
from ..lifecycle.layers import Layer, read_layers
from . import image
from .oci import Layout
from .tarlayer import MEDIA_TYPE, Entry, fingerprint, parents, tree

PACKAGE_DIR = Path(__file__).resolve().parent.parent


class ExportError(Exception):
    pass


@dataclass
class RunImage:
    reference: str
    config: dict[str, Any]
    #: layer descriptors as stored (uncompressed: digest == diff id)
    layers: list[dict[str, Any]]


@dataclass
class Previous:
    """What the last build left: the image's lifecycle label, its layer sizes, the cache index."""

    metadata: dict[str, Any] = field(default_factory=dict)
    #: layer digest -> size, for layers taken over without re-export
    sizes: dict[str, int] = field(default_factory=dict)
    #: (buildpack id, layer) -> {"sha", "fingerprint"} of the cached copy
    cached: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def untouched(self, bp_id: str, layer: Layer, prev_sha: str) -> bool:
        """True when a cached layer came back from the cache unmodified and the image has it."""
        cached = self.cached.get((bp_id, layer.name)) or {}
        return (
            bool(prev_sha)
            and cached.get("sha") == prev_sha
            and prev_sha in self.sizes
            and cached.get("fingerprint") == fingerprint(layer.path)
        )


@dataclass
class LayerReport:
    name: str
    digest: str
    size: int
    status: str  # "new", "changed", "unchanged" or "reused"
    reason: str = ""


@dataclass
class ExportResult:
    image_id: str
    config: dict[str, Any]
    lifecycle_metadata: dict[str, Any]
    reports: list[LayerReport] = field(default_factory=list)
    #: (buildpack id, layer name) -> digest, for the cache's launch+cache layers
    layer_digests: dict[tuple[str, str], str] = field(default_factory=dict)


def export(
    layers_dir: Path,
    app_dir: Path,
    run: RunImage,
    layout: Layout,
    tag: str,
    previous: Previous,
    project_metadata: dict[str, Any],
    process_type: str | None = None,
    uid: int = 1000,
    gid: int = 1000,
    platform_labels: dict[str, str] | None = None,
) -> ExportResult:
    group = tomlfile.read(layers_dir / "group.toml").get("group", [])
    metadata = tomlfile.read(layers_dir / "config" / "metadata.toml")
    previous_sizes = previous.sizes
    prev_bps = {bp.get("key"): bp for bp in previous.metadata.get("buildpacks", [])}
    descriptors: list[dict[str, Any]] = []
    history: list[tuple[str, str]] = []
    reports: list[LayerReport] = []
    result_digests: dict[tuple[str, str], str] = {}

    def add(name: str, entries: list[Entry], prev_sha: str, created_by: str) -> str:
        blob = layout.add_layer(entries)
        status = "new" if not prev_sha else ("unchanged" if prev_sha == blob.digest else "changed")
        reports.append(LayerReport(name, blob.digest, blob.size, status))
        descriptors.append(blob.descriptor())
        history.append((blob.digest, created_by))
        return blob.digest

    bp_labels = []
    for bp in group:
        esc = escape_id(bp["id"])
        prev_layers = (prev_bps.get(bp["id"]) or {}).get("layers", {})
        layer_labels: dict[str, Any] = {}
        for layer in read_layers(layers_dir / esc):
            if not layer.types.launch:
                continue
            name = f"{bp['id']}:{layer.name}"
            created_by = f"Layer: '{layer.name}', Created by buildpack: {bp['id']}@{bp['version']}"
            prev = prev_layers.get(layer.name) or {}
            if layer.has_contents and previous.untouched(bp["id"], layer, prev.get("sha", "")):
                sha = prev["sha"]
                descriptors.append(
                    {"mediaType": MEDIA_TYPE, "digest": sha, "size": previous_sizes[sha]}
                )
                reports.append(
                    LayerReport(
                        name, sha, previous_sizes[sha], "unchanged", "cached copy untouched"
                    )
                )
                history.append((sha, created_by))
            elif layer.has_contents:
                dest = f"layers/{esc}/{layer.name}"
                entries = parents(dest, uid, gid) + list(tree(layer.path, dest, uid, gid))
                sha = add(name, entries, prev.get("sha", ""), created_by)
                reports[-1].reason = _why(prev, layer)
            else:
                sha = _reuse(name, layer, prev, previous_sizes, descriptors, reports)
                history.append((sha, created_by))
            result_digests[(bp["id"], layer.name)] = sha
            layer_labels[layer.name] = {
                "sha": sha,
                "data": layer.metadata,
                **layer.types.to_toml(),
            }
        entry: dict[str, Any] = {"key": bp["id"], "version": bp["version"], "layers": layer_labels}
        store = tomlfile.read(layers_dir / esc / "store.toml").get("metadata")
        if store:
            entry["store"] = {"metadata": store}  # upstream's StoreTOML, as its restorer reads it
        bp_labels.append(entry)

    lifecycle_md: dict[str, Any] = {"buildpacks": bp_labels}
    sbom_dir = layers_dir / "sbom" / "launch"
    if sbom_dir.is_dir():
        entries = parents("layers/sbom/launch", uid, gid) + list(
            tree(sbom_dir, "layers/sbom/launch", uid, gid)
        )
        sha = add(
            "sbom",
            entries,
            (previous.metadata.get("sbom") or {}).get("sha", ""),
            "Software Bill-of-Materials",
        )
        lifecycle_md["sbom"] = {"sha": sha}

    prev_app = [a.get("sha", "") for a in previous.metadata.get("app") or []]
    app_shas = []
    for n, (name, entries) in enumerate(app_layers(app_dir, metadata.get("slices", []), uid)):
        prev_sha = prev_app[n] if n < len(prev_app) else ""
        app_shas.append(add(name, entries, prev_sha, f"Application Slice: {n + 1}"))
    lifecycle_md["app"] = [{"sha": sha} for sha in app_shas]
    launcher_sha = add(
        "launcher",
        launcher_entries(),
        (previous.metadata.get("launcher") or {}).get("sha", ""),
        "Buildpacks Launcher",
    )
    lifecycle_md["launcher"] = {"sha": launcher_sha}
    config_bytes = (layers_dir / "config" / "metadata.toml").read_bytes()
    config_entries = parents("layers/config/metadata.toml", uid, gid) + [
        Entry("layers/config/metadata.toml", "file", 0o644, uid, gid, source=config_bytes)
    ]
    config_sha = add(
        "config",
        config_entries,
        (previous.metadata.get("config") or {}).get("sha", ""),
        "Buildpacks Application Launcher Config",
    )
    lifecycle_md["config"] = {"sha": config_sha}
    types = [p["type"] for p in metadata.get("processes", [])]
    if types:
        entries = [Entry("cnb", "dir"), Entry("cnb/process", "dir")] + [
            Entry(f"cnb/process/{t}", "symlink", 0o777, link=image.LAUNCHER) for t in types
        ]
        sha = add(
            "process-types",
            entries,
            (previous.metadata.get("process-types") or {}).get("sha", ""),
            "Buildpacks Process Types",
        )
        lifecycle_md["process-types"] = {"sha": sha}

    run_diff_ids = run.config.get("rootfs", {}).get("diff_ids", [])
    lifecycle_md["runImage"] = {
        "topLayer": run_diff_ids[-1] if run_diff_ids else "",
        "reference": run.reference,
        "image": run.reference,
    }
    entry_point = image.entrypoint(metadata, process_type)
    # the buildpacks' labels, then the platform's (seldon-s2i's s2i labels)
    labels: dict[str, Any] = {
        **{label["key"]: label["value"] for label in metadata.get("labels", [])},
        **(platform_labels or {}),
    }
    labels[image.LIFECYCLE_LABEL] = lifecycle_md
    labels[image.BUILD_LABEL] = image.build_metadata(metadata, __version__)
    labels[image.VERSIONS_LABEL] = image.versions_label(metadata, __version__)
    labels[image.PROJECT_LABEL] = project_metadata
    config = image.image_config(run.config, history, entry_point, labels)
    blob = layout.add_image(config, list(run.layers) + descriptors, tag)
    return ExportResult(blob.digest, config, lifecycle_md, reports, result_digests)


def launcher_entries() -> list[Entry]:
    """`/cnb/lifecycle/launcher` and the standard-library-only modules it imports."""
    lib = shim.LIB_DIR.strip("/")
    entries = parents(f"{lib}/seldon_platform/x")
    entries.append(Entry("cnb/lifecycle/launcher", "file", 0o755, source=shim.SCRIPT.encode()))
    entries.append(Entry(f"{lib}/seldon_platform/__init__.py", "file", 0o644, source=b""))
    files = [
        (path, f"seldon_platform/{package}/{path.name}")
        for package in ("lifecycle", "launcher")
        for path in sorted((PACKAGE_DIR / package).glob("*.py"))
    ]
    for path, rel in [*files, *shared_files()]:
        entries += parents(f"{lib}/{rel}")
        entries.append(Entry(f"{lib}/{rel}", "file", 0o644, source=path.read_bytes()))
    return entries


def _reuse(name: str, layer: Layer, prev: dict, sizes: dict[str, int], descriptors, reports) -> str:
    if layer.types.cache:
        raise ExportError(f"layer {name} has cache = true but no contents")
    sha = prev.get("sha")
    if not sha or sha not in sizes:
        raise ExportError(f"cannot reuse layer {name}: the previous image has no such layer")
    descriptors.append({"mediaType": MEDIA_TYPE, "digest": sha, "size": sizes[sha]})
    reports.append(LayerReport(name, sha, sizes[sha], "reused", "kept from the previous image"))
    return sha


def _why(prev: dict[str, Any], layer: Layer) -> str:
    if not prev:
        return "not in the previous image"
    old = prev.get("data") or {}
    changed = sorted(
        k for k in set(old) | set(layer.metadata) if old.get(k) != layer.metadata.get(k)
    )
    if changed:
        return "metadata changed: " + ", ".join(changed)
    return ""


def group_writable(entry: Entry) -> Entry:
    """`entry` with the owner's permissions for its group, as s2i's `fix-permissions` does.

    OpenShift runs images under a random UID whose group is 0: that user can
    then write where the build user can (a model caching files beside its
    code, say), and the build user keeps its rights as the owner.
    """
    return replace(entry, mode=entry.mode | (entry.mode & 0o700) >> 3)


def app_layers(
    app_dir: Path, slices: list[dict[str, Any]], uid: int
) -> list[tuple[str, list[Entry]]]:
    """The app as layers: one per slice that matches files (in order), then the rest.

    A file belongs to the first slice with a glob (relative to the app dir,
    `*` not crossing `/`) matching the file or a directory above it. Every
    layer carries the directories above its files so it extracts alone.
    Everything is owned by `uid` and group 0, which may do what the owner may
    (`group_writable`).
    """
    everything = [group_writable(e) for e in tree(app_dir, "workspace", uid, 0)]
    files = [e for e in everything if e.kind != "dir"]
    dirs = {e.path: e for e in everything if e.kind == "dir"}
    taken: set[str] = set()
    layers = []
    for item in slices:
        patterns = [str(p) for p in item.get("paths", [])]
        chosen = [
            e
            for e in files
            if e.path not in taken
            and any(_in_glob(e.path[len("workspace/") :], p) for p in patterns)
        ]
        if chosen:
            taken.update(e.path for e in chosen)
            layers.append((f"app slice {len(layers) + 1}", _with_dirs(chosen, dirs)))
    rest = [e for e in files if e.path not in taken]
    layers.append(("app", _with_dirs(rest, dirs, everything=True)))
    return layers


def _in_glob(path: str, pattern: str) -> bool:
    """Does `pattern` match `path` or one of the directories above it?"""
    parts, pats = path.split("/"), pattern.strip("/").split("/")
    if len(pats) > len(parts):
        return False
    return all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts[: len(pats)], pats))


def _with_dirs(
    entries: list[Entry], dirs: dict[str, Entry], everything: bool = False
) -> list[Entry]:
    needed = set(dirs) if everything else {"workspace"}
    for e in entries:
        parts = e.path.split("/")[:-1]
        needed.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return [dirs[d] for d in sorted(needed) if d in dirs] + entries
