"""The environment detect and build see, layered as the Platform API says.

Order: the lifecycle's own allow-listed variables, then (for build) what
earlier buildpacks' build layers added, then the user's `<platform>/env`
(skipped for `clear-env` buildpacks), then the operator's build-config env,
and last the `CNB_*` inputs of the phase, which nothing overrides (upstream
appends them after the overrides).
"""

from __future__ import annotations

import os
import platform as _platform
from pathlib import Path
from typing import Mapping

from . import envfiles
from .api import PASSTHROUGH_ENV, PATH_VARS, api_at_least

_ARCH = {
    "x86_64": "amd64",
    "aarch64": "arm64",
    "armv7l": "arm",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
}


def lifecycle_env(environ: Mapping[str, str]) -> dict[str, str]:
    """Only the variables a buildpack may see from the build image's environment."""
    return {k: v for k, v in environ.items() if k in PASSTHROUGH_ENV or k in PATH_VARS}


def host_arch() -> str:
    """This machine's architecture as OCI platforms and CNB targets name it (amd64, arm64)."""
    machine = _platform.machine()
    return _ARCH.get(machine, machine)


def target_env(api: str, os_release: str | os.PathLike = "/etc/os-release") -> dict[str, str]:
    """`CNB_TARGET_*` for a buildpack of Buildpack API `api` (0.10 and later get them)."""
    return run_image_target(os_release) if api_at_least(api, "0.10") else {}


def run_image_target(os_release: str | os.PathLike = "/etc/os-release") -> dict[str, str]:
    """The target builds are for, as `CNB_TARGET_*`: this machine, on the stack's distro
    (the build image's, which is the run image's)."""
    env = {"CNB_TARGET_OS": "linux", "CNB_TARGET_ARCH": host_arch()}
    release = _os_release(Path(os_release))
    if release.get("ID"):
        env["CNB_TARGET_DISTRO_NAME"] = release["ID"]
    if release.get("VERSION_ID"):
        env["CNB_TARGET_DISTRO_VERSION"] = release["VERSION_ID"]
    return env


def buildpack_env(
    base: Mapping[str, str],
    api: str,
    clear_env: bool,
    platform_dir: str | os.PathLike,
    build_config_dir: str | os.PathLike,
    inputs: Mapping[str, str],
) -> dict[str, str]:
    """The env of one buildpack's detect or build; `inputs` are its `CNB_*` paths."""
    env = dict(base)
    if not clear_env:
        add_user_env(env, platform_dir)
    add_build_config_env(env, build_config_dir)
    env.update(inputs)
    env.update(target_env(api))
    return env


def add_user_env(env: dict[str, str], platform_dir: str | os.PathLike) -> None:
    """`<platform>/env/NAME` files: path vars are prepended, others override."""
    directory = Path(platform_dir) / "env"
    if not directory.is_dir():
        return
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        value = path.read_bytes().decode("utf-8", errors="surrogateescape")
        if path.name in PATH_VARS:
            envfiles.apply_one(env, path.name, "prepend", value, os.pathsep)
        else:
            env[path.name] = value


def add_build_config_env(env: dict[str, str], build_config_dir: str | os.PathLike) -> None:
    envfiles.apply_dir(env, Path(build_config_dir) / "env", plain="default")


def _os_release(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return out
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip().strip('"')
    return out
