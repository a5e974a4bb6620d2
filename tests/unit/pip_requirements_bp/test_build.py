"""seldon/pip-requirements' build(): installs into the provided env, keeps the pip cache layer.

pip itself is faked (it needs an index); the environment contract is real."""

from __future__ import annotations

import sys

import pytest

from tests.unit.bpfakes import context, fake_pip, import_buildpack, python_env, restore, run

import_buildpack("pip-requirements")

from pip_requirements.build import CACHE_LAYER, PipCacheMetadata, build  # noqa: E402
from pip_requirements.uv import UV_LAYER  # noqa: E402

from seldon_detect.cnb.layers import LayerTypes  # noqa: E402
from seldon_detect.tomlfile import dumps  # noqa: E402

VERSION = ".".join(str(n) for n in sys.version_info[:3])


@pytest.fixture
def installs(monkeypatch):
    return fake_pip(monkeypatch)


def _ctx(tmp_path, monkeypatch, reused):
    python_env(monkeypatch, tmp_path / "env", reused)
    return context(tmp_path, "pip-requirements", app={"requirements.txt": "tinydep==1.0\n"})


def test_a_fresh_env_gets_the_requirements_and_a_pip_cache_layer(tmp_path, monkeypatch,
                                                                  installs):
    ctx = _ctx(tmp_path, monkeypatch, reused=False)
    result, log = run(build, ctx)
    cache = ctx.layers_dir / CACHE_LAYER
    assert [(c.args, c.cache_dir) for c in installs] == [(["-r", "requirements.txt"], cache)]
    (layer,) = result.layers
    assert (layer.name, layer.types) == (CACHE_LAYER, LayerTypes(cache=True))
    assert layer.metadata == PipCacheMetadata(python=VERSION, target="linux/amd64/debian@12")
    assert not layer.env.vars and result.processes == ()
    assert "pip install -r requirements.txt" in log


def test_a_reused_env_installs_nothing_and_carries_the_caches(tmp_path, monkeypatch, installs):
    ctx = _ctx(tmp_path, monkeypatch, reused=False)
    run(build, ctx)
    restore(ctx)
    (ctx.layers_dir / UV_LAYER).mkdir()
    (ctx.layers_dir / f"{UV_LAYER}.toml").write_text(dumps({"metadata": {
        "spec": "uv>=0.4,<1", "target": "linux/amd64/debian@12"}}))
    python_env(monkeypatch, tmp_path / "env", reused=True)
    result, log = run(build, ctx)
    assert len(installs) == 1
    assert "Reusing the installed requirements.txt" in log
    assert [(layer.name, layer.types) for layer in result.layers] == [
        (CACHE_LAYER, LayerTypes(cache=True)), (UV_LAYER, LayerTypes(cache=True))]


def test_a_cache_for_another_python_is_cleared(tmp_path, monkeypatch, installs):
    ctx = _ctx(tmp_path, monkeypatch, reused=False)
    (ctx.layers_dir / CACHE_LAYER).mkdir()
    (ctx.layers_dir / CACHE_LAYER / "old-wheel.whl").write_text("built for 3.9")
    (ctx.layers_dir / f"{CACHE_LAYER}.toml").write_text(dumps({"metadata": {
        "python": "3.9.18", "target": "linux/amd64/debian@12"}}))
    _, log = run(build, ctx)
    assert f"Clearing the pip cache: python changed from 3.9.18 to {VERSION}" in log
    assert not (ctx.layers_dir / CACHE_LAYER / "old-wheel.whl").exists()


def test_a_reused_env_with_nothing_restored_keeps_no_layer(tmp_path, monkeypatch, installs):
    ctx = _ctx(tmp_path, monkeypatch, reused=True)
    result, _ = run(build, ctx)
    assert result.layers == () and installs == []


def test_a_requirement_no_index_has_is_named_by_its_line(tmp_path, monkeypatch):
    from seldon_detect.cnb.pip import PipRunner
    from seldon_detect.failures import InstallNoMatch
    from seldon_detect.installfail import classify_install_failure

    output = ("ERROR: Could not find a version that satisfies the requirement Nope_Pkg==9 "
              "(from versions: 0.1.0)\nERROR: No matching distribution found for Nope_Pkg==9\n")

    def install(self, args, what, scribe, python_version, cwd=None, echo=True):
        raise classify_install_failure(output, 1, what, python_version)

    monkeypatch.setattr(PipRunner, "install", install)
    python_env(monkeypatch, tmp_path / "env", reused=False)
    ctx = context(tmp_path, "pip-requirements", app={
        "requirements.txt": "tinydep==1.0\n-r more.txt\n", "more.txt": "# pinned\nnope-pkg==9\n"})
    with pytest.raises(InstallNoMatch) as caught:
        run(build, ctx)
    assert caught.value.location == "more.txt:2"
    assert caught.value.render().splitlines()[0].endswith("for Nope_Pkg==9 (more.txt:2)")
