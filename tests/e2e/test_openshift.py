"""The image runs as OpenShift runs it: a random non-root UID in group 0, read-only root."""

from __future__ import annotations

import pytest
import requests

from .expectations import call_for, mismatches, request_of

pytestmark = [pytest.mark.engine, pytest.mark.images("sklearn-iris")]


def test_random_uid_read_only_root(images, runner):
    call = call_for("sklearn-iris")
    container = runner.serve(images.image("sklearn-iris").image, "--user", "123456:0",
                             "--read-only", "--tmpfs", "/tmp")
    try:
        reply = requests.post(container.url(call.route), json=request_of(call), timeout=30)
        assert reply.status_code == 200, reply.text
        assert mismatches(reply.json(), call.expected, call.tolerance) == []
        whoami = container.engine.run("exec", container.id, "id", "-u", capture=True)
        assert whoami.stdout.decode().strip() == "123456"
    finally:
        container.remove()


def test_random_uid_can_write_in_the_app_directory(images, runner):
    # s2i images make the app directory group-0 writable; a model may cache files beside its
    # code, and libraries under ~/.cache
    container = runner.serve(images.image("sklearn-iris").image, "--user", "123456:0")
    try:
        script = ("echo x > /workspace/written && mkdir /workspace/cache && "
                  "mkdir -p $HOME/.cache/lib && echo $HOME && ls -ld /workspace")
        done = container.engine.run("exec", container.id, "sh", "-c", script, capture=True,
                                    check=False)
        assert done.returncode == 0, done.stderr.decode()
        home, listing = done.stdout.decode().splitlines()
        assert home == "/home/cnb"  # not /: libraries can keep caches under ~/.cache
        assert listing.startswith("drwxrwxr-x")
    finally:
        container.remove()
