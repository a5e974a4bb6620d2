"""Real runtime servers on 127.0.0.1 for the REST tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

MODELS = Path(__file__).parent / "models"
REPO = Path(__file__).resolve().parents[2]
#: the interpreter the servers run on: set it to another Python's venv (with ./runtime
#: installed) to run this suite against that Python, e.g. one made by test_python_versions
RUNTIME_PYTHON = os.environ.get("SELDON_TEST_RUNTIME_PYTHON") or sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    metrics_url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def post(self, path: str, json=None, **kwargs) -> requests.Response:
        return requests.post(self.url + path, json=json, timeout=30, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return requests.get(self.url + path, timeout=30, **kwargs)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(
    tmp_path: Path,
    model: str,
    *args: str,
    env: dict | None = None,
    python: str = RUNTIME_PYTHON,
    cwd: Path = MODELS,
    wait: bool = True,
    command: list[str] | None = None,
) -> Server:
    """`python -m seldon_runtime MODEL ARGS`, or `command MODEL ARGS` (seldon-core's server)."""
    http, metrics = free_port(), free_port()
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PREDICTIVE_UNIT", "SELDON_", "GUNICORN_", "PROMETHEUS", "prometheus"))
    }
    full_env.update(
        {
            "PREDICTIVE_UNIT_HTTP_SERVICE_PORT": str(http),
            "PREDICTIVE_UNIT_METRICS_SERVICE_PORT": str(metrics),
            "SELDON_HOST": "127.0.0.1",
            "GRPC_WORKERS": "0",
            "PREDICTIVE_UNIT_GRPC_SERVICE_PORT": str(free_port()),
        }
    )
    full_env.update(env or {})
    log_path = tmp_path / f"server-{http}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [*(command or [python, "-m", "seldon_runtime"]), model, *args],
            cwd=cwd,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(proc, f"http://127.0.0.1:{http}", f"http://127.0.0.1:{metrics}", log_path)
    if wait:
        wait_ready(server)
    return server


def wait_ready(server: Server, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise AssertionError(f"server exited with {server.proc.returncode}:\n{server.log()}")
        try:
            if requests.get(server.url + "/health/ping", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    server.stop()
    raise AssertionError(f"server did not become ready:\n{server.log()}")


@pytest.fixture(scope="module")
def server_factory(tmp_path_factory):
    started: list = []
    tmp = tmp_path_factory.mktemp("servers")

    def factory(model: str, *args: str, **kwargs) -> Server:
        server = start_server(tmp, model, *args, **kwargs)
        started.append(server)
        return server

    yield factory
    for server in started:
        server.stop()
