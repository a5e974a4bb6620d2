"""builder.toml and the buildpack descriptors as pack reads them (pack_rules: the decoder's
unknown keys, ValidateConfig, the locator rules for relative uris), and the folder
`seldon-build builder --out` writes, which pack must take as is on any machine."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from docs_support import ROOT, buildpacks
from pack_rules import FACTS, descriptor_problems, locator_type, read_config, validate_config

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
