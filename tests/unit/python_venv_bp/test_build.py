"""seldon/python-venv's build(): the venv layer, its key, and what it tells later buildpacks.

`python -m venv` is faked here (ensurepip takes seconds); the contract tests run it."""

from __future__ import annotations

import subprocess
import sys

from tests.unit.bpfakes import context, env_files, import_buildpack, restore, run

import_buildpack("python-venv")

from python_venv import build as venv_build  # noqa: E402
from python_venv.build import LAYER, VenvMetadata, build  # noqa: E402

from seldon_detect.cnb import pyenv  # noqa: E402
from seldon_detect.cnb.layers import LayerTypes  # noqa: E402
from seldon_detect.tomlfile import dumps  # noqa: E402

VERSION = ".".join(str(n) for n in sys.version_info[:3])
PLAN = [{"name": "python-env", "metadata": {"requirements": "sha256:aaa", "launch": True}}]


def _fake_venv(argv, scribe, env=None, **kw):
    """`python -m venv DIR` without ensurepip: a venv with no pip in it."""
    assert argv[1:3] == ["-m", "venv"]
    subprocess.run([*argv, "--without-pip"], check=True)
    return venv_build.pexec.Result(0, "")


def _ctx(tmp_path, monkeypatch, plan=PLAN):
    monkeypatch.delenv(pyenv.INTERPRETER_ENV, raising=False)
    monkeypatch.setattr(venv_build.pexec, "run", _fake_venv)
    return context(tmp_path, "python-venv", plan=plan)


def test_first_build_creates_the_venv_and_publishes_it(tmp_path, monkeypatch):
    ctx = _ctx(tmp_path, monkeypatch)
    result, log = run(build, ctx)
    venv, state = result.layers
    assert (venv.name, venv.types) == (LAYER, LayerTypes(launch=True, build=True, cache=True))
    assert venv.metadata == VenvMetadata(
        python=f"{VERSION} {sys.executable}", target="linux/amd64/debian@12",
        buildpack=ctx.buildpack.version, inputs={"launch": "True", "requirements": "sha256:aaa"})
    prefix = ctx.layers_dir / LAYER
    assert (prefix / "bin" / "python").exists()
    assert env_files(ctx, LAYER) == {"env.build/SELDON_PYTHON_ENV.override": str(prefix),
                                     "env.launch/VIRTUAL_ENV.default": str(prefix)}
    assert (state.name, state.types) == (pyenv.STATE_LAYER, LayerTypes(build=True))
    assert env_files(ctx, pyenv.STATE_LAYER) == {
        "env.build/SELDON_PYTHON_ENV_STATE.override": "fresh"}
    assert "Creating the Python environment: no previous layer" in log


def test_warm_rebuild_reuses_the_layer_untouched(tmp_path, monkeypatch):
    ctx = _ctx(tmp_path, monkeypatch)
    run(build, ctx)
    restore(ctx)
    cfg = ctx.layers_dir / LAYER / "pyvenv.cfg"
    before = {p: p.stat().st_mtime_ns for p in (ctx.layers_dir / LAYER).rglob("*")
              if p.is_file()}
    result, log = run(build, ctx)
    assert "Reusing the Python environment: nothing it depends on changed" in log
    assert cfg.exists()
    after = {p: p.stat().st_mtime_ns for p in (ctx.layers_dir / LAYER).rglob("*") if p.is_file()}
    assert after == before
    assert env_files(ctx, pyenv.STATE_LAYER) == {
        "env.build/SELDON_PYTHON_ENV_STATE.override": "reused"}
    assert result.layers[0].types.cache


def test_a_changed_input_rebuilds_and_says_which(tmp_path, monkeypatch):
    ctx = _ctx(tmp_path, monkeypatch)
    run(build, ctx)
    restore(ctx)
    (ctx.layers_dir / LAYER / "stale-file").write_text("from the old env")
    ctx.plan_path.write_text(dumps({"entries": [
        {"name": "python-env", "metadata": {"requirements": "sha256:bbb", "launch": True}}]}))
    _, log = run(build, ctx)
    assert ("Creating the Python environment: input-requirements changed from sha256:aaa "
            "to sha256:bbb") in log
    assert not (ctx.layers_dir / LAYER / "stale-file").exists()
    assert "SELDON_PYTHON_ENV_STATE.override" in str(env_files(ctx, pyenv.STATE_LAYER))


def test_metadata_from_an_older_buildpack_version_rebuilds(tmp_path, monkeypatch):
    ctx = _ctx(tmp_path, monkeypatch)
    (ctx.layers_dir / LAYER).mkdir()
    (ctx.layers_dir / f"{LAYER}.toml").write_text(dumps({"metadata": {"python": "3.11"}}))
    _, log = run(build, ctx)
    assert ("Creating the Python environment: the previous layer's metadata is from another "
            "buildpack version (it has no target)") in log
