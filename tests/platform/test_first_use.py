"""First use of the tool: its buildpacks packaged once and reused, missing stack images
built (as root) or named in one sentence."""

from __future__ import annotations

import io

import pytest

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe
from seldon_platform import package_data, packaging, stacks
from seldon_platform.engine import Engine


def _scribe() -> tuple[Scribe, io.StringIO]:
    out = io.StringIO()
    return Scribe(stream=out, verbose=True), out


def test_the_checkout_is_the_data_root_and_has_everything():
    root = package_data.data_root()
    assert root == package_data.CHECKOUT
    assert (root / "builder.toml").is_file()
    assert (root / "stacks" / "run" / "Containerfile").is_file()


@pytest.mark.slow
def test_buildpacks_are_packaged_once_then_reused_until_their_inputs_change(tmp_path, monkeypatch):
    target = tmp_path / "packaged"
    monkeypatch.setattr(packaging, "packaged_dir", lambda digest: target)
    scribe, out = _scribe()
    assert packaging.ensure_packaged(scribe) == target
    assert "Packaging the buildpacks" in out.getvalue()
    found = {p.parent.name for p in target.glob("*/buildpack.toml")}
    source = package_data.data_root() / "buildpacks"
    sources = {p.parent.name for p in source.glob("*/buildpack.toml")}
    assert len(found) == len(sources)  # every buildpack directory, discovered, none listed
    scribe, out = _scribe()
    packaging.ensure_packaged(scribe)
    assert "Packaging the buildpacks" not in out.getvalue() and "up to date" in out.getvalue()
    monkeypatch.setattr(packaging, "inputs_digest", lambda: "another digest")
    scribe, out = _scribe()
    packaging.ensure_packaged(scribe)
    assert "Packaging the buildpacks" in out.getvalue()


class NoImages(Engine):
    def image_exists(self, ref: str) -> bool:
        return False


def test_a_missing_build_image_that_is_not_ours_is_named_with_the_command():
    scribe, _ = _scribe()
    with pytest.raises(UserError) as err:
        stacks.ensure_build_image(NoImages(name="podman", binary="podman"), "example/build:1",
                                  scribe)
    assert err.value.title == "Build image example/build:1 not found"
    assert "`sudo seldon-build stacks`" in err.value.render()


def test_our_missing_stack_images_are_built_on_first_use_as_root(monkeypatch):
    built = []
    monkeypatch.setattr(stacks.os, "geteuid", lambda: 0)
    monkeypatch.setattr(stacks, "ensure_stacks", lambda engine, scribe: built.append(engine))
    scribe, out = _scribe()
    engine = NoImages(name="podman", binary="podman")
    stacks.ensure_build_image(engine, stacks.StackImages().build, scribe)
    assert built == [engine] and "building them once now" in out.getvalue()
