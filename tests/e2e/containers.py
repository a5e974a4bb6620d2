"""Run built images as containers on 127.0.0.1 random ports and wait until they serve."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field

import grpc
import requests

from seldon_platform.engine import Engine

HTTP, GRPC, METRICS = 9000, 5000, 6000
READY_TIMEOUT = 90.0


class NotReady(AssertionError):
    pass


@dataclass
class Container:
    engine: Engine
    id: str
    image: str
    ports: dict[int, int] = field(default_factory=dict)
    started_at: float = field(default_factory=time.monotonic)
    ready_seconds: float | None = None  # from `run` to the first answer
    grpc_ready: bool = False

    def url(self, path: str = "", port: int = HTTP) -> str:
        return f"http://127.0.0.1:{self.ports[port]}{path}"

    def grpc_target(self, timeout: float = READY_TIMEOUT) -> str:
        """host:port of the gRPC server, once it accepts calls.

        REST and gRPC start independently (each loads the model in its own
        process), so REST answering says nothing about gRPC yet.
        """
        target = f"127.0.0.1:{self.ports[GRPC]}"
        if not self.grpc_ready:
            with grpc.insecure_channel(target) as channel:
                try:
                    grpc.channel_ready_future(channel).result(timeout=timeout)
                except grpc.FutureTimeoutError:
                    raise NotReady(f"{self.image} did not serve gRPC within {timeout:.0f}s:\n"
                                   f"{self.logs()[-4000:]}") from None
            self.grpc_ready = True
        return target

    def state(self) -> dict:
        proc = self.engine.run("inspect", self.id, check=False, capture=True)
        data = json.loads(proc.stdout or b"[]") if proc.returncode == 0 else []
        return (data[0].get("State") or {}) if data else {}

    def running(self) -> bool:
        return bool(self.state().get("Running"))

    def exit_code(self) -> int | None:
        state = self.state()
        return None if state.get("Running") else state.get("ExitCode")

    def logs(self) -> str:
        proc = self.engine.run("logs", self.id, check=False, capture=True)
        return (proc.stdout or b"").decode(errors="replace") + (proc.stderr or b"").decode(
            errors="replace")

    def booted_workers(self) -> list[int]:
        """PIDs of the REST workers started so far (gunicorn logs each one it boots)."""
        return [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", self.logs())]

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> float:
        """Poll /health/ping until it answers; seconds since `run`. Raises with the logs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                reply = requests.get(self.url("/health/ping"), timeout=2)
                if reply.status_code == 200:
                    self.ready_seconds = time.monotonic() - self.started_at
                    return self.ready_seconds
            except requests.RequestException:
                pass
            if not self.running():
                raise NotReady(f"{self.image} exited ({self.exit_code()}) before serving:\n"
                               f"{self.logs()[-4000:]}")
            time.sleep(0.25)
        raise NotReady(f"{self.image} did not answer /health/ping within {timeout:.0f}s:\n"
                       f"{self.logs()[-4000:]}")

    def wait_exit(self, timeout: float) -> int | None:
        """The exit code once the container has stopped, or None if it still runs."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.exit_code()
            if code is not None:
                return code
            time.sleep(0.2)
        return None

    def remove(self) -> None:
        self.engine.run("rm", "-f", "-t", "0", self.id, check=False, capture=True)


class ContainerRunner:
    """Starts containers and removes every one of them at the end of the session."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.started: list[Container] = []

    def start(self, image: str, *args: str, env: dict[str, str] | None = None,
              ports: tuple[int, ...] = (HTTP, GRPC, METRICS), command: tuple[str, ...] = (),
              ) -> Container:
        argv = ["run", "-d"]
        for port in ports:
            argv += ["-p", f"127.0.0.1::{port}"]
        for key, value in (env or {}).items():
            argv += ["-e", f"{key}={value}"]
        started_at = time.monotonic()
        proc = self.engine.run(*argv, *args, image, *command, capture=True)
        container = Container(self.engine, proc.stdout.decode().strip(), image,
                              started_at=started_at)
        self.started.append(container)
        for port in ports:
            host_port = self._host_port(container.id, port)
            if host_port:  # none when the container has already exited
                container.ports[port] = host_port
        return container

    def serve(self, image: str, *args: str, **kwargs) -> Container:
        """Start and wait until /health/ping answers."""
        container = self.start(image, *args, **kwargs)
        container.wait_ready()
        return container

    def _host_port(self, cid: str, port: int) -> int | None:
        proc = self.engine.run("port", cid, f"{port}/tcp", check=False, capture=True)
        lines = (proc.stdout or b"").decode().split()
        # "127.0.0.1:39383" (podman may print ":39383" when the host part is empty)
        return int(lines[0].rsplit(":", 1)[1]) if proc.returncode == 0 and lines else None

    def ready_times(self) -> dict[str, float]:
        """Image -> seconds from `run` to the first answer of its first container."""
        times: dict[str, float] = {}
        for container in self.started:
            if container.ready_seconds is not None:
                times.setdefault(container.image, container.ready_seconds)
        return times

    def close(self) -> None:
        for container in self.started:
            container.remove()
