"""seldon/setup-py's build(): `pip install -e .` into the provided env, no layer of its own.

pip is faked (it needs an index)."""

from __future__ import annotations

import pytest

from tests.unit.bpfakes import context, fake_pip, import_buildpack, python_env, run

import_buildpack("setup-py")

from setup_py.build import build  # noqa: E402

from seldon_detect.tomlfile import dumps  # noqa: E402

SETUP = "from setuptools import setup\nsetup(name='m', version='0.1')\n"


@pytest.fixture
def installs(monkeypatch):
    return fake_pip(monkeypatch)


def test_the_project_is_installed_editable_into_the_env(tmp_path, monkeypatch, installs):
    prefix = python_env(monkeypatch, tmp_path / "env", reused=False)
    ctx = context(tmp_path, "setup-py", app={"setup.py": SETUP})
    # a layer an older version of this buildpack kept is dropped
    (ctx.layers_dir / "old.toml").write_text(dumps({"metadata": {"k": "v"}}))
    result, log = run(build, ctx)
    assert [(c.args, c.python, c.cwd) for c in installs] == [
        (["-e", "."], prefix / "bin" / "python", ctx.app_dir)]
    assert result.layers == () and result.processes == ()
    assert not (ctx.layers_dir / "old.toml").exists()
    assert "pip install -e . (setup.py)" in log


def test_a_reused_env_installs_nothing(tmp_path, monkeypatch, installs):
    python_env(monkeypatch, tmp_path / "env", reused=True)
    ctx = context(tmp_path, "setup-py", app={"setup.py": SETUP})
    result, log = run(build, ctx)
    assert installs == [] and result.layers == ()
    assert "Reusing the installed project: setup.py files are unchanged" in log
