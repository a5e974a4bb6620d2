"""Servers for the V2 / KServe V1 tests: seldon-runtime (REST + gRPC) and MLServer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from runtime_grpc.processes import Runtime, free_port

MODELS = Path(__file__).parent / "models"
REPO = Path(__file__).resolve().parents[2]
#: the classes of models/V2Models.py the tests serve, by V2 model name
SERVED = ("Echo", "SumProduct", "Tagged", "Words", "Fails", "Router")


class Ours(Runtime):
    def __init__(self, tmp_path, model: str, env: dict | None = None, args=()):
        env = {"SELDON_SERVED_MODEL_NAME": model, **(env or {})}
        super().__init__(tmp_path, [sys.executable, "-m", "seldon_runtime", f"V2Models.{model}",
                                    *args], env=env, cwd=MODELS)
        self.name = model
        self.url = f"http://127.0.0.1:{self.http}"
        self.grpc_url = f"127.0.0.1:{self.grpc_port}"


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    """seldon-runtime servers (REST and gRPC) by model name, started on first use."""
    started: dict[str, Ours] = {}

    def get(model: str) -> Ours:
        if model not in started:
            server = Ours(tmp_path_factory.mktemp("ours"), model)
            server.wait_rest()
            server.channel().close()
            started[model] = server
        return started[model]

    yield get
    for server in started.values():
        server.stop()


def mlserver_python() -> Path:
    sys.path.insert(0, str(REPO / "bench" / "runtime"))
    try:
        import mlserver_venv
    finally:
        sys.path.remove(str(REPO / "bench" / "runtime"))
    return mlserver_venv.ensure() / "bin" / "python"


class MLServer:
    """MLServer serving models/mlserver_models.py's wrappers, one per name."""

    def __init__(self, tmp_path: Path, names: tuple[str, ...]):
        self.http, self.grpc_port, metrics = free_port(), free_port(), free_port()
        root = tmp_path / "repository"
        for name in names:
            (root / name).mkdir(parents=True)
            (root / name / "model-settings.json").write_text(json.dumps(
                {"name": name, "implementation": f"mlserver_models.{name}"}))
        (root / "settings.json").write_text(json.dumps({
            "http_port": self.http, "grpc_port": self.grpc_port, "metrics_port": metrics,
            "host": "127.0.0.1", "parallel_workers": 0, "debug": False}))
        env = {**os.environ, "PYTHONPATH": str(MODELS)}
        self.log_path = tmp_path / "mlserver.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [str(mlserver_python().parent / "mlserver"), "start", str(root)], cwd=root,
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.http}"
        self.grpc_url = f"127.0.0.1:{self.grpc_port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log_path.read_text(errors="replace")
            try:
                if all(requests.get(f"{self.url}/v2/models/{n}/ready", timeout=1).ok
                       for n in names):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"MLServer never came up:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def mlserver(tmp_path_factory):
    server = MLServer(tmp_path_factory.mktemp("mlserver"), ("Echo", "SumProduct", "Words"))
    yield server
    server.stop()
