"""Server processes for the tests: ours or seldon-core's, on free local ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time

import grpc
import requests

from .conftest import MODELS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Runtime:
    """A server process (ours or seldon-core's) on free 127.0.0.1 ports."""

    def __init__(self, tmp_path, argv, env=None, cwd=MODELS):
        self.http, self.grpc_port, self.metrics = free_port(), free_port(), free_port()
        full_env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PREDICTIVE_UNIT", "SELDON_", "GRPC_", "GUNICORN_"))}
        full_env.update({
            "PREDICTIVE_UNIT_HTTP_SERVICE_PORT": str(self.http),
            "PREDICTIVE_UNIT_GRPC_SERVICE_PORT": str(self.grpc_port),
            "PREDICTIVE_UNIT_METRICS_SERVICE_PORT": str(self.metrics),
            "SELDON_HOST": "127.0.0.1",
            **(env or {}),
        })
        self.log_path = tmp_path / f"runtime-{self.http}.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                argv, cwd=cwd,
                env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_rest(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log()
            try:
                requests.get(f"http://127.0.0.1:{self.http}/health/ping", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.05)
        raise AssertionError(f"REST never came up:\n{self.log()}")

    def channel(self, port=None, timeout=30):
        channel = grpc.insecure_channel(f"127.0.0.1:{port or self.grpc_port}")
        try:
            grpc.channel_ready_future(channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise AssertionError(f"gRPC never came up:\n{self.log()}") from None
        return channel

    def children(self) -> list[int]:
        return children_of(self.proc.pid)

    def stop(self, grace: float = 20):
        """SIGTERM, then after `grace` seconds SIGKILL to the whole process group."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # stragglers of either server
        except ProcessLookupError:
            pass
        self.proc.wait()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its reaper counts as gone
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return [int(p) for p in out.split()]


