"""seldon/debian-packages' build(): the packages layer, its search-path env, the apt cache
layer and reuse. apt (it needs the archive) and dpkg-deb are faked."""

from __future__ import annotations

import json

import pytest

from tests.unit.bpfakes import context, env_files, import_buildpack, restore, run

import_buildpack("debian-packages")

from debian_packages import build as deb_build  # noqa: E402
from debian_packages.apt import Package  # noqa: E402
from debian_packages.build import (  # noqa: E402
    APT_LAYER,
    LAYER,
    AptMetadata,
    PackagesMetadata,
    build,
)

from seldon_detect.cnb.layers import LayerTypes  # noqa: E402

ARCHIVE = {"jq": Package("jq", "1.6-2.1", "amd64"),
           "libjq1": Package("libjq1", "1.6-2.1", "amd64"),
           "libc6": Package("libc6", "2.36-9+deb12u13", "amd64", replaces="2.36-9+deb12u9")}


class FakeApt:
    """apt-get against a three-package archive: jq needs libjq1 (and a newer libc6)."""

    made: list[FakeApt] = []

    def __init__(self, home, status, scribe):
        self.home = home
        self.downloaded: list[str] = []
        FakeApt.made.append(self)

    def update(self):
        (self.home / "state" / "lists").mkdir(parents=True, exist_ok=True)

    def resolve(self, requests):
        names = [r.name for r in requests]
        return [ARCHIVE[n] for n in (["libc6", "libjq1"] if "jq" in names else []) + names]

    def download(self, specs):
        self.downloaded += specs

    def archive(self, package):
        return package


def fake_unpack(package, root):
    lib = root / "usr/lib/x86_64-linux-gnu"
    lib.mkdir(parents=True, exist_ok=True)
    (lib / f"{package.name}.so").write_text(package.version)
    if package.name == "jq":
        (root / "usr/bin").mkdir(parents=True, exist_ok=True)
        (root / "usr/bin/jq").write_text("jq")


@pytest.fixture
def ctx(tmp_path, monkeypatch):
    status, sources = tmp_path / "status", tmp_path / "sources.list"
    status.write_text("Package: libc6\n")
    sources.write_text("deb http://deb.debian.org/debian bookworm main\n")
    FakeApt.made = []
    monkeypatch.setattr(deb_build, "Apt", FakeApt)
    monkeypatch.setattr(deb_build, "unpack", fake_unpack)
    monkeypatch.setattr(deb_build, "status_file", lambda: (status, True))
    monkeypatch.setattr(deb_build, "source_files", lambda: [sources])
    return context(tmp_path, "debian-packages", app={"Aptfile": "jq\n"})


def test_packages_are_unpacked_into_a_layer_with_search_paths(ctx):
    result, log = run(build, ctx)
    packages, apt = result.layers
    assert (packages.name, packages.types) == (
        LAYER, LayerTypes(launch=True, build=True, cache=True))
    meta = packages.metadata
    assert isinstance(meta, PackagesMetadata) and meta.packages == ("jq",)
    # libc6 is in the run image in another version: never unpacked over it
    assert meta.unpacked == ("libjq1 1.6-2.1 amd64", "jq 1.6-2.1 amd64")
    assert "libc6 2.36-9+deb12u9 is in the run image" in log
    root = ctx.layers_dir / LAYER
    files = env_files(ctx, LAYER)
    assert files["env/PATH.prepend"] == str(root / "usr/bin")
    libs = f"{root}/usr/lib/x86_64-linux-gnu:{root}/usr/lib"
    assert files["env/LD_LIBRARY_PATH.prepend"] == libs
    assert files["env.build/LIBRARY_PATH.prepend"] == libs
    assert files["env/PATH.delim"] == ":"
    sbom = json.loads(packages.sbom)
    assert [c["name"] for c in sbom["components"]] == ["libjq1", "jq"]
    assert (apt.name, apt.types, apt.metadata) == (
        APT_LAYER, LayerTypes(cache=True), AptMetadata(sources=meta.sources))
    assert FakeApt.made[0].downloaded == ["jq"]


def test_unchanged_requests_reuse_the_layer_and_carry_the_apt_cache(ctx):
    run(build, ctx)
    restore(ctx)
    result, log = run(build, ctx)
    assert len(FakeApt.made) == 1
    assert "Reusing the Debian packages (2 packages)" in log
    assert [layer.name for layer in result.layers] == [LAYER, APT_LAYER]
    assert result.layers[0].metadata.unpacked == ("libjq1 1.6-2.1 amd64", "jq 1.6-2.1 amd64")
    assert "env/PATH.prepend" in env_files(ctx, LAYER)


def test_a_new_request_rebuilds_and_says_why(ctx):
    run(build, ctx)
    restore(ctx)
    (ctx.app_dir / "Aptfile").write_text("jq\nlibc6\n")
    _, log = run(build, ctx)
    assert len(FakeApt.made) == 2
    assert "Installing the Debian packages: packages changed from [jq] to [jq, libc6]" in log
