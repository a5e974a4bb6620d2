"""apt-get output parsing, archive names, and the layer fix-ups after unpacking."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "buildpacks" / "debian-packages"))

from debian_packages.apt import Package, blamed, parse_simulation  # noqa: E402
from debian_packages.unpack import (  # noqa: E402
    relink_absolute,
    reprefix_pkgconfig,
    search_paths,
)

SIMULATION = """\
NOTE: This is only a simulation!
Reading package lists...
The following NEW packages will be installed:
  jq libjq1 libonig5
Inst libonig5 (6.9.8-1 Debian:12.15/oldstable [amd64])
Inst libjq1 (1.6-2.1+deb12u3 Debian-Security:12/oldstable-security [amd64])
Inst libc6 [2.36-9+deb12u9] (2.36-9+deb12u13 Debian:12.15/oldstable [amd64]) []
Inst libxext6 (2:1.3.4-1+b1 Debian:12.15/oldstable [amd64])
Inst libdrm-common (2.4.114-1 Debian:12.15/oldstable [all])
Conf libonig5 (6.9.8-1 Debian:12.15/oldstable [amd64])
"""


def test_simulation_lists_what_would_be_unpacked():
    got = parse_simulation(SIMULATION)
    assert [(p.name, p.version, p.arch, p.replaces) for p in got] == [
        ("libonig5", "6.9.8-1", "amd64", ""),
        ("libjq1", "1.6-2.1+deb12u3", "amd64", ""),
        ("libc6", "2.36-9+deb12u13", "amd64", "2.36-9+deb12u9"),
        ("libxext6", "2:1.3.4-1+b1", "amd64", ""),
        ("libdrm-common", "2.4.114-1", "all", ""),
    ]


def test_archive_names_escape_the_epoch():
    assert Package("libxext6", "2:1.3.4-1+b1", "amd64").archive_name == \
        "libxext6_2%3a1.3.4-1+b1_amd64.deb"
    assert Package("jq", "1.6-2.1+deb12u3", "amd64").archive_name == \
        "jq_1.6-2.1+deb12u3_amd64.deb"


def test_blamed_names_come_from_error_lines_only():
    out = ("Reading package lists...\nBuilding dependency tree...\n"
           "E: Unable to locate package nosuchpkg\n"
           "E: Version '9.9' for 'jq' was not found\n")
    assert blamed(out, ["libgl1", "nosuchpkg", "jq"]) == ["nosuchpkg", "jq"]
    assert blamed("W: libgl1 something\n", ["libgl1"]) == []


def test_absolute_links_into_the_layer_become_relative(tmp_path):
    lib = tmp_path / "usr/lib/x86_64-linux-gnu"
    lib.mkdir(parents=True)
    (lib / "libfoo.so.1.2").write_bytes(b"\x7fELF")
    (lib / "libfoo.so").symlink_to("/usr/lib/x86_64-linux-gnu/libfoo.so.1.2")
    (lib / "libbar.so").symlink_to("/etc/alternatives/libbar.so")  # not ours: left alone
    (lib / "libfoo.so.1").symlink_to("libfoo.so.1.2")
    assert relink_absolute(tmp_path) == 1
    assert os.readlink(lib / "libfoo.so") == "libfoo.so.1.2"
    assert (lib / "libfoo.so").read_bytes() == b"\x7fELF"
    assert os.readlink(lib / "libbar.so") == "/etc/alternatives/libbar.so"


def test_pkgconfig_prefix_points_into_the_layer(tmp_path):
    pc = tmp_path / "usr/lib/x86_64-linux-gnu/pkgconfig/foo.pc"
    pc.parent.mkdir(parents=True)
    pc.write_text("prefix=/usr\nlibdir=${prefix}/lib/x86_64-linux-gnu\nName: foo\n")
    assert reprefix_pkgconfig(tmp_path) == 1
    assert pc.read_text().startswith(f"prefix={tmp_path}/usr\n")
    assert reprefix_pkgconfig(tmp_path) == 0


def test_search_paths_only_name_directories_that_exist(tmp_path):
    for d in ("usr/bin", "usr/lib/aarch64-linux-gnu/dri", "usr/include"):
        (tmp_path / d).mkdir(parents=True)
    got = search_paths(tmp_path, "arm64")
    assert got["PATH"] == [tmp_path / "usr/bin"]
    assert got["LD_LIBRARY_PATH"] == [tmp_path / "usr/lib/aarch64-linux-gnu", tmp_path / "usr/lib"]
    assert got["LIBGL_DRIVERS_PATH"] == [tmp_path / "usr/lib/aarch64-linux-gnu/dri"]
    assert got["CPATH"] == [tmp_path / "usr/include"]
    assert got["PKG_CONFIG_PATH"] == []
