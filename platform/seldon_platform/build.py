"""`seldon-build build`: source -> detect/restore/build in the build image -> export -> image."""

from __future__ import annotations

import errno
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from seldon_detect import tomlfile
from seldon_detect.scribe import Scribe

from . import host_tools
from . import source as sources
from .builder_config import load_builder
from .cache import Cache, default_root
from .engine import Engine, find_engine
from .errors import BindingNameTaken, BindingWithoutType, DiskFull, ImageNotExported
from .exporter.export import ExportError, ExportResult, Previous, export
from .exporter.oci import Layout, write_archive
from .imagestore import ImageStore
from .lifecycle.descriptor import Buildpack
from .packaging import ensure_packaged
from .phases import Mounts, PhaseFailure, chown_tree, explain, run_phases
from .project import apply_to_order, load_project
from .stacks import ensure_build_image

CNB_UID = CNB_GID = 1000


@dataclass
class BuildOptions:
    source: str
    tag: str
    env: dict[str, str] = field(default_factory=dict)
    #: labels the platform puts on the image (seldon-s2i's s2i labels)
    labels: dict[str, str] = field(default_factory=dict)
    context_dir: str = ""
    ref: str = ""
    wheels: Path | None = None
    bindings: list[Path] = field(default_factory=list)
    builder: Path | None = None
    buildpacks_dir: Path | None = None
    clear_cache: bool = False
    output: str = "engine"  # engine | oci-layout | oci-archive
    output_path: Path | None = None
    process_type: str | None = None
    cache_root: Path | None = None


@dataclass
class BuildResult:
    image_id: str
    export: ExportResult
    cached_layers: list[str]
    seconds: float


def build(opts: BuildOptions, scribe: Scribe, engine: Engine | None = None) -> BuildResult:
    start = time.monotonic()
    host_tools.require(host_tools.BUILD, "seldon-build build")
    engine = engine or find_engine()
    store = ImageStore(engine)
    src = sources.fetch(opts.source, opts.ref, opts.context_dir)
    project = load_project(src.root)
    buildpacks_dir = opts.buildpacks_dir
    if buildpacks_dir is None and opts.builder is None:
        buildpacks_dir = ensure_packaged(scribe)  # the tool's own builder: packaged on first use
    builder = load_builder(opts.builder, buildpacks_dir)
    ensure_build_image(engine, builder.build_image, scribe)
    cache = Cache(opts.cache_root or default_root(), store.ref(opts.tag))
    try:
        with cache.locked():
            if opts.clear_cache:
                scribe.info("Clearing the build cache")
                cache.clear()
            work = cache.work_dir()
            try:
                return _build_in(
                    work, opts, scribe, engine, store, src, project, builder, cache, start
                )
            finally:
                cache.discard(work)
    except OSError as err:
        if err.errno == errno.ENOSPC:
            raise DiskFull(str(err)) from err
        raise
    finally:
        if src.cleanup:
            src.cleanup.cleanup()


def _build_in(
    work, opts, scribe, engine, store, src, project, builder, cache, start
) -> BuildResult:
    workspace, layers, platform = work / "workspace", work / "layers", work / "platform"
    with scribe.step("Preparing the source"):
        count = sources.copy_app(src.root, workspace, project.include, project.exclude)
        scribe.detail(f"{count} files from {src.root}")
    layers.mkdir()
    write_platform_dir(platform, {**project.build_env, **opts.env}, opts.bindings)
    build_config = work / "build-config"
    write_build_config(build_config, builder.build_env)
    order = apply_to_order(builder.order, project)
    tomlfile.write(
        work / "order.toml", {"order": [{"group": [e.to_toml() for e in g]} for g in order]}
    )
    previous = Previous()
    if opts.output == "engine":
        previous.metadata, previous.sizes = store.previous(opts.tag)
        previous.cached = cache.entries()
    analyzed = {"image": {"reference": opts.tag}, "metadata": previous.metadata}
    tomlfile.write(layers / "analyzed.toml", analyzed)
    for tree in (workspace, layers, platform):
        chown_tree(tree, CNB_UID, CNB_GID)
    mounts = Mounts(
        workspace=workspace,
        layers=layers,
        platform=platform,
        build_config=build_config,
        order=work / "order.toml",
        cache=cache.ensure(),
        buildpacks=_buildpacks(builder, project.own_buildpacks(work)),
        wheels=readable_wheels(opts.wheels, work),
    )
    try:
        with scribe.step("Running the buildpacks in the build image"):
            run_phases(engine, builder.build_image, mounts, ["detect", "restore", "build"], scribe)
    except PhaseFailure as failure:
        raise explain(failure) from None
    with scribe.step("Exporting the image"):
        run = store.run_image(builder.run_image)
        layout = Layout(work / "oci")
        try:
            result = export(
                layers,
                workspace,
                run,
                layout,
                opts.tag,
                previous,
                src.metadata,
                opts.process_type,
                CNB_UID,
                CNB_GID,
                platform_labels=opts.labels,
            )
        except ExportError as err:
            raise ImageNotExported(str(err)) from err
        for report in result.reports:
            line = f"{report.status:9} {report.name} ({_size(report.size)}) {report.digest[7:19]}"
            scribe.info(line + (f": {report.reason}" if report.reason else ""))
        _write_output(opts, store, layout, run.reference, cache, scribe)
    group = tomlfile.read(layers / "group.toml").get("group", [])
    cached = cache.commit(layers, group, result.layer_digests)
    scribe.detail(f"cached layers: {', '.join(cached) or 'none'}")
    seconds = time.monotonic() - start
    scribe.info(f"Built {opts.tag} ({result.image_id[7:19]}) in {seconds:.1f}s")
    return BuildResult(result.image_id, result, cached, seconds)


def write_platform_dir(platform: Path, env: dict[str, str], bindings: list[Path]) -> None:
    """`<platform>/env/NAME` files and copies of the bindings, private to the CNB user.

    Bindings are copied (they are small) rather than mounted, so the build
    user can read them whatever their owner and mode on the host; the work
    dir holding the copies is deleted after the build.
    """
    (platform / "env").mkdir(parents=True)
    for name, value in env.items():
        (platform / "env" / name).write_text(value, encoding="utf-8")
    for path in bindings:
        target = platform / "bindings" / path.name
        if target.exists():
            raise BindingNameTaken("Each binding appears at /platform/bindings/<directory name>.",
                                   name=path.name)
        if not ((path / "type").is_file() or (path / "metadata" / "kind").is_file()):
            raise BindingWithoutType(
                "A service binding is a directory with a `type` file and one file per entry "
                "(or a legacy CNB binding with metadata/kind).", path=path)
        shutil.copytree(path, target, symlinks=False)
    for directory in [platform, *platform.rglob("*")]:
        if directory.is_dir():
            directory.chmod(0o700)


def write_build_config(build_config: Path, items: list[dict]) -> None:
    """The builder's `[[build.env]]` as operator env files (`NAME.<suffix>`)."""
    (build_config / "env").mkdir(parents=True)
    for item in items:
        suffix = item.get("suffix", "default")
        target = build_config / "env" / f"{item['name']}.{suffix}"
        target.write_text(str(item.get("value", "")), encoding="utf-8")
        if item.get("delim"):
            delim = build_config / "env" / f"{item['name']}.delim"
            delim.write_text(item["delim"], encoding="utf-8")


def readable_wheels(wheels: Path | None, work: Path) -> Path | None:
    """The wheel folder to mount at /whl; copied when the CNB user could not read it."""
    if wheels is None:
        return None
    if wheels.stat().st_mode & 0o005 == 0o005:
        return wheels
    copy = work / "wheels"
    shutil.copytree(wheels, copy)
    chown_tree(copy, CNB_UID, CNB_GID)
    return copy


def _buildpacks(builder, own: list[Buildpack]) -> list[Buildpack]:
    """The builder's buildpacks and the project's own (which win for the same id@version)."""
    found = {(bp.id, bp.version): bp for bp in [*builder.buildpacks.values(), *own]}
    return list(found.values())


def _write_output(
    opts, store: ImageStore, layout: Layout, run_ref: str, cache: Cache, scribe: Scribe
) -> None:
    if opts.output == "engine":
        if store.needs_all_blobs:
            store.fill_blobs(layout, run_ref, cache.dir.parent)
            if store.engine.image_exists(store.ref(opts.tag)):
                store.fill_blobs(layout, opts.tag)  # layers kept from the previous image
        store.load(layout.root, opts.tag, opts.tag)
        scribe.info(f"Loaded {store.ref(opts.tag)} into {store.engine.name}")
        return
    store.fill_blobs(layout, run_ref, cache.dir.parent)
    out = opts.output_path
    if opts.output == "oci-layout":
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(layout.root, out)
    else:
        write_archive(layout.root, out)
    scribe.info(f"Wrote {opts.output} {out}")


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)
