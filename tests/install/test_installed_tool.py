"""The tool as users get it: `python -m build`, `pip install` the wheel into a fresh venv
outside the repository, then build a model repository of their own from its directory.

No editable install, no repository on sys.path, a fresh HOME (so the tool's per-user
cache starts empty) and no CONTAINERS_CONF. pip's own download cache is shared with
the developer's (PIP_CACHE_DIR) only to keep the test's downloads modest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest

from seldon_detect.scribe import Scribe
from seldon_platform import __version__
from seldon_platform.demo import predict, served
from seldon_platform.exporter.image import VERSIONS_LABEL

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "parameters"  # numpy only: a small first build
TAG = f"localhost/seldon-test-tool/installed-{uuid.uuid4().hex[:8]}"

pytestmark = [pytest.mark.engine, pytest.mark.slow]


def _user_env(home: Path, venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CONTAINERS_CONF", "PYTHONPATH", "VIRTUAL_ENV", "XDG_CACHE_HOME",
                        "SELDON_BUILD_CACHE", "PYTHONHOME")}
    env["HOME"] = str(home)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    return env


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 900):
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, f"{argv} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, environment, model dir): the wheel installed as a user would."""
    root = tmp_path_factory.mktemp("installed-tool")
    dist = root / "dist"
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(REPO)], REPO, dict(os.environ))
    wheel = next(dist.glob("seldon_model_buildpacks-*.whl"))
    assert next(dist.glob("seldon_model_buildpacks-*.tar.gz"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    home = root / "home"
    home.mkdir()
    env = _user_env(home, venv)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], root, env)
    model = root / "my-model"
    shutil.copytree(EXAMPLE, model)
    return venv, env, model


def test_the_installed_tool_runs_from_its_wheel_not_the_checkout(installed):
    venv, env, model = installed
    where = _run([str(venv / "bin" / "python"), "-c",
                  "import seldon_platform, seldon_detect, sys; "
                  "print(seldon_platform.__file__); print(seldon_detect.__file__); "
                  "print(any(p.startswith(sys.argv[1]) for p in sys.path))", str(REPO)],
                 model, env).stdout.splitlines()
    assert all(line.startswith(str(venv)) for line in where[:2]) and where[2] == "False"
    version = _run(["seldon-build", "--version"], model, env).stdout
    assert version.strip() == f"seldon-build {__version__} (Seldon model buildpacks)"
    assert __version__ in _run(["seldon-s2i", "--version"], model, env).stdout
    doctor = subprocess.run(["seldon-build", "doctor"], cwd=model, env=env, capture_output=True,
                            text=True, timeout=120)
    assert "(installed package data)" in doctor.stdout and str(venv) in doctor.stdout
    assert f"{Path(env['HOME']) / '.cache' / 'seldon-buildpacks'}" in doctor.stdout


def test_seldon_build_then_seldon_s2i_in_the_model_directory(installed, engine):
    venv, env, model = installed
    first = _run(["seldon-build", "build", ".", "-t", f"{TAG}-build:1"], model, env)
    assert "Packaging the buildpacks into" in first.stdout + first.stderr  # first use
    cache = Path(env["HOME"]) / ".cache" / "seldon-buildpacks" / "buildpacks"
    assert [p.name for p in cache.iterdir() if p.is_dir()][0].startswith(f"{__version__}-")
    second = _run(["seldon-s2i", "build", ".", "seldonio/seldon-core-s2i-python3:1.11.0-dev",
                   f"{TAG}-s2i:1"], model, env)
    assert "Packaging the buildpacks" not in second.stdout + second.stderr  # reused
    payload = json.loads((model / "request.json").read_text())
    try:
        for image in (f"{TAG}-build:1", f"{TAG}-s2i:1"):
            with served(engine, image, Scribe(quiet=True)) as (base, _):
                answer = predict(base, payload)
            assert answer["data"]["ndarray"], answer
            labels = engine.image_labels(image)
            assert labels[VERSIONS_LABEL].startswith(f"seldon-build {__version__}; ")
            assert "seldon/runtime " in labels[VERSIONS_LABEL]
    finally:
        for image in (f"{TAG}-build:1", f"{TAG}-s2i:1"):
            engine.run("rmi", "-f", image, check=False, capture=True)


def test_the_installed_tool_writes_a_builder_bundle_for_pack(installed, tmp_path):
    venv, env, model = installed
    out = tmp_path / "builder"
    _run(["seldon-build", "builder", "--out", str(out)], model, env)
    packaged = {p.parent.name for p in (out / "buildpacks").glob("*/buildpack.toml")}
    assert (out / "builder.toml").is_file() and "seldon_runtime" in packaged


def test_oci_archive_output_loads_nothing_into_the_engine(installed, engine, tmp_path):
    venv, env, model = installed
    archive = tmp_path / "model.tar"
    image = f"{TAG}-archive:1"
    _run(["seldon-build", "build", ".", "-t", image, "--output", "oci-archive", str(archive)],
         model, env)
    assert not engine.image_exists(image)
    with tarfile.open(archive) as tar:
        index = json.load(tar.extractfile("index.json"))
        manifest = index["manifests"][0]["digest"].replace(":", "/")
        config = json.load(tar.extractfile(f"blobs/{manifest}"))["config"]["digest"]
    # the archive itself runs (the engine reads it; nothing was loaded by the build)
    payload = json.loads((model / "request.json").read_text())
    try:
        with served(engine, f"oci-archive:{archive}", Scribe(quiet=True)) as (base, _):
            assert predict(base, payload)["data"]["ndarray"]
    finally:  # what running the archive stored, by its config digest (the image id)
        engine.run("rmi", "-f", config.removeprefix("sha256:"), check=False, capture=True)


def test_pipx_install_gives_a_tool_that_packages_its_buildpacks(installed, tmp_path):
    """pipx's venvs carry no pip of their own: packaging must still find one (pipx shares it)."""
    venv, env, model = installed
    wheel = next((venv.parent / "dist").glob("seldon_model_buildpacks-*.whl"))
    home = tmp_path / "home"
    home.mkdir()
    pipx_env = {**env, "HOME": str(home), "PIPX_HOME": str(tmp_path / "pipx"),
                "PIPX_BIN_DIR": str(tmp_path / "bin")}
    pipx_env["PATH"] = f"{tmp_path / 'bin'}{os.pathsep}{pipx_env['PATH']}"
    _run([str(Path(sys.executable).parent / "pipx"), "install", str(wheel)], tmp_path, pipx_env)
    tool = tmp_path / "bin" / "seldon-build"
    assert __version__ in _run([str(tool), "--version"], model, pipx_env).stdout
    python = tmp_path / "pipx" / "venvs" / "seldon-model-buildpacks" / "bin" / "python"
    packaged = _run([str(python), "-c", "from seldon_detect.scribe import Scribe; "
                     "from seldon_platform.packaging import ensure_packaged; "
                     "print(ensure_packaged(Scribe()))"], model, pipx_env)
    out = Path(packaged.stdout.strip().splitlines()[-1])
    assert out.is_relative_to(home / ".cache" / "seldon-buildpacks")
    assert (out / "seldon_runtime" / "wheels").is_dir()
