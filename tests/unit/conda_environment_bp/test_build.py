"""seldon/conda-environment's build(): the env layer, its key, its env and the rattler layer.

The solvers are faked (they need the channels)."""

from __future__ import annotations

import sys

import pytest

from tests.unit.bpfakes import context, env_files, import_buildpack, restore, run

import_buildpack("conda-environment")

from conda_environment import build as conda_build  # noqa: E402
from conda_environment.build import (  # noqa: E402
    ENV_LAYER,
    TOOL_LAYER,
    CondaEnvMetadata,
    RattlerMetadata,
    build,
)

from seldon_detect.cnb import pyenv  # noqa: E402
from seldon_detect.cnb.layers import LayerTypes  # noqa: E402
from seldon_detect.tomlfile import dumps  # noqa: E402

ENV_YML = "name: m\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n  - numpy\n"
PLAN = [{"name": "python-env", "metadata": {"requirements": "sha256:aaa"}}]


@pytest.fixture
def solves(monkeypatch):
    """Each solve with micromamba: the prefix it filled."""
    done = []

    def fake_cli(cli, env_file, prefix, ctx, scribe):
        (prefix / "bin").mkdir(parents=True)
        (prefix / "bin" / "python").symlink_to(sys.executable)
        done.append(prefix)

    monkeypatch.setattr(conda_build.shutil, "which",
                        lambda name: "/opt/bin/micromamba" if name == "micromamba" else None)
    monkeypatch.setattr(conda_build, "_install_with_cli", fake_cli)
    monkeypatch.setattr(conda_build, "_ensure_pip", lambda python, scribe: None)
    return done


def _ctx(tmp_path):
    return context(tmp_path, "conda-environment", app={"environment.yml": ENV_YML}, plan=PLAN)


def test_the_env_layer_its_key_and_what_it_publishes(tmp_path, solves):
    ctx = _ctx(tmp_path)
    result, log = run(build, ctx)
    env, state = result.layers
    prefix = ctx.layers_dir / ENV_LAYER / "prefix"
    assert solves == [prefix]
    assert (env.name, env.types) == (ENV_LAYER, LayerTypes(launch=True, build=True, cache=True))
    meta = env.metadata
    assert isinstance(meta, CondaEnvMetadata)
    assert (meta.solver, meta.target, meta.inputs) == (
        "micromamba", "linux/amd64/debian@12", {"requirements": "sha256:aaa"})
    assert len(meta.environment) == 64
    assert env_files(ctx, ENV_LAYER) == {
        "env.build/SELDON_PYTHON_ENV.override": str(prefix),
        "env.launch/CONDA_PREFIX.default": str(prefix),
        "env.launch/PATH.delim": ":",
        "env.launch/PATH.prepend": str(prefix / "bin")}
    assert state.name == pyenv.STATE_LAYER
    assert "Creating the conda environment from environment.yml: no previous layer" in log


def test_a_warm_rebuild_reuses_the_env_and_carries_the_rattler_layer(tmp_path, solves):
    ctx = _ctx(tmp_path)
    run(build, ctx)
    restore(ctx)
    (ctx.layers_dir / TOOL_LAYER).mkdir()
    rattler = RattlerMetadata(python="3.11.2", target="linux/amd64/debian@12", wheels="x.whl")
    (ctx.layers_dir / f"{TOOL_LAYER}.toml").write_text(dumps({"metadata": rattler.to_toml()}))
    result, log = run(build, ctx)
    assert len(solves) == 1
    assert "Reusing the conda environment: nothing it depends on changed" in log
    assert [layer.name for layer in result.layers] == [ENV_LAYER, pyenv.STATE_LAYER, TOOL_LAYER]
    assert result.layer(TOOL_LAYER).metadata == rattler
    assert env_files(ctx, pyenv.STATE_LAYER) == {
        "env.build/SELDON_PYTHON_ENV_STATE.override": "reused"}


def test_a_changed_environment_file_rebuilds_and_says_why(tmp_path, solves):
    ctx = _ctx(tmp_path)
    result, _ = run(build, ctx)
    restore(ctx)
    (ctx.app_dir / "environment.yml").write_text(ENV_YML + "  - scipy\n")
    _, log = run(build, ctx)
    assert len(solves) == 2
    assert f"environment changed from {result.layers[0].metadata.environment} to " in log
