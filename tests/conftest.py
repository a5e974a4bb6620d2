"""Fixtures shared by every test area: the container engine and the stack images."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def engine():
    """The container engine; engine tests fail (not skip) when none works."""
    from seldon_platform.engine import find_engine

    return find_engine()


@pytest.fixture(scope="session")
def stack_images(engine):
    """The build and run images, built (or found unchanged) once per test session."""
    from seldon_detect.scribe import Scribe
    from seldon_platform.stacks import ensure_stacks

    return ensure_stacks(engine, Scribe(quiet=True))


@pytest.fixture(scope="session")
def seldon_core_venv() -> Path:
    """A venv with seldon-core 1.18.2 and its old pins (cached; shared with bench/)."""
    sys.path.insert(0, str(REPO / "bench" / "runtime"))
    try:
        import anchor_venv
    finally:
        sys.path.remove(str(REPO / "bench" / "runtime"))
    return anchor_venv.ensure()


@pytest.fixture(scope="session")
def docker_api(engine, tmp_path_factory):
    """A Docker-compatible API for pytest-docker and docker clients: DOCKER_HOST is set
    for the session and the podman service behind it is stopped afterwards."""
    from seldon_platform.engine import docker_api_socket

    sock = tmp_path_factory.mktemp("engine-api") / "docker.sock"
    with docker_api_socket(engine, sock) as url:
        old = os.environ.get("DOCKER_HOST")
        os.environ["DOCKER_HOST"] = url
        try:
            yield url
        finally:
            if old is None:
                os.environ.pop("DOCKER_HOST", None)
            else:
                os.environ["DOCKER_HOST"] = old
