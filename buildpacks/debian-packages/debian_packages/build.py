"""Download the requested Debian packages and their dependencies, and unpack them into a
layer that later buildpacks (compiling against it) and the image (loading from it) see.

The layer is reused while the requests, the archive configuration and the run
image's package set are unchanged; the reason for a rebuild is logged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from debian_packages.apt import Apt, Package, source_files, status_file
from debian_packages.unpack import relink_absolute, reprefix_pkgconfig, search_path_env, unpack
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.layers import LayerTypes
from seldon_detect.cnb.metadata import LayerMetadata, contents
from seldon_detect.cnb.result import BuildResult, LayerResult
from seldon_detect.cnb.reuse import LayersDir
from seldon_detect.cnb.sbom import cyclonedx
from seldon_detect.debpackages import ENV_LIST, requested_packages
from seldon_detect.digests import digest_files
from seldon_detect.scribe import Scribe

LAYER = "packages"
APT_LAYER = "apt"
APT_TYPES = LayerTypes(cache=True)


@dataclass(frozen=True)
class PackagesMetadata(LayerMetadata):
    #: the requested specs, sorted
    packages: tuple[str, ...]
    #: digest of the run image's dpkg status
    installed: str
    #: digest of the archive configuration
    sources: str
    target: str
    buildpack: str
    #: `<name> <version> <arch>` of each unpacked package
    unpacked: tuple[str, ...] = contents()


@dataclass(frozen=True)
class AptMetadata(LayerMetadata):
    """apt's lists and archives, carried on so the next change starts warm."""

    sources: str


def build(ctx: BuildContext, scribe: Scribe) -> BuildResult:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    requests = requested_packages(ctx.app_dir, ctx.env(ENV_LIST))
    scribe.info("requested: " + ", ".join(f"{r.spec} ({r.source})" for r in requests))
    status, is_run_image = status_file()
    if not is_run_image:
        scribe.warn("The build image has no copy of the run image's package list, so "
                    "dependencies are resolved against the build image's. A library only "
                    "the build image has will be missing at run time; use the Seldon stack "
                    "images, or list that library too.")
    key = PackagesMetadata(
        packages=tuple(sorted(r.spec for r in requests)),
        installed=digest_files([status], Path("/")),
        sources=digest_files(source_files(), Path("/")),
        target=ctx.target.key(),
        buildpack=ctx.buildpack.version,
    )
    layers = LayersDir(ctx.layers_dir)
    path = layers.layer_path(LAYER)
    reuse = layers.reuse(LAYER, key)
    if reuse.reused and reuse.previous is not None:
        packages = [Package(*p.split(" ")) for p in reuse.previous.unpacked]
        scribe.info(f"Reusing the Debian packages ({_count(packages)}): nothing they depend "
                    "on changed")
        apt_layer = layers.carry(APT_LAYER, APT_TYPES, AptMetadata)
    else:
        scribe.info("Installing the Debian packages: " + ", ".join(reuse.reasons))
        apt_home = layers.layer_path(APT_LAYER)
        apt = Apt(apt_home, status, scribe)
        apt.update()
        planned = apt.resolve(requests)
        packages = _unpackable(planned, scribe)
        new = {p.name for p in planned}
        present = [r.spec for r in requests if r.name not in new]
        if present:
            scribe.info("already in the run image: " + ", ".join(present))
        layers.fresh(LAYER)
        if packages:
            with scribe.step(f"downloading {_count(packages)}"):
                apt.download([r.spec for r in requests])
            with scribe.step(f"unpacking into {path}"):
                for package in packages:
                    unpack(apt.archive(package), path)
                    scribe.detail(f"{package.name} {package.version}")
                relink_absolute(path)
                reprefix_pkgconfig(path)
        _prune_archives(apt_home, planned)
        apt_layer = LayerResult(APT_LAYER, APT_TYPES, AptMetadata(key.sources))
    env = search_path_env(path, ctx.target.arch)
    set_vars = env.names()
    scribe.info(f"{_count(packages)}; " + (f"sets {', '.join(set_vars)}" if set_vars
                                                 else "nothing to add to the search paths"))
    metadata = replace(key, unpacked=tuple(f"{p.name} {p.version} {p.arch}" for p in packages))
    sbom = cyclonedx([_component(p, ctx.target.distro_version) for p in packages], LAYER)
    layer = LayerResult(LAYER, LayerTypes(launch=True, build=True, cache=True), metadata, env,
                        sbom=sbom)
    return BuildResult(layers=(layer,) + ((apt_layer,) if apt_layer else ()))


def _count(packages: list[Package]) -> str:
    return f"{len(packages)} package" + ("" if len(packages) == 1 else "s")


def _unpackable(planned: list[Package], scribe: Scribe) -> list[Package]:
    """Leave out packages the run image has (in another version): a second copy of, say,
    libc6 in a layer would shadow the image's own and break it."""
    kept = []
    for package in planned:
        if package.replaces:
            scribe.warn(f"{package.name} {package.replaces} is in the run image; apt offers "
                        f"{package.version}, which is not unpacked. Rebuild the stack images "
                        "to update it.")
        else:
            kept.append(package)
    return kept


def _prune_archives(apt_home: Path, keep: list[Package]) -> None:
    """The cache layer keeps only the archives of this build."""
    wanted = {p.archive_name for p in keep}
    for deb in (apt_home / "cache" / "archives").glob("*.deb"):
        if deb.name not in wanted:
            deb.unlink()


def _component(package: Package, distro_version: str) -> dict:
    return {"type": "library", "name": package.name, "version": package.version,
            "purl": f"pkg:deb/debian/{package.name}@{package.version}?arch={package.arch}"
                    + (f"&distro=debian-{distro_version}" if distro_version else "")}
