"""`make buildpacks` and `make builder`: layout, no-op when unchanged, builder checks."""

from __future__ import annotations

import os
import shutil

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe
from seldon_platform.builder_check import check_builder
from seldon_platform.packaging import REPO, Packager

#: every buildpack of the source tree: packaging must find each one by itself
IDS = sorted(tomllib.loads(p.read_text())["buildpack"]["id"]
             for p in (REPO / "buildpacks").glob("*/buildpack.toml"))


def test_layout(buildpacks_dir):
    assert sorted(p.name for p in buildpacks_dir.iterdir() if p.is_dir()) == \
        sorted(i.replace("/", "_") for i in IDS)
    for bp_id in IDS:
        bp = buildpacks_dir / bp_id.replace("/", "_")
        desc = tomllib.loads((bp / "buildpack.toml").read_text())
        assert desc["api"] == "0.10" and desc["buildpack"]["id"] == bp_id
        assert {(t["os"], t["arch"]) for t in desc["targets"]} == {("linux", "amd64"),
                                                                   ("linux", "arm64")}
        assert desc["stacks"] == [{"id": "*"}]
        for phase in ("detect", "build"):
            assert os.access(bp / "bin" / phase, os.X_OK)
            assert " -I " in (bp / "bin" / phase).read_text()
        lib = bp / "lib"
        for package in ("seldon_detect", "yaml", "packaging", "tomli"):
            assert (lib / package / "__init__.py").is_file(), package
        assert not list(lib.rglob("*.so")), "vendored code must be pure Python"
        # compiled at packaging time, so the read-only buildpack needs no bytecode writes
        assert list((lib / "seldon_detect" / "__pycache__").glob("app.cpython-*.pyc"))
    wheels = sorted(p.name for p in (buildpacks_dir / "seldon_runtime" / "wheels").iterdir())
    assert any(w.startswith("seldon_runtime-") for w in wheels)
    assert any("aarch64" in w for w in wheels) and any("x86_64" in w for w in wheels)
    rattler = list((buildpacks_dir / "seldon_conda-environment" / "wheels").glob("py_rattler*"))
    assert len(rattler) == 2


def test_unchanged_inputs_are_a_no_op(buildpacks_dir):
    lines = []

    class Capture:
        def write(self, text):
            lines.append(text)

        def flush(self):
            pass

    stamp = buildpacks_dir / "seldon_setup-py" / ".inputs-digest"
    before = stamp.stat().st_mtime_ns
    Packager(buildpacks_dir, Scribe(stream=Capture()), REPO / "build" / "cache").package_all()
    assert "".join(lines).count("up to date") == len(IDS)
    assert stamp.stat().st_mtime_ns == before


def test_builder_toml_matches_the_buildpacks(buildpacks_dir):
    descriptors = check_builder(REPO / "builder.toml", buildpacks_dir, Scribe(quiet=True))
    assert sorted(descriptors) == IDS
    builder = tomllib.loads((REPO / "builder.toml").read_text())
    (group,) = [o["group"] for o in builder["order"]]
    required = [g["id"] for g in group if not g.get("optional")]
    assert required == ["seldon/s2i-environment", "seldon/runtime"]
    assert builder["stack"]["id"] == "io.seldon.stacks.bookworm"


@pytest.mark.parametrize("edit, problem", [
    (lambda t: t.replace('version = "0.1.0"\nuri = "build/buildpacks/seldon_runtime"',
                         'version = "9.9.9"\nuri = "build/buildpacks/seldon_runtime"'),
     "builder says version 9.9.9"),
    (lambda t: t.replace('id = "seldon/setup-py"\n  version', 'id = "seldon/nope"\n  version'),
     "order references seldon/nope"),
    (lambda t: t.replace("[lifecycle]\nversion", "[lifecycle]\nnot-version"),
     "[lifecycle] version is missing"),
])
def test_builder_problems_are_reported(buildpacks_dir, tmp_path, edit, problem):
    config = tmp_path / "builder.toml"
    config.write_text(edit((REPO / "builder.toml").read_text()))
    (tmp_path / "build").symlink_to(REPO / "build")
    with pytest.raises(UserError) as err:
        check_builder(config, buildpacks_dir, Scribe(quiet=True))
    assert problem in err.value.render()


def test_pack_is_used_only_when_installed(monkeypatch):
    from seldon_platform import builder_check

    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert builder_check.create_builder(REPO / "builder.toml", "x", Scribe(quiet=True)) is False


def test_seldon_build_builder_command(buildpacks_dir, tmp_path, capsys):
    from seldon_platform.cli import main

    assert main(["builder"]) == 0
    out = capsys.readouterr().out
    assert f"builder.toml: {len(IDS)} buildpacks, 1 order group(s): OK" in out
    # another builder.toml: its buildpacks are packaged beside it, then checked against it
    broken = tmp_path / "builder.toml"
    broken.write_text((REPO / "builder.toml").read_text().replace(
        'version = "0.1.0"\nuri = "build/buildpacks/seldon_runtime"',
        'version = "9.9.9"\nuri = "build/buildpacks/seldon_runtime"'))
    assert main(["builder", "--config", str(broken)]) == 1
    err = capsys.readouterr().err
    assert f"ERROR: builder.toml does not match the buildpacks ({broken})" in err
    assert "seldon/runtime: builder says version 9.9.9" in err
    assert (tmp_path / "build" / "buildpacks" / "seldon_runtime" / "bin" / "build").is_file()
