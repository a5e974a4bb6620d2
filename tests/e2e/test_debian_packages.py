"""Debian packages from an Aptfile and project.toml: in the image, on its search paths, in
its SBOM, reused on a rebuild, and a bad name fails the build with the line to fix."""

from __future__ import annotations

import json
import re

import pytest
import requests

pytestmark = [pytest.mark.engine, pytest.mark.images("debian-packages")]

REQUEST = {"jsonData": {"program": ".a + .b", "doc": {"a": 2, "b": 40}}}


def _ask(container) -> dict:
    reply = requests.post(container.url("/api/v1.0/predictions"), json=REQUEST, timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()["jsonData"]


def test_program_and_library_from_debian(images, served):
    build = images.image("debian-packages")
    # tzdata is in the run image: left alone (newer in the archive only if the stack is old)
    assert re.search(r"already in the run image: tzdata|tzdata \S+ is in the run image",
                     build.log), build.log[-3000:]
    answer = _ask(served("debian-packages"))
    assert answer["result"] == 42
    assert answer["library"].startswith("/layers/seldon_debian-packages/packages/usr/lib/")


def test_packages_work_for_a_random_uid(images, runner):
    container = runner.serve(images.image("debian-packages").image, "--user", "123456:0")
    try:
        assert _ask(container)["result"] == 42
    finally:
        container.remove()


def test_sbom_lists_the_packages(engine, images):
    image = images.image("debian-packages").image
    path = "/layers/sbom/launch/seldon_debian-packages/packages/sbom.cdx.json"
    done = engine.run("run", "--rm", "--entrypoint", "cat", image, path, capture=True)
    components = {c["name"]: c for c in json.loads(done.stdout)["components"]}
    assert {"jq", "libjq1", "libonig5"} <= set(components)
    assert components["jq"]["purl"].startswith("pkg:deb/debian/jq@")
    assert "tzdata" not in components  # the run image's own copy is used


def test_rebuild_reuses_then_a_bad_name_fails(images):
    again = images.run_again("debian-packages", "no-op")
    assert again.ok, again.describe()
    assert "Reusing the Debian packages" in again.log

    def misspell(source):
        (source / "Aptfile").write_text("jq\nlibgl-1\n")

    bad = images.run_again("debian-packages", "misspelt package", misspell)
    assert not bad.ok
    assert "A requested Debian package cannot be installed (Aptfile:2)" in bad.log
    assert "packages.debian.org/bookworm" in bad.log
    assert "Traceback" not in bad.log
