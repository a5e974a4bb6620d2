"""Shared set-up for the buildpack contract tests: packaged buildpacks, wheels, a private index."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import pytest

from seldon_detect.scribe import Scribe
from seldon_platform.packaging import REPO, Packager
from tests.contract import platform_view
from tests.contract.lifecycle import Lifecycle
from tests.contract.tinywheels import make_wheel

INDEX_USER = "modeller"
#: the secret the credential tests look for in every output and every file
INDEX_PASSWORD = "s3cr3t-Pa55-do-not-leak"


@pytest.fixture(scope="session")
def buildpacks_dir() -> Path:
    import fcntl

    out = REPO / "build" / "buildpacks"
    out.mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers share the directory: one packages, the others wait
    with open(out.parent / ".buildpacks.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        Packager(out, Scribe(quiet=True), REPO / "build" / "cache").package_all()
    return out


@pytest.fixture(scope="session")
def index_packages(tmp_path_factory) -> Path:
    """Wheels only the private index serves."""
    d = tmp_path_factory.mktemp("index-packages")
    make_wheel(d, "tinydep", "1.0")
    make_wheel(d, "privdep", "2.0", requires=("tinydep>=1.0",))
    return d


@pytest.fixture(scope="session")
def wheel_folder(tmp_path_factory) -> Path:
    """Wheels only the wheel folder has (as `s2i build -i DIR:/whl` gave them)."""
    d = tmp_path_factory.mktemp("wheel-folder")
    make_wheel(d, "localdep", "0.3")
    return d


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def private_index(tmp_path_factory, index_packages):
    """A pypiserver on 127.0.0.1 that needs basic auth for everything (no PyPI fallback)."""
    with warnings.catch_warnings():  # passlib imports the deprecated crypt module
        warnings.simplefilter("ignore", DeprecationWarning)
        from passlib.apache import HtpasswdFile

    htpasswd = tmp_path_factory.mktemp("auth") / "htpasswd"
    ht = HtpasswdFile(str(htpasswd), new=True, default_scheme="sha256_crypt")
    ht.set_password(INDEX_USER, INDEX_PASSWORD)
    ht.save()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port),
         "-P", str(htpasswd), "-a", "update,download,list", "--disable-fallback",
         str(index_packages)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/simple/"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url, timeout=1)
        except urllib.error.HTTPError:
            break  # 401: up and asking for credentials
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("pypiserver did not start") from None
            time.sleep(0.2)
        else:
            break
    yield {"url": url, "auth_url": f"http://{INDEX_USER}:{INDEX_PASSWORD}@127.0.0.1:{port}/simple/",
           "bad_auth_url": f"http://{INDEX_USER}:wrong@127.0.0.1:{port}/simple/"}
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def make_app(tmp_path):
    def make(files: dict[str, str]) -> Path:
        app = tmp_path / "workspace"
        for rel, text in files.items():
            path = app / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        app.mkdir(exist_ok=True)
        return app

    return make


@pytest.fixture
def lifecycle(tmp_path, buildpacks_dir):
    def make(app: Path, env: dict[str, str] | None = None,
             bindings: dict[str, dict[str, str]] | None = None) -> Lifecycle:
        platform = tmp_path / "platform"
        (platform / "env").mkdir(parents=True, exist_ok=True)
        # the host's own pip configuration (mirrors, find-links) must not feed the builds
        for key, value in {"PIP_CONFIG_FILE": os.devnull, **(env or {})}.items():
            (platform / "env" / key).write_text(value)
        for name, files in (bindings or {}).items():
            bdir = platform / "bindings" / name
            bdir.mkdir(parents=True, exist_ok=True)
            for fname, text in files.items():
                (bdir / fname).write_text(text)
        layers = tmp_path / "layers"
        layers.mkdir(exist_ok=True)
        return Lifecycle(buildpacks_dir, app, platform, layers)

    return make


@pytest.fixture(scope="session")
def uv_on_index(index_packages) -> None:
    """Put a uv wheel on the private index (downloaded once, kept in build/cache)."""
    cache = REPO / "build" / "cache" / "test-uv"
    if not list(cache.glob("uv-*.whl")):
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                        "--only-binary=:all:", "-d", str(cache), "uv>=0.4,<1"], check=True)
    for wheel in cache.glob("uv-*.whl"):
        (index_packages / wheel.name).write_bytes(wheel.read_bytes())


def pytest_terminal_summary(terminalreporter, config):
    """How many buildpack error paths this run passed through the platform (platform_view)."""
    if platform_view.CHECKED:
        titles = {title for _, _, title in platform_view.CHECKED}
        terminalreporter.write_line(
            f"buildpack errors passed through the platform's rendering: "
            f"{len(platform_view.CHECKED)} failing runs, {len(titles)} distinct titles")
        if config.option.verbose > 0:
            for bp_id, phase, title in sorted(set(platform_view.CHECKED)):
                terminalreporter.write_line(f"  {bp_id} {phase}: {title}")
