"""Stack image inputs: mirrors from the host's apt, input digests, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe
from seldon_platform import stacks


def test_mirrors_are_read_from_deb822_sources(tmp_path: Path):
    d = tmp_path / "sources.list.d"
    d.mkdir()
    (d / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\n"
        "Components: main\n\n"
        "Types: deb\n# a comment\nURIs: http://mirror.example/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n"
    )
    assert stacks.debian_mirrors(tmp_path) == (
        "http://mirror.example/debian",
        "http://mirror.example/debian-security",
    )


def test_mirrors_are_read_from_one_line_sources(tmp_path: Path):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list").write_text(
        "# deb http://ignored/ bookworm main\n"
        "deb [arch=amd64] http://one.example/debian bookworm main\n"
        "deb http://sec.example/debian-security bookworm-security main\n"
    )
    assert stacks.debian_mirrors(tmp_path) == (
        "http://one.example/debian",
        "http://sec.example/debian-security",
    )


def test_mirrors_fall_back_to_debian_when_nothing_is_configured(tmp_path: Path):
    assert stacks.debian_mirrors(tmp_path) == (
        stacks.DEFAULT_MIRROR,
        stacks.DEFAULT_SECURITY_MIRROR,
    )


def test_containerfiles_are_found_in_the_checkout():
    d = stacks.stacks_dir()
    assert (d / "build" / "Containerfile").is_file()
    assert (d / "base" / "prepare-rootfs.sh").is_file()


def test_base_needs_root_and_says_how_to_proceed(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(stacks.os, "geteuid", lambda: 1000)
    with pytest.raises(UserError) as err:
        stacks._make_rootfs(Scribe(quiet=True), tmp_path / "rootfs", Path("x"), "m", "s")
    text = err.value.render()
    assert "needs root" in text
    assert "sudo make stacks" in text and "--base" in text
