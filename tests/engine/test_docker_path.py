"""seldon-build on the docker path: the docker CLI, skopeo's docker-daemon transport.

No Docker daemon is available here, so podman's Docker-compatible API stands
in for it (`docker_api`): the docker CLI and skopeo talk to it exactly as they
would to dockerd on a non-default socket (rootless Docker, a Docker context).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from seldon_platform.imagestore import oci_layer

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.engine


def test_docker_layer_media_types_become_oci():
    docker = {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 3,
              "digest": "sha256:abc"}
    assert oci_layer(docker) == {**docker,
                                 "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip"}
    oci = {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": "sha256:abc"}
    assert oci_layer(oci) == oci


@pytest.mark.skipif(shutil.which("docker") is None, reason="the docker CLI is not installed")
def test_build_run_and_rebuild_with_docker(stack_images, docker_api, tmp_path):
    env = {**os.environ, "SELDON_ENGINE": "docker", "DOCKER_HOST": docker_api}
    tag = f"localhost/seldon-test/docker-path-{uuid.uuid4().hex[:8]}:1"
    build = [sys.executable, "-m", "seldon_platform.cli", "build", str(REPO / "examples" /
             "numpy-setup-py"), "-t", tag, "--cache-dir", str(tmp_path / "cache")]
    name = f"docker-path-{uuid.uuid4().hex[:8]}"
    try:
        first = subprocess.run(build, env=env, capture_output=True, text=True)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "into docker" in first.stdout + first.stderr

        subprocess.run(["docker", "run", "-d", "--name", name, "-p", "127.0.0.1::9000", tag],
                       env=env, check=True, capture_output=True)
        port = subprocess.run(["docker", "port", name, "9000"], env=env, check=True,
                              capture_output=True, text=True).stdout.split(":")[-1].strip()
        deadline, reply = time.monotonic() + 60, None
        while reply is None:
            try:
                reply = requests.post(f"http://127.0.0.1:{port}/api/v1.0/predictions",
                                      json={"data": {"ndarray": [[1, 2, 3]]}}, timeout=5)
            except requests.RequestException:
                assert time.monotonic() < deadline, "the container never answered"
                time.sleep(0.25)
        assert reply.status_code == 200, reply.text
        assert reply.json()["data"] == {"names": ["low", "high"], "ndarray": [[4.0, 1.5]]}

        # a rebuild reads the previous image back through the daemon and reuses its layers
        second = subprocess.run(build, env=env, capture_output=True, text=True)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "cached copy untouched" in second.stdout + second.stderr
    finally:
        subprocess.run(["docker", "rm", "-f", name], env=env, capture_output=True)
        subprocess.run(["docker", "rmi", "-f", tag], env=env, capture_output=True)
