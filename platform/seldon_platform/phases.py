"""Run the lifecycle phases in the build image as the CNB user.

Our Python lifecycle (`seldon_platform.lifecycle`, standard library only) is
mounted read-only and run by the build image's `python3 -I`. The workspace
and layers dirs are bind-mounted read-write; buildpacks, cache, the platform
dir (env files and binding copies) and wheels read-only. Secrets live only
under `/platform` and `/whl`, which the exporter never reads.
"""

from __future__ import annotations

import collections
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe, redact

from .engine import Engine
from .lifecycle.api import PLATFORM_API, escape_id
from .lifecycle.descriptor import Buildpack

PACKAGE_DIR = Path(__file__).resolve().parent
RUNNER = (
    "import sys; sys.path.insert(0, '/cnb/seldon'); "
    "from seldon_platform.lifecycle.main import main; sys.exit(main())"
)


@dataclass
class Mounts:
    workspace: Path
    layers: Path
    platform: Path
    build_config: Path
    order: Path
    cache: Path
    buildpacks: Iterable[Buildpack] = ()
    wheels: Path | None = None

    def args(self) -> list[str]:
        vols = [
            (PACKAGE_DIR, "/cnb/seldon/seldon_platform", "ro"),
            (self.workspace, "/workspace", "rw"),
            (self.layers, "/layers", "rw"),
            (self.platform, "/platform", "ro"),
            (self.build_config, "/cnb/build-config", "ro"),
            (self.order, "/cnb/order.toml", "ro"),
            (self.cache, "/cache", "ro"),
        ]
        vols += [
            (bp.path, f"/cnb/buildpacks/{escape_id(bp.id)}/{bp.version}", "ro")
            for bp in self.buildpacks
        ]
        if self.wheels:
            vols.append((self.wheels, "/whl", "ro"))
        out: list[str] = []
        for host, target, mode in vols:
            out += ["-v", f"{Path(host).resolve()}:{target}:{mode}"]
        return out


class PhaseFailure(Exception):
    def __init__(self, code: int, tail: list[str]):
        super().__init__(f"lifecycle exited with {code}")
        self.code = code
        self.tail = tail


def run_phases(
    engine: Engine,
    build_image: str,
    mounts: Mounts,
    phases: list[str],
    scribe: Scribe,
    uid: int = 1000,
    gid: int = 1000,
) -> None:
    name = f"seldon-build-{uuid.uuid4().hex[:12]}"
    cmd = engine.command(
        "run",
        "--rm",
        "--name",
        name,
        "--user",
        f"{uid}:{gid}",
        *engine.network_args(),
        *_userns_args(engine),
        "-e",
        f"CNB_PLATFORM_API={PLATFORM_API}",
        "-e",
        f"CNB_LOG_LEVEL={'debug' if scribe.verbose else 'info'}",
        *mounts.args(),
        "--entrypoint",
        "/usr/bin/python3",
        build_image,
        "-I",
        "-c",
        RUNNER,
        *phases,
    )
    tail: collections.deque[str] = collections.deque(maxlen=80)
    proc = subprocess.Popen(cmd, env=engine.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = redact(raw.decode("utf-8", errors="replace").rstrip("\n"))
            tail.append(line)
            if line.startswith("===> "):
                scribe.info(line)
            else:
                scribe.info("  " + line)
        code = proc.wait()
    except KeyboardInterrupt:
        engine.run("rm", "-f", name, check=False, capture=True)
        proc.kill()
        raise
    if code != 0:
        raise PhaseFailure(code, list(tail))


def _userns_args(engine: Engine) -> list[str]:
    # rootless podman: map the host user to the CNB user so bind mounts stay writable
    if engine.name == "podman" and os.geteuid() != 0:
        return ["--userns=keep-id:uid=1000,gid=1000"]
    return []


def chown_tree(path: Path, uid: int, gid: int) -> None:
    """Give the CNB user the dirs it writes (only possible, and only needed, as root)."""
    if os.geteuid() != 0:
        return
    subprocess.run(["chown", "-R", f"{uid}:{gid}", str(path)], check=True)


def explain(failure: PhaseFailure) -> UserError:
    """Turn a lifecycle exit code and the output's tail into a user-facing error."""
    text = "\n".join(failure.tail)
    detail = "\n".join(failure.tail[-15:])
    if failure.code in (20, 21):
        start = next((i for i, line in enumerate(failure.tail) if line.startswith("ERROR:")), 0)
        return UserError(
            title="No buildpack group applies to this source",
            cause="\n".join(failure.tail[start:]).removeprefix("ERROR: "),
            fix=[
                "Check that the source holds a model (e.g. MyModel.py with class MyModel and "
                "requirements.txt), or that --context-dir points at it.",
                "Run with -v to see every buildpack's detect output.",
            ],
        )
    for needle, title, fix in _CLASSES:
        if needle in text:
            return UserError(title=title, cause=detail, fix=fix)
    # a buildpack's own error message says more than the lifecycle's "buildpack X failed"
    own = [i for i, line in enumerate(failure.tail) if line.startswith("ERROR:")]
    if own:
        first = failure.tail[own[0]]
        cause = "\n".join(failure.tail[own[0] + 1 :]).strip("\n")
        return UserError(
            title=first.removeprefix("ERROR: "),
            cause=cause,
            fix=["Fix the cause shown above and build again."],
        )
    return UserError(
        title=f"The build failed (lifecycle exit {failure.code})",
        cause=detail,
        fix=["Read the build output above; fix the cause and build again."],
    )


_CLASSES = [
    (
        "No space left on device",
        "The disk is full",
        ["Free disk space (`podman system prune`), then build again."],
    ),
    (
        "No matching distribution found",
        "A Python dependency could not be found",
        ["Check the package name and version in requirements.txt, and any private index settings."],
    ),
    (
        "Could not find a version that satisfies",
        "A Python dependency could not be found",
        ["Check the package name and version in requirements.txt, and any private index settings."],
    ),
    (
        "Temporary failure in name resolution",
        "The build could not reach the network",
        ["Check network access to the package index, or use --wheels DIR for offline wheels."],
    ),
    (
        "ModuleNotFoundError",
        "The model code imports a module that is not installed",
        ["Add the missing package to requirements.txt."],
    ),
]
