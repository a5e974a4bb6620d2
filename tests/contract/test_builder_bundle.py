"""`seldon-build builder --out DIR`: a builder folder pack takes as is."""

from __future__ import annotations

import shutil

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe
from seldon_platform.builder_bundle import write_bundle
from seldon_platform.cli import main
from seldon_platform.packaging import REPO


def test_bundle_is_self_contained(buildpacks_dir, tmp_path):
    out = tmp_path / "far" / "away"
    written = write_bundle(REPO / "builder.toml", buildpacks_dir, out, Scribe(quiet=True))
    original = tomllib.loads((REPO / "builder.toml").read_text())
    bundled = tomllib.loads(written.read_text())
    for entry in bundled["buildpacks"]:
        assert not entry["uri"].startswith(("/", ".."))
        descriptor = tomllib.loads((out / entry["uri"] / "buildpack.toml").read_text())
        assert descriptor["buildpack"]["id"] == entry["id"]
        assert (out / entry["uri"] / "bin" / "build").stat().st_mode & 0o111
    # only the uris differ, and the comments are kept
    for entry in original["buildpacks"] + bundled["buildpacks"]:
        entry.pop("uri")
    assert original == bundled
    assert "# The builder:" in written.read_text()
    # the folder keeps working after a move: nothing points back at the checkout
    moved = shutil.move(str(out), str(tmp_path / "moved"))
    assert str(REPO) not in (tmp_path / "moved" / "builder.toml").read_text()
    for entry in bundled["buildpacks"]:
        assert not (tmp_path / "moved" / "buildpacks" / entry["id"].replace("/", "_")
                    / ".inputs-digest").exists()
    assert moved


def test_a_missing_buildpack_is_named(buildpacks_dir, tmp_path):
    config = tmp_path / "builder.toml"
    config.write_text((REPO / "builder.toml").read_text()
                      .replace('id = "seldon/setup-py"\nversion', 'id = "seldon/nope"\nversion'))
    with pytest.raises(UserError) as err:
        write_bundle(config, buildpacks_dir, tmp_path / "out", Scribe(quiet=True))
    assert "seldon/nope is not packaged" in err.value.render()


def test_the_cli_writes_the_bundle_without_pack(buildpacks_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: pytest.fail("pack must not run"))
    assert main(["-q", "builder", "--out", str(tmp_path / "b")]) == 0
    assert (tmp_path / "b" / "builder.toml").is_file()
