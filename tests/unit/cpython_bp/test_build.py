"""seldon/cpython's build(): the interpreter layer keyed by version/arch/sha256, its env and SBOM.

The download and unpacking are faked (they need the network); choosing the
distribution from the buildpack's manifest is real."""

from __future__ import annotations

import json

import pytest

from tests.unit.bpfakes import REPO, context, env_files, import_buildpack, restore, run

import_buildpack("cpython")

from cpython import build as cpython_build  # noqa: E402
from cpython.build import LAYER, CPythonMetadata, build  # noqa: E402
from cpython.manifest import load_manifest  # noqa: E402

from seldon_detect.cnb.layers import LayerTypes  # noqa: E402
from seldon_detect.cnb.pyenv import INTERPRETER_ENV  # noqa: E402
from seldon_detect.pyversion import PythonHint  # noqa: E402

DIST = load_manifest(REPO / "buildpacks" / "cpython").choose(PythonHint("3.8", "test"), "amd64")


@pytest.fixture
def installs(monkeypatch):
    """Each install: the layer directory it filled."""
    done = []

    def fake_install(path, choice, scribe):
        (path / "bin").mkdir(parents=True)
        (path / "bin" / "python3").write_text(f"python {choice.version}")
        done.append(path)

    monkeypatch.setattr(cpython_build, "_install", fake_install)
    return done


def test_a_python_the_stack_lacks_is_installed_into_a_launch_build_cache_layer(tmp_path,
                                                                                installs):
    ctx = context(tmp_path, "cpython", app={".python-version": "3.8\n"})
    result, log = run(build, ctx)
    (layer,) = result.layers
    assert (layer.name, layer.types) == (LAYER, LayerTypes(launch=True, build=True, cache=True))
    assert layer.metadata == CPythonMetadata(version=DIST.version, arch="amd64",
                                             sha256=DIST.sha256)
    assert installs == [ctx.layers_dir / LAYER]
    assert env_files(ctx, LAYER) == {
        f"env.build/{INTERPRETER_ENV}.override": str(ctx.layers_dir / LAYER / "bin/python3")}
    sbom = json.loads((ctx.layers_dir / f"{LAYER}.sbom.cdx.json").read_text())
    assert sbom["components"][0]["version"] == DIST.version
    assert sbom["components"][0]["hashes"] == [{"alg": "SHA-256", "content": DIST.sha256}]
    assert "Installing Python: no previous layer" in log


def test_a_rebuild_with_the_same_version_downloads_nothing(tmp_path, installs):
    ctx = context(tmp_path, "cpython", app={".python-version": "3.8\n"})
    run(build, ctx)
    restore(ctx)
    result, log = run(build, ctx)
    assert len(installs) == 1
    assert f"Reusing Python {DIST.version}" in log
    assert result.layers[0].sbom is not None


def test_another_version_reinstalls_and_says_why(tmp_path, installs):
    ctx = context(tmp_path, "cpython", app={".python-version": "3.8\n"})
    run(build, ctx)
    restore(ctx)
    (ctx.app_dir / ".python-version").write_text("3.9\n")
    _, log = run(build, ctx)
    assert len(installs) == 2
    assert f"version changed from {DIST.version} to 3.9." in log
    assert "sha256 changed from " + DIST.sha256 in log


def test_nothing_to_provide_drops_the_restored_layer(tmp_path, installs):
    ctx = context(tmp_path, "cpython", app={".python-version": "3.8\n"})
    run(build, ctx)
    restore(ctx)
    (ctx.app_dir / ".python-version").unlink()
    result, log = run(build, ctx)
    assert result.layers == () and "Nothing to provide" in log
    assert not (ctx.layers_dir / LAYER).exists()
    assert not (ctx.layers_dir / f"{LAYER}.toml").exists()
    assert not (ctx.layers_dir / f"{LAYER}.sbom.cdx.json").exists()
