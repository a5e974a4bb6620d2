"""Session fixtures of the e2e suite: built images, running containers, the private index.

Images are built once per session, two at a time, in the order the selected
tests first need them (`@pytest.mark.images(...)`), so later builds overlap
earlier tests. Everything made here (images, containers, the index) is
removed when the session ends.
"""

from __future__ import annotations

import os

import pytest

from seldon_platform.podman_host import ulimit_values

from . import conda_channel
from .builds import BIN, BuildFactory
from .containers import Container, ContainerRunner
from .grpc_client import generate
from .images import SPECS
from .private_index import (
    COMPOSE_FILE,
    PrivateIndex,
    answers,
    build_image,
    fill_data,
    new_credentials,
)

PYPI_IMAGE = "localhost/seldon-e2e/pypiserver:{token}"
NUMBERS = pytest.StashKey[list]()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "images(*names): e2e images the test uses (built ahead, in this order)")
    config.stash[NUMBERS] = []


def pytest_terminal_summary(terminalreporter, config):
    """Build time, image size and time to ready per image: the figures the issue asks for."""
    rows = config.stash.get(NUMBERS, [])
    if rows:
        terminalreporter.section("e2e images")
        for row in rows:
            terminalreporter.write_line(row)


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def images(request, engine, stack_images, e2e_dir, runner):
    """The session's `BuildFactory`; queues every image the selected tests mark."""
    def session_values(need: str) -> dict:
        return request.getfixturevalue(need.replace("-", "_")).values()

    factory = BuildFactory(engine, e2e_dir, SPECS, session_values)
    wanted: list[str] = []
    for item in request.session.items:
        for mark in item.iter_markers("images"):
            wanted += [name for name in mark.args if name not in wanted]
    try:
        factory.prefetch(wanted)
        yield factory
    finally:
        ready = runner.ready_times()
        factory.close()
        for build in factory.builds:
            size = factory.sizes.get(build.image, 0) / 1e6
            name = build.spec.name + (f" ({build.label})" if build.label else "")
            request.config.stash[NUMBERS].append(
                f"{name:36} {'ok    ' if build.ok else 'FAILED'} build {build.seconds:6.1f}s"
                f"  size {size:6.0f} MB  ready {ready.get(build.image, float('nan')):5.1f}s")


@pytest.fixture(scope="session")
def runner(engine):
    runner = ContainerRunner(engine)
    yield runner
    runner.close()


@pytest.fixture(scope="session")
def served(images, runner):
    """`served(name)`: one running container of that image, shared for the session."""
    running: dict[str, Container] = {}

    def serve(name: str) -> Container:
        if name not in running:
            running[name] = runner.serve(images.image(name).image)
        return running[name]

    return serve


@pytest.fixture(scope="session")
def grpc_client(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("grpc-client"))


@pytest.fixture(scope="session")
def conda_forge(e2e_dir):
    """A local `conda-forge` on 127.0.0.1 and the `conda` binding that points builds at it."""
    if not conda_channel.available():
        pytest.skip("the test conda channel needs a non-Debian CPython (e.g. pyenv) and "
                    "patchelf to relocate into a `python` package")
    root = conda_channel.build(e2e_dir / "conda")
    with conda_channel.serve(root) as alias:
        yield conda_channel.binding(e2e_dir / "conda-binding", alias)


@pytest.fixture(scope="session")
def pbs_dists(e2e_dir):
    """Python 3.8 and 3.12 in the python-build-standalone layout on 127.0.0.1, as
    BP_CPYTHON_URL/BP_CPYTHON_SHA256 values (`py38-url`, `py38-sha`, ...)."""
    from tests.distserver import serve
    from tests.pbsdist import build_distribution, patchelf, sha256_of
    from tests.pythons import find_python

    pythons = {minor: find_python(minor) for minor in ("3.8", "3.12")}
    if not all(pythons.values()) or patchelf() is None:
        pytest.skip("needs python3.8 and python3.12 (pyenv) and patchelf")
    root = e2e_dir / "pbs"
    root.mkdir()
    dists = {minor: build_distribution(python, root) for minor, python in pythons.items()}
    with serve(root) as (url, requested):
        values = {}
        for minor, dist in dists.items():
            short = minor.replace(".", "")
            values[f"py{short}-url"] = f"{url}/{dist.name.replace('+', '%2B')}"
            values[f"py{short}-sha"] = sha256_of(dist)
        yield SessionValues(values, requested)


class SessionValues:
    """What `BuildSpec.needs` hands to a build, plus what a test may check afterwards."""

    def __init__(self, values: dict, requested: list):
        self._values, self.requested = values, requested

    def values(self) -> dict:
        return dict(self._values)


# -- the private index, started by pytest-docker with podman-compose ----------

@pytest.fixture(scope="session")
def index_credentials():
    return new_credentials()


@pytest.fixture(scope="session")
def pypi_image(engine, stack_images, e2e_dir):
    tag = PYPI_IMAGE.format(token=os.getpid())
    build_image(engine, tag, base="localhost/seldon-buildpacks/build:bookworm")
    yield tag
    engine.run("rmi", "-f", tag, check=False, capture=True)


@pytest.fixture(scope="session")
def docker_compose_file():
    return str(COMPOSE_FILE)


@pytest.fixture(scope="session")
def docker_compose_project_name():
    return f"seldon-e2e-{os.getpid()}"


@pytest.fixture(scope="session")
def docker_compose_command(pypi_image, index_credentials, e2e_dir):
    """podman-compose from the venv, with the image and data folder the compose file names."""
    data = fill_data(e2e_dir / "pypi-data", *index_credentials)
    os.environ["SELDON_E2E_PYPI_IMAGE"] = pypi_image
    os.environ["SELDON_E2E_PYPI_DATA"] = str(data)
    limits = ulimit_values()  # podman-compose's containers need them like the platform's own
    os.environ["SELDON_E2E_NOFILE"] = str(limits["nofile"])
    os.environ["SELDON_E2E_NPROC"] = str(limits["nproc"])
    return str(BIN / "podman-compose")


@pytest.fixture(scope="session")
def docker_setup():
    return ["up -d"]


@pytest.fixture(scope="session")
def private_index(docker_services, index_credentials) -> PrivateIndex:
    user, password = index_credentials
    port = docker_services.port_for("pypi", 8080)
    index = PrivateIndex(f"127.0.0.1:{port}", user, password)
    docker_services.wait_until_responsive(check=lambda: answers(index), timeout=60, pause=0.5)
    return index
