"""What the lifecycle hands a buildpack: directories, plan paths, target, user env.

Buildpack API 0.10 passes everything as `CNB_*` variables; the deprecated
positional arguments are used when a variable is missing, so older platforms
work too. `CNB_TARGET_*` may be absent (platforms below 0.12, kpack): the
target then comes from `/etc/os-release` and the machine.
"""

from __future__ import annotations

import os
import platform as _platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from seldon_detect import tomlfile
from seldon_detect.cnb.bindings import Binding, read_bindings

_ARCHES = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64", "amd64": "amd64"}


@dataclass(frozen=True)
class Target:
    os: str
    arch: str
    distro_name: str = ""
    distro_version: str = ""

    def key(self) -> str:
        return f"{self.os}/{self.arch}/{self.distro_name}@{self.distro_version}"


@dataclass
class BuildpackInfo:
    id: str
    version: str
    api: str
    dir: Path


@dataclass
class Context:
    """Inputs common to detect and build."""

    app_dir: Path
    buildpack: BuildpackInfo
    platform_dir: Path
    target: Target
    #: user variables from `<platform>/env/` (pack -e, kpack env), never stored anywhere
    platform_env: dict[str, str] = field(default_factory=dict)
    bindings: list[Binding] = field(default_factory=list)
    exec_env: str = "production"

    def env(self, key: str, default: str = "") -> str:
        """A user setting: `<platform>/env/KEY`, else the process environment."""
        return self.platform_env.get(key, os.environ.get(key, default))


@dataclass
class DetectContext(Context):
    plan_path: Path = Path("/dev/null")


@dataclass
class BuildContext(Context):
    layers_dir: Path = Path(".")
    plan_path: Path = Path("/dev/null")


def _arg(env: Mapping[str, str], name: str, argv: Sequence[str], index: int) -> Path:
    value = env.get(name) or (argv[index] if len(argv) > index else "")
    if not value:
        raise SystemExit(f"{name} is not set and no positional argument was given")
    return Path(value)


def read_platform_env(platform_dir: Path) -> dict[str, str]:
    env_dir = platform_dir / "env"
    if not env_dir.is_dir():
        return {}
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(env_dir.iterdir())
        if p.is_file()
    }


def read_os_release(path: Path = Path("/etc/os-release")) -> tuple[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "", ""
    fields = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            fields[key.strip()] = value.strip().strip('"')
    return fields.get("ID", ""), fields.get("VERSION_ID", "")


def current_target(env: Mapping[str, str]) -> Target:
    distro = env.get("CNB_TARGET_DISTRO_NAME", "")
    version = env.get("CNB_TARGET_DISTRO_VERSION", "")
    if not distro:
        distro, version = read_os_release()
    machine = _platform.machine()
    return Target(
        os=env.get("CNB_TARGET_OS") or "linux",
        arch=env.get("CNB_TARGET_ARCH") or _ARCHES.get(machine, machine),
        distro_name=distro,
        distro_version=version,
    )


def _base(env: Mapping[str, str], platform_dir: Path) -> dict:
    bp_dir = Path(env.get("CNB_BUILDPACK_DIR") or Path(__file__).resolve().parents[3])
    descriptor = tomlfile.load_path(bp_dir / "buildpack.toml")
    info = BuildpackInfo(
        id=descriptor["buildpack"]["id"],
        version=descriptor["buildpack"]["version"],
        api=descriptor["api"],
        dir=bp_dir,
    )
    platform_env = read_platform_env(platform_dir)
    return dict(
        app_dir=Path.cwd(),
        buildpack=info,
        platform_dir=platform_dir,
        target=current_target(env),
        platform_env=platform_env,
        bindings=read_bindings(platform_dir, platform_env),
        exec_env=env.get("CNB_EXEC_ENV") or "production",
    )


def detect_context(argv: Sequence[str], env: Mapping[str, str] = os.environ) -> DetectContext:
    platform_dir = _arg(env, "CNB_PLATFORM_DIR", argv, 0)
    return DetectContext(
        **_base(env, platform_dir), plan_path=_arg(env, "CNB_BUILD_PLAN_PATH", argv, 1)
    )


def build_context(argv: Sequence[str], env: Mapping[str, str] = os.environ) -> BuildContext:
    platform_dir = _arg(env, "CNB_PLATFORM_DIR", argv, 1)
    return BuildContext(
        **_base(env, platform_dir),
        layers_dir=_arg(env, "CNB_LAYERS_DIR", argv, 0),
        plan_path=_arg(env, "CNB_BP_PLAN_PATH", argv, 2),
    )
