"""Engine discovery and the Docker-compatible API socket."""

from __future__ import annotations

import http.client
import json
import os
import socket
import stat
from pathlib import Path

import pytest

from seldon_detect.errors import UserError
from seldon_platform.engine import Engine, find_engine


def fake_tool(bin_dir: Path, name: str, exit_code: int = 0) -> None:
    bin_dir.mkdir(exist_ok=True)
    tool = bin_dir / name
    tool.write_text(f"#!/bin/sh\nexit {exit_code}\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)


def test_podman_is_preferred_over_docker(tmp_path: Path):
    fake_tool(tmp_path, "podman")
    fake_tool(tmp_path, "docker")
    assert find_engine({"PATH": str(tmp_path)}).name == "podman"


def test_docker_is_used_when_its_daemon_answers(tmp_path: Path):
    fake_tool(tmp_path, "docker", exit_code=0)
    engine = find_engine({"PATH": str(tmp_path)})
    assert (engine.name, engine.binary) == ("docker", str(tmp_path / "docker"))


def test_a_docker_client_without_a_daemon_is_not_an_engine(tmp_path: Path):
    fake_tool(tmp_path, "docker", exit_code=1)
    with pytest.raises(UserError) as err:
        find_engine({"PATH": str(tmp_path)})
    text = err.value.render()
    assert "No working container engine" in text
    assert "apt-get install podman" in text and "docker info" in text


def test_seldon_engine_forces_a_choice_and_rejects_unknown_names(tmp_path: Path):
    fake_tool(tmp_path, "podman")
    fake_tool(tmp_path, "docker")
    env = {"PATH": str(tmp_path), "SELDON_ENGINE": "docker"}
    assert find_engine(env).name == "docker"
    with pytest.raises(UserError, match="SELDON_ENGINE='nerdctl'"):
        find_engine({**env, "SELDON_ENGINE": "nerdctl"})


def test_a_failed_engine_command_is_a_user_error_with_its_stderr(tmp_path: Path):
    tool = tmp_path / "podman"
    tool.write_text("#!/bin/sh\necho 'error setting rlimit type 7' >&2\nexit 125\n")
    tool.chmod(0o755)
    engine = Engine(name="podman", binary=str(tool), env={"PATH": str(tmp_path)})
    with pytest.raises(UserError) as err:
        engine.run("run", "x", capture=True)
    text = err.value.render()
    assert "rlimit type 7" in text and "--ulimit nofile=" in text  # classified: see podman_host


def test_network_args_use_host_network():
    args = Engine(name="podman", binary="podman").network_args()
    assert args[0] == "--network=host"


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("localhost")
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


@pytest.mark.engine
def test_docker_api_socket_serves_the_engine_images(engine, stack_images, docker_api):
    assert os.environ["DOCKER_HOST"] == docker_api
    path = docker_api.removeprefix("unix://")
    conn = UnixHTTPConnection(path)
    conn.request("GET", "/v1.41/images/json")
    resp = conn.getresponse()
    assert resp.status == 200
    tags = {t for image in json.loads(resp.read()) for t in image.get("RepoTags") or []}
    assert stack_images.run in tags
