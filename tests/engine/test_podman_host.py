"""The settings podman needs on hosts like CI's, applied by the platform itself (no
CONTAINERS_CONF): limits within the host's, runtime and cgroup manager, classified errors."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seldon_detect.errors import UserError
from seldon_platform import podman_host
from seldon_platform.engine import Engine
from seldon_platform.podman_host import PodmanInfo, global_args, rlimit_error, service_env

#: what runc 1.1 printed on this project's CI host for `podman run IMAGE` (podman 4.3,
#: hard nofile 20000): the text the classification must recognise
REAL_RLIMIT_ERROR = (
    "Error: runc: runc create failed: unable to start container process: error during "
    "container init: error setting rlimits for ready process: error setting rlimit type 7: "
    "operation not permitted: OCI permission denied\n"
)


def _hard(res: int) -> int:
    return resource.getrlimit(res)[1]


def test_ulimits_stay_within_this_process_hard_limits():
    values = podman_host.ulimit_values()
    for name, res in (("nofile", resource.RLIMIT_NOFILE), ("nproc", resource.RLIMIT_NPROC)):
        hard = _hard(res)
        assert 0 < values[name] <= (hard if hard != resource.RLIM_INFINITY else values[name])


def test_a_lower_hard_limit_gives_lower_ulimits():
    """Measured in a child whose hard nofile is lowered for real (not a patched getrlimit)."""
    code = ("import resource; resource.setrlimit(resource.RLIMIT_NOFILE, (900, 900)); "
            "from seldon_platform.podman_host import ulimit_args; print(ulimit_args())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "--ulimit=nofile=900:900" in out.stdout


def test_only_container_commands_get_flags_and_a_callers_ulimit_wins():
    engine = Engine(name="podman", binary="podman", _podman=PodmanInfo(cgroup_manager="cgroupfs"))
    run = engine.command("run", "--rm", "img")
    assert run[:2] == ["podman", "run"] and any(a.startswith("--ulimit=nofile=") for a in run)
    build = engine.command("build", "--ulimit", "nofile=10:10", "-t", "x", ".")
    assert not any(a.startswith("--ulimit=nofile") for a in build)
    assert any(a.startswith("--ulimit=nproc=") for a in build)
    assert engine.command("images") == ["podman", "images"]
    docker = Engine(name="docker", binary="docker")
    assert docker.command("run", "img") == ["docker", "run", "img"]


def test_cgroup_manager_and_runtime_follow_the_host(tmp_path: Path):
    no_systemd = tmp_path / "absent"
    info = PodmanInfo(cgroup_manager="systemd", runtime="runc", cgroup_version="v2")
    assert global_args(info, no_systemd) == ["--cgroup-manager=cgroupfs"]
    assert global_args(info, tmp_path) == []  # systemd is running: leave it
    crun_v1 = PodmanInfo(cgroup_manager="cgroupfs", runtime="crun", cgroup_version="v1")
    assert ("--runtime=runc" in global_args(crun_v1, tmp_path)) == bool(shutil.which("runc"))
    assert global_args(PodmanInfo(cgroup_manager="cgroupfs", runtime="crun",
                                  cgroup_version="v2"), tmp_path) == []


def test_the_real_rlimit_error_names_the_limit_value_and_fix():
    err = rlimit_error(REAL_RLIMIT_ERROR)
    assert err is not None
    text = err.render()
    hard = podman_host.ulimit_values()["nofile"]
    assert "nofile limit is higher than this host allows" in err.title
    assert "RLIMIT_NOFILE" in text and f"at most {hard}" in text
    assert f"podman run --ulimit nofile={hard}:{hard}" in text
    assert rlimit_error("Error: no such image") is None


def test_the_service_gets_a_settings_file_of_ours_and_respects_the_users(tmp_path: Path):
    env = service_env({"PATH": "/bin"}, PodmanInfo(version="4.3.1"), tmp_path)
    conf = Path(env["CONTAINERS_CONF"])
    assert conf.parent == tmp_path and "default_ulimits" in conf.read_text()
    newer = service_env({"PATH": "/bin"}, PodmanInfo(version="4.9.3"), tmp_path)
    assert "CONTAINERS_CONF_OVERRIDE" in newer and "CONTAINERS_CONF" not in newer
    mine = {"CONTAINERS_CONF": "/etc/mine.conf"}
    assert service_env(mine, PodmanInfo(version="4.3.1"), tmp_path) == mine


@pytest.fixture
def no_containers_conf(engine):
    """The engine as a user has it: no CONTAINERS_CONF from the Makefile or conftest."""
    env = {k: v for k, v in os.environ.items() if k != "CONTAINERS_CONF"}
    return Engine(name=engine.name, binary=engine.binary, env=env)


@pytest.mark.engine
def test_our_containers_start_without_containers_conf(no_containers_conf, stack_images):
    proc = no_containers_conf.run("run", "--rm", "--entrypoint", "/bin/sh", stack_images.run,
                                  "-c", "ulimit -n", capture=True)
    if no_containers_conf.name == "podman":
        assert int(proc.stdout) == podman_host.ulimit_values()["nofile"]


@pytest.mark.engine
def test_a_limit_above_the_hosts_is_classified(no_containers_conf, stack_images):
    hard = _hard(resource.RLIMIT_NOFILE)
    if no_containers_conf.name != "podman" or hard == resource.RLIM_INFINITY:
        pytest.skip("the rlimit classification is about podman under a finite hard limit")
    try:
        no_containers_conf.run("run", "--rm", "--ulimit", f"nofile={hard + 1}:{hard + 1}",
                               "--entrypoint", "/bin/true", stack_images.run, capture=True)
    except UserError as err:
        assert err.title == "The container's nofile limit is higher than this host allows"
        assert f"--ulimit nofile={hard}:{hard}" in err.render()
    else:
        pytest.skip("this host lets the container runtime raise the limit")
