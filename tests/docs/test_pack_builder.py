"""builder.toml and the buildpack descriptors as pack reads them (pack_rules: the decoder's
unknown keys, ValidateConfig, the locator rules for relative uris), and the folder
`seldon-build builder --out` writes, which pack must take as is on any machine."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docs_support import ROOT, buildpacks
from pack_rules import (
    FACTS,
    command_problems,
    descriptor_problems,
    flag_value,
    locator_type,
    parse_target,
    read_config,
    validate_config,
)

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

BUILDER_TOML = ROOT / "builder.toml"


@pytest.fixture(scope="module")
def packaged() -> Path:
    from seldon_detect.scribe import Scribe
    from seldon_platform.packaging import REPO, Packager

    out = REPO / "build" / "buildpacks"
    Packager(out, Scribe(quiet=True), REPO / "build" / "cache").package_all()
    return out


def test_the_facts_name_the_pinned_pack_version():
    assert FACTS["source"]["tag"] == "v0.40.5"


def test_pack_decodes_and_accepts_builder_toml():
    cfg, problems = read_config(BUILDER_TOML)
    assert problems == []
    assert validate_config(cfg) == []


def test_builder_toml_names_every_buildpack_once():
    data = tomllib.loads(BUILDER_TOML.read_text())
    listed = {b["id"]: b["version"] for b in data["buildpacks"]}
    assert listed == buildpacks(), "one [[buildpacks]] entry per buildpacks/*/buildpack.toml"
    (order,) = data["order"]
    assert sorted(g["id"] for g in order["group"]) == sorted(listed)


@pytest.mark.parametrize("descriptor", sorted((ROOT / "buildpacks").glob("*/buildpack.toml")),
                         ids=lambda p: p.parent.name)
def test_pack_reads_every_buildpack_descriptor(descriptor):
    assert descriptor_problems(descriptor) == []


def test_the_uris_are_local_folders_only_after_packaging(packaged, tmp_path):
    data = tomllib.loads(BUILDER_TOML.read_text())
    for entry in data["buildpacks"]:
        assert locator_type(entry["uri"], BUILDER_TOML.parent) == "URILocator", entry["uri"]
        # the same file elsewhere, without build/: pack would try to pull an image
        assert locator_type(entry["uri"], tmp_path) != "URILocator"
    assert "make buildpacks" in BUILDER_TOML.read_text().split("\n[[buildpacks]]")[0]


def test_the_bundle_is_what_pack_takes_as_is(packaged, tmp_path):
    from seldon_detect.scribe import Scribe
    from seldon_platform.builder_bundle import write_bundle

    written = write_bundle(BUILDER_TOML, packaged, tmp_path / "builder", Scribe(quiet=True))
    moved = Path(shutil.move(str(written.parent), str(tmp_path / "elsewhere")))
    cfg, problems = read_config(moved / "builder.toml")
    assert problems == [] and validate_config(cfg) == []
    for entry in cfg["buildpacks"]:
        assert not Path(entry["uri"]).is_absolute()
        assert locator_type(entry["uri"], moved) == "URILocator"
        assert descriptor_problems(moved / entry["uri"] / "buildpack.toml") == []


def test_both_targets_have_a_lifecycle_download():
    data = tomllib.loads(BUILDER_TOML.read_text())
    version = data["lifecycle"]["version"]
    arches = {t["arch"] for t in data["targets"]}
    assert arches == {"amd64", "arm64"} and {t["os"] for t in data["targets"]} == {"linux"}
    # pack names the amd64 download x86-64 (pkg/client/create_builder.go)
    url = FACTS["lifecycle_url"] % (version, version, "x86-64")
    readme = (ROOT / "docs" / "ci" / "README.md").read_text()
    assert url.rsplit("/", 1)[1] in readme
    assert url.rsplit("/releases/", 1)[0] + "/releases" in readme
    assert f'version = "{version}"' in readme


# -- the `pack builder create` line of `make builder` / `seldon-build builder` -------------

BUILDER_IMAGE = "localhost/seldon-buildpacks/builder:bookworm"


def _targets() -> list[dict]:
    return tomllib.loads(BUILDER_TOML.read_text())["targets"]


@pytest.mark.parametrize("arch", [None, "amd64", "arm64"])
def test_the_create_line_is_one_pack_takes_for_the_engine(arch):
    from seldon_detect.scribe import Scribe
    from seldon_platform.builder_check import create_command
    from seldon_platform.lifecycle.buildenv import host_arch

    words = create_command("pack", BUILDER_TOML, BUILDER_IMAGE, Scribe(quiet=True), arch=arch)
    assert command_problems(words) == []
    assert words[:4] == ["pack", "builder", "create", BUILDER_IMAGE]
    assert flag_value(words, "--pull-policy") == "never", "the stack images are local"
    assert words.count("--target") == 1, "writing to the engine, pack takes one target"
    target, problems = parse_target(flag_value(words, "--target"))
    assert problems == [] and target in _targets()
    assert target == {"os": "linux", "arch": arch or host_arch()}


@pytest.mark.parametrize("target", [
    {"os": "linux", "arch": "amd64"},
    {"os": "linux", "arch": "arm", "variant": "v7"},
    {"os": "linux", "arch": "arm64", "distros": [{"name": "debian", "version": "12"}]},
    {"os": "linux", "arch": "amd64", "variant": "v3",
     "distros": [{"name": "debian", "version": "12"}, {"name": "ubuntu"}]},
])
def test_a_builder_toml_target_is_written_as_pack_parses_it(target):
    from seldon_platform.builder_check import pack_target

    assert parse_target(pack_target(target)) == (target, [])


def test_no_target_is_passed_where_builder_toml_has_none_for_this_machine(tmp_path):
    from seldon_detect.scribe import Scribe
    from seldon_platform.builder_check import create_command

    text = BUILDER_TOML.read_text()
    without = tmp_path / "builder.toml"
    without.write_text(text.split("\n[[targets]]")[0])
    assert "--target" not in create_command("pack", without, "b", Scribe(quiet=True))
    said = io.StringIO()
    words = create_command("pack", BUILDER_TOML, "b", Scribe(stream=said), arch="s390x")
    assert "--target" not in words
    assert "no [[targets]] entry for linux/s390x" in said.getvalue()


@pytest.mark.parametrize(("words", "problem"), [
    (["--target", "linux/amd64", "--target", "linux/arm64"], "only one target is allowed"),
    (["--target", "linux/amd64,linux/arm64"], "only one target is allowed"),
    (["--target", "linux/amd64/v9"], "unknown target: linux/amd64/v9"),
    (["--target", "linux"], "unknown target: linux"),
    (["--target", "linux/arm64:@12"], "invalid distro: @12"),
    (["--target", "linux/arm64:debian@12@13"], "invalid distro"),
])
def test_pack_refuses_these_targets(words, problem):
    line = ["pack", "builder", "create", "b", "--config", "c.toml", *words]
    assert any(problem in p for p in command_problems(line)), command_problems(line)
    if "only one" in problem:  # a registry takes one image per target
        assert command_problems([*line, "--publish"]) == []


def test_make_builder_runs_that_line(packaged, tmp_path):
    """`make builder` with a `pack` on PATH that records what it was asked (pack itself
    cannot be installed here: its releases are on GitHub)."""
    from seldon_detect.scribe import Scribe
    from seldon_platform.builder_check import create_command

    bin_dir, record = tmp_path / "bin", tmp_path / "argv"
    bin_dir.mkdir()
    (bin_dir / "pack").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n')
    (bin_dir / "pack").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    # -o: never reinstall the venv from inside a test
    make = subprocess.run(["make", "-s", "-o", ".venv/.installed", "builder"], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    assert make.returncode == 0, make.stdout + make.stderr
    got = record.read_text().splitlines()
    config = got.index("--config") + 1
    assert (ROOT / got[config]).resolve() == BUILDER_TOML
    got[config] = str(BUILDER_TOML)
    assert ["pack", *got] == create_command("pack", BUILDER_TOML, BUILDER_IMAGE,
                                            Scribe(quiet=True))


def test_builder_out_prints_that_line_for_its_folder(packaged, tmp_path, capsys):
    from seldon_platform.cli import main

    assert main(["builder", "--out", str(tmp_path / "bundle")]) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "next: pack" in x]
    words = line.split("next: ", 1)[1].split("   (see")[0].split()
    assert command_problems(words) == []
    assert flag_value(words, "--config") == str(tmp_path / "bundle" / "builder.toml")
    assert parse_target(flag_value(words, "--target"))[0] in _targets()
