"""seldon/runtime's build(): processes, launch SBOM, the import check, build keys scrubbed.

pip is faked (the bundled wheels are made by packaging); the import check runs
the model for real."""

from __future__ import annotations

import json
import shutil
import sys

import pytest

from tests.unit.bpfakes import REPO, context, fake_pip, import_buildpack, python_env, run

import_buildpack("runtime")

from runtime.build import build  # noqa: E402

from seldon_detect.errors import UserError  # noqa: E402

TAG = "cp" + "".join(str(n) for n in sys.version_info[:2])
MODEL = "class MyModel:\n    def predict(self, X, names):\n        return X\n"
WHEEL = "seldon_runtime-0.1.0-py3-none-any.whl"


@pytest.fixture
def installs(monkeypatch):
    return fake_pip(monkeypatch)


@pytest.fixture
def bp_dir(tmp_path):
    """The buildpack as packaging lays it out: its wheels beside buildpack.toml."""
    bp = tmp_path / "bp"
    (bp / "wheels").mkdir(parents=True)
    shutil.copy(REPO / "buildpacks/runtime/buildpack.toml", bp)
    for name in (WHEEL, f"grpcio-1.0-{TAG}-{TAG}-manylinux_2_17_x86_64.whl"):
        (bp / "wheels" / name).write_bytes(b"")
    return bp


def _env_with(prefix, *dists):
    site = prefix / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    (site / "seldon_runtime" / "compat").mkdir(parents=True)
    for name, version in dists:
        info = site / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Name: {name}\nVersion: {version}\n")
    return site


def _ctx(tmp_path, bp_dir):
    return context(tmp_path, "runtime", bp_dir=bp_dir, app={
        "MyModel.py": MODEL,
        ".s2i/environment": "MODEL_NAME=MyModel\nEXTRA_INDEX_URL=https://u:p@h/simple\n"})


def test_processes_sbom_and_scrubbed_build_keys(tmp_path, monkeypatch, bp_dir, installs):
    prefix = python_env(monkeypatch, tmp_path / "env", reused=False)
    site = _env_with(prefix, ("seldon_runtime", "0.1.0"), ("numpy", "1.26.4"))
    ctx = _ctx(tmp_path, bp_dir)
    result, log = run(build, ctx)
    assert [c.args for c in installs] == [["--no-index", str(bp_dir / "wheels" / WHEEL)]]
    assert [(p.type, p.command, p.default) for p in result.processes] == [
        ("web", ["seldon-runtime"], True),
        ("rest", ["seldon-runtime", "--grpc-workers", "0"], False),
        ("grpc", ["seldon-runtime", "--workers", "0"], False)]
    assert result.layers == () and result.labels == {}
    sbom = json.loads(result.launch_sbom)
    assert sbom["metadata"]["component"]["name"] == "MyModel"
    assert {c["name"] for c in sbom["components"]} == {"seldon_runtime", "numpy"}
    assert (ctx.layers_dir / "launch.sbom.cdx.json").read_text() == result.launch_sbom
    assert "Model class MyModel imports" in log
    assert (ctx.app_dir / ".s2i/environment").read_text() == "MODEL_NAME=MyModel\n"
    assert (site / "seldon-core-stand-in.pth").is_file()


def test_a_reused_env_installs_nothing_but_still_checks_the_model(tmp_path, monkeypatch, bp_dir,
                                                                   installs):
    prefix = python_env(monkeypatch, tmp_path / "env", reused=True)
    _env_with(prefix)
    ctx = _ctx(tmp_path, bp_dir)
    (ctx.app_dir / "MyModel.py").write_text("import not_installed_anywhere\n")
    with pytest.raises(UserError):
        run(build, ctx)
    assert installs == []
    assert not (ctx.layers_dir / "launch.toml").exists()
