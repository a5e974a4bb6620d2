"""Check builder.toml against the packaged buildpacks, and create the builder with pack.

`check_builder` cross-checks builder.toml against every packaged buildpack.toml;
`create_builder` runs `pack builder create` when `pack` is installed, for the one
`[[targets]]` entry this machine runs (`create_command` builds its command line).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Mapping

from seldon_detect import tomlfile
from seldon_detect.scribe import Scribe

from .errors import BuilderFileUnreadable, BuilderMismatch, PackBuilderCreateFailed
from .lifecycle.buildenv import host_arch


def _load(path: Path) -> dict:
    try:
        return tomlfile.load_path(path)
    except (OSError, tomlfile.TOMLDecodeError) as err:
        raise BuilderFileUnreadable(str(err), location=str(path), path=path) from None


def check_builder(config: Path, buildpacks_dir: Path, scribe: Scribe) -> dict[str, dict]:
    """Cross-check builder.toml and the packaged buildpacks; return descriptors by id."""
    builder = _load(config)
    problems = []
    descriptors: dict[str, dict] = {}
    for entry in builder.get("buildpacks", []):
        uri = entry.get("uri", "")
        path = (config.parent / uri).resolve()
        if not (path / "buildpack.toml").is_file():
            problems.append(f"[[buildpacks]] uri {uri!r}: no buildpack.toml at {path}")
            continue
        desc = _load(path / "buildpack.toml")
        bp = desc.get("buildpack", {})
        if entry.get("id") and entry["id"] != bp.get("id"):
            problems.append(f"{uri}: builder says id {entry['id']}, buildpack.toml {bp.get('id')}")
        if entry.get("version") and entry["version"] != bp.get("version"):
            problems.append(f"{bp.get('id')}: builder says version {entry['version']}, "
                            f"buildpack.toml {bp.get('version')}")
        if desc.get("api") != "0.10":
            problems.append(f"{bp.get('id')}: api is {desc.get('api')!r}, expected \"0.10\"")
        arches = {(t.get("os"), t.get("arch")) for t in desc.get("targets", [])}
        for want in (("linux", "amd64"), ("linux", "arm64")):
            if want not in arches:
                problems.append(f"{bp.get('id')}: no [[targets]] for {want[0]}/{want[1]}")
        stacks = {s.get("id") for s in desc.get("stacks", [])}
        stack_id = builder.get("stack", {}).get("id")
        if stacks and not ({"*", stack_id} & stacks):
            problems.append(f"{bp.get('id')}: [[stacks]] does not allow {stack_id}")
        for phase in ("detect", "build"):
            if not os.access(path / "bin" / phase, os.X_OK):
                problems.append(f"{bp.get('id')}: bin/{phase} is missing or not executable")
        descriptors[bp.get("id")] = desc
    for packaged in sorted(buildpacks_dir.glob("*/buildpack.toml")):
        bp_id = _load(packaged).get("buildpack", {}).get("id")
        if bp_id not in descriptors:
            problems.append(f"{bp_id} is packaged in {buildpacks_dir} but not in [[buildpacks]]")
    groups = [g for order in builder.get("order", []) for g in [order.get("group", [])]]
    if not groups:
        problems.append("builder.toml has no [[order]] group")
    for group in groups:
        for ref in group:
            desc = descriptors.get(ref.get("id"))
            if desc is None:
                problems.append(f"order references {ref.get('id')}, which is not in [[buildpacks]]")
            elif ref.get("version") and ref["version"] != desc["buildpack"]["version"]:
                problems.append(f"order wants {ref['id']}@{ref['version']}, packaged "
                                f"{desc['buildpack']['version']}")
    for section, key in (("build", "image"), ("stack", "id"), ("stack", "build-image"),
                         ("stack", "run-image"), ("lifecycle", "version")):
        if not builder.get(section, {}).get(key):
            problems.append(f"builder.toml: [{section}] {key} is missing")
    run_images = [i.get("image") for i in builder.get("run", {}).get("images", [])]
    if builder.get("stack", {}).get("run-image") not in run_images:
        problems.append("builder.toml: [stack] run-image is not one of [[run.images]]")
    if builder.get("stack", {}).get("build-image") != builder.get("build", {}).get("image"):
        problems.append("builder.toml: [stack] build-image differs from [build] image")
    if problems:
        raise BuilderMismatch("\n".join(problems), location=str(config))
    scribe.info(f"builder.toml: {len(descriptors)} buildpacks, {len(groups)} order group(s): OK")
    return descriptors


def pack_target(target: Mapping) -> str:
    """One builder.toml `[[targets]]` entry as pack's `--target` value:
    `os[/arch[/variant]][:distro@version[;distro@version]]`."""
    platform = "/".join(target[key] for key in ("os", "arch", "variant") if target.get(key))
    distros = ";".join("@".join(filter(None, (d.get("name"), d.get("version"))))
                       for d in target.get("distros", []))
    return f"{platform}:{distros}" if distros else platform


def local_target(builder: Mapping, scribe: Scribe, arch: str | None = None) -> str | None:
    """The `--target` for a builder written to the local engine: pack takes only one there
    (it would write the image once per `[[targets]]` entry otherwise), and only the entry
    of this machine's platform runs on the stack images built here. None: pack's default."""
    targets = builder.get("targets", [])
    arch = arch or host_arch()
    mine = [t for t in targets if t.get("os") == "linux" and t.get("arch") == arch]
    if targets and not mine:
        scribe.warn(f"builder.toml has no [[targets]] entry for linux/{arch} (this "
                    "machine): pack makes the builder for each listed target in turn")
    return pack_target(mine[0]) if mine else None


def create_command(pack: str, config: Path, image: str, scribe: Scribe,
                   arch: str | None = None) -> list[str]:
    """`pack builder create` for the local engine, from the local stack images."""
    cmd = [pack, "builder", "create", image, "--config", str(config), "--pull-policy", "never"]
    target = local_target(_load(config), scribe, arch=arch)
    return cmd + ["--target", target] if target else cmd


def create_builder(config: Path, image: str, scribe: Scribe) -> bool:
    """Run `pack builder create` when pack is installed; return whether it ran."""
    pack = shutil.which("pack")
    if not pack:
        scribe.info("pack is not installed: builder.toml checked, `pack builder create` skipped")
        return False
    cmd = create_command(pack, config, image, scribe)
    with scribe.step(" ".join(["pack", *cmd[1:]])):
        result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise PackBuilderCreateFailed((result.stdout + result.stderr)[-3000:])
    return True
