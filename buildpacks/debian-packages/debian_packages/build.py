"""Download the requested Debian packages and their dependencies, and unpack them into a
layer that later buildpacks (compiling against it) and the image (loading from it) see.

The layer is reused while the requests, the archive configuration and the run
image's package set are unchanged; the reason for a rebuild is logged.
"""

from __future__ import annotations

from pathlib import Path

from debian_packages.apt import Apt, Package, source_files, status_file
from debian_packages.unpack import export_paths, relink_absolute, reprefix_pkgconfig, unpack
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.layers import Layers
from seldon_detect.cnb.sbom import EXTENSION, cyclonedx
from seldon_detect.debpackages import ENV_LIST, requested_packages
from seldon_detect.digests import digest_files
from seldon_detect.scribe import Scribe

LAYER = "packages"
APT_LAYER = "apt"


def build(ctx: BuildContext, scribe: Scribe) -> None:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    requests = requested_packages(ctx.app_dir, ctx.env(ENV_LIST))
    scribe.info("requested: " + ", ".join(f"{r.spec} ({r.source})" for r in requests))
    status, is_run_image = status_file()
    if not is_run_image:
        scribe.warn("The build image has no copy of the run image's package list, so "
                    "dependencies are resolved against the build image's. A library only "
                    "the build image has will be missing at run time; use the Seldon stack "
                    "images, or list that library too.")
    key = {
        "packages": sorted(r.spec for r in requests),
        "installed": digest_files([status], Path("/")),
        "sources": digest_files(source_files(), Path("/")),
        "target": ctx.target.key(),
        "buildpack": ctx.buildpack.version,
    }
    layers = Layers(ctx.layers_dir)
    layer = layers.get(LAYER, launch=True, build=True, cache=True)
    apt_layer = layers.get(APT_LAYER, cache=True)
    reasons = layer.changes(key, recorded=("unpacked",))
    if not reasons:
        packages = [Package(*p.split(" ")) for p in layer.previous.get("unpacked", [])]
        scribe.info(f"Reusing the Debian packages ({_count(packages)}): nothing they depend "
                    "on changed")
        # carried on, so the next change starts from warm lists and archives
        apt_layer.keep()
    else:
        scribe.info("Installing the Debian packages: " + ", ".join(reasons))
        apt = Apt(apt_layer.path, status, scribe)
        apt.update()
        planned = apt.resolve(requests)
        packages = _unpackable(planned, scribe)
        new = {p.name for p in planned}
        present = [r.spec for r in requests if r.name not in new]
        if present:
            scribe.info("already in the run image: " + ", ".join(present))
        layer.reset()
        if packages:
            with scribe.step(f"downloading {_count(packages)}"):
                apt.download([r.spec for r in requests])
            with scribe.step(f"unpacking into {layer.path}"):
                for package in packages:
                    unpack(apt.archive(package), layer.path)
                    scribe.detail(f"{package.name} {package.version}")
                relink_absolute(layer.path)
                reprefix_pkgconfig(layer.path)
        _prune_archives(apt_layer.path, planned)
        apt_layer.commit({"sources": key["sources"]})
    set_vars = export_paths(layer, ctx.target.arch)
    scribe.info(f"{_count(packages)}; " + (f"sets {', '.join(set_vars)}" if set_vars
                                                 else "nothing to add to the search paths"))
    layer.commit({**key, "unpacked": [f"{p.name} {p.version} {p.arch}" for p in packages]})
    sbom = cyclonedx([_component(p, ctx.target.distro_version) for p in packages], LAYER)
    (ctx.layers_dir / f"{LAYER}.sbom.{EXTENSION}").write_text(sbom, encoding="utf-8")


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
