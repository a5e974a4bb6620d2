"""Find and drive the container engine (podman preferred, docker accepted).

Nothing else in the project calls `podman` or `docker` directly: it asks this
module for an `Engine` and uses its methods, so both engines behave the same.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from .errors import DockerApiNotStarted, EngineCommandFailed, NoEngine, PlatformError, UnknownEngine
from .podman_host import (
    CONTAINER_COMMANDS,
    PodmanInfo,
    global_args,
    rlimit_error,
    service_env,
    ulimit_args,
)

HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
SUPPORTED = ("podman", "docker")


@dataclass
class Engine:
    """A container engine CLI: `name` is "podman" or "docker", `binary` its path."""

    name: str
    binary: str
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    _podman: PodmanInfo | None = field(default=None, repr=False, compare=False)

    def podman_info(self) -> PodmanInfo:
        """`podman info`, read once (the runtime, cgroup manager and version in use)."""
        if self._podman is None:
            self._podman = PodmanInfo.read(self.binary, self.env)
        return self._podman

    def command(self, *args: str) -> list[str]:
        """The argv of one engine command, with the settings this host needs (podman_host)."""
        if self.name != "podman" or not args:
            return [self.binary, *args]
        settings = global_args(self.podman_info())
        if args[0] in CONTAINER_COMMANDS:
            return [self.binary, *settings, args[0], *ulimit_args(args[1:]), *args[1:]]
        return [self.binary, *settings, *args]

    def run(
        self,
        *args: str,
        check: bool = True,
        capture: bool = False,
        input: bytes | None = None,
        stdin=None,
    ) -> subprocess.CompletedProcess:
        """Run one engine command; a failure with `check` becomes a `UserError`."""
        proc = subprocess.run(
            self.command(*args),
            env=self.env,
            input=input,
            stdin=stdin,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.PIPE if capture else None,
        )
        if check and proc.returncode != 0:
            raise self.failure(args, proc)
        return proc

    def failure(self, args: Sequence[str], proc: subprocess.CompletedProcess) -> PlatformError:
        err = proc.stderr.decode(errors="replace").strip() if proc.stderr else ""
        out = proc.stdout.decode(errors="replace").strip() if proc.stdout else ""
        if out:
            # builds print the failing step's output on stdout, the verdict on stderr
            err = f"{out[-1500:]}\n{err}".strip()
        classified = rlimit_error(err)
        if classified is not None:
            return classified
        hint = [f"Run `{self.name} {' '.join(args[:2])} ...` by hand to see the full error."]
        if "cgroup" in err:
            hint.insert(0, "`seldon-build doctor` shows the engine's runtime, cgroup version "
                           "and limits, and what to change.")
        return EngineCommandFailed(err[-2000:] or "The engine printed nothing on standard error.",
                                   fix=hint, engine=self.name, command=args[0] if args else "",
                                   code=proc.returncode)

    def image_inspect(self, ref: str) -> dict | None:
        """The image's inspect document, or None when the engine has no such image."""
        proc = self.run("image", "inspect", ref, check=False, capture=True)
        if proc.returncode != 0:
            return None
        data = json.loads(proc.stdout or b"[]")
        return data[0] if data else None

    def image_exists(self, ref: str) -> bool:
        return self.image_inspect(ref) is not None

    def image_labels(self, ref: str) -> dict[str, str]:
        return labels_of(self.image_inspect(ref) or {})

    def network_args(self) -> list[str]:
        """Arguments that let a container reach the package indexes like the host does."""
        args = ["--network=host"]
        if HOST_CA_BUNDLE.is_file():
            args += ["-v", f"{HOST_CA_BUNDLE}:{HOST_CA_BUNDLE}:ro"]
        return args


def labels_of(info: dict) -> dict[str, str]:
    """The labels of an image inspect document (podman and docker place them alike)."""
    config = info.get("Config") or {}
    return dict(config.get("Labels") or info.get("Labels") or {})


def find_engine(env: Mapping[str, str] | None = None) -> Engine:
    """Pick the engine: `SELDON_ENGINE` if set, else podman, else docker.

    Raises a `UserError` saying how to install one when neither works.
    """
    env = dict(os.environ if env is None else env)
    wanted = env.get("SELDON_ENGINE", "").strip()
    if wanted and wanted not in SUPPORTED:
        raise UnknownEngine("Only podman and docker are supported.", name=wanted)
    for name in [wanted] if wanted else list(SUPPORTED):
        binary = shutil.which(name, path=env.get("PATH"))
        if binary and (name == "podman" or _docker_daemon_answers(binary, env)):
            return Engine(name=name, binary=binary, env=env)
    raise NoEngine(f"Looked for {wanted or 'podman, then docker'} on PATH. The `docker` client "
                   "alone is not enough: it needs a running Docker daemon.")


def _docker_daemon_answers(binary: str, env: Mapping[str, str]) -> bool:
    try:
        proc = subprocess.run(
            [binary, "info", "--format", "{{.ServerVersion}}"],
            env=dict(env),
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


@contextlib.contextmanager
def docker_api_socket(engine: Engine, socket_path: Path) -> Iterator[str]:
    """Serve a Docker-compatible API for `engine`; yields the DOCKER_HOST value.

    With docker the daemon's own socket is used as it is. With podman a
    `podman system service` is started on `socket_path` and stopped on exit.
    """
    if engine.name == "docker":
        yield engine.env.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        return
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        socket_path.unlink()
    url = f"unix://{socket_path}"
    env = service_env(engine.env, engine.podman_info(), socket_path.parent)
    proc = subprocess.Popen(
        engine.command("system", "service", "--time=0", url),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while not socket_path.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise DockerApiNotStarted(
                    err[-2000:] or f"No socket appeared at {socket_path} within 30 s.", url=url)
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        with contextlib.suppress(FileNotFoundError):
            socket_path.unlink()
