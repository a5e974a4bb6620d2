"""seldon/debian-packages on this (Debian) host: real apt-get, as the build runs it.

Resolution falls back to the host's own package list (there is no run-image copy
here), so the test asks for a small program the host does not have.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

BP = "seldon/debian-packages"
CANDIDATES = ("tree", "figlet", "sl", "cowsay")
ENTRIES = [{"name": "debian-packages"}]


def _absent_package() -> str:
    if not shutil.which("apt-get") or not shutil.which("dpkg-deb"):
        pytest.skip("needs a Debian host (apt-get, dpkg-deb)")
    for name in CANDIDATES:
        installed = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name],
                                   capture_output=True, text=True)
        if "install ok installed" not in installed.stdout:
            return name
    pytest.skip(f"the host has all of {CANDIDATES} installed")


def test_detect_needs_a_list(make_app, lifecycle):
    assert lifecycle(make_app({"M.py": ""})).detect(BP).returncode == 100
    run = lifecycle(make_app({"Aptfile": "jq\n"})).detect(BP)
    assert run.returncode == 0, run.output
    assert run.plan["provides"] == [{"name": "debian-packages"}]
    by_variable = lifecycle(make_app({"M.py": ""}))
    (by_variable.platform / "env").mkdir(parents=True, exist_ok=True)
    (by_variable.platform / "env" / "BP_DEBIAN_PACKAGES").write_text("jq libgl1")
    assert by_variable.detect(BP).returncode == 0
    bad = lifecycle(make_app({"Aptfile": "https://example.com/x.deb\n"})).detect(BP)
    assert bad.returncode == 1
    assert "ERROR: Aptfile may list only Debian package names (Aptfile:1)" in bad.output


def test_unpacks_a_program_onto_path_and_reuses_it(make_app, lifecycle):
    name = _absent_package()
    lc = lifecycle(make_app({"Aptfile": f"# a program\n{name}\n"}))
    first = lc.build(BP, ENTRIES)
    assert first.returncode == 0, first.output
    layer = lc.layers / "seldon_debian-packages" / "packages"
    program = layer / "usr" / "bin" / name
    assert program.is_file()
    assert str(layer / "usr/bin") in (layer / "env" / "PATH.prepend").read_text().split(os.pathsep)
    assert "WARNING: The build image has no copy of the run image's package list" in first.output
    # the build env of later buildpacks finds it by name
    found = shutil.which(name, path=lc.build_env["PATH"])
    assert found == str(program)
    data = tomllib.loads((layer.parent / "packages.toml").read_text())
    assert data["types"] == {"launch": True, "build": True, "cache": True}
    assert any(u.startswith(f"{name} ") for u in data["metadata"]["unpacked"])
    sbom = (layer.parent / "packages.sbom.cdx.json").read_text()
    assert f'"name": "{name}"' in sbom
    # nothing of apt's state reaches the image
    apt = tomllib.loads((layer.parent / "apt.toml").read_text())
    assert apt["types"] == {"launch": False, "build": False, "cache": True}

    lc.restore()
    second = lc.build(BP, ENTRIES)
    assert second.returncode == 0, second.output
    assert "Reusing the Debian packages" in second.output
    assert "apt-get update" not in second.output
    assert program.is_file()
    # the apt cache layer is carried on, with this build's archive only
    assert (layer.parent / "apt.toml").is_file()
    archives = list((layer.parent / "apt" / "cache" / "archives").glob("*.deb"))
    assert [a.name.split("_")[0] for a in archives] == [name]


def test_unknown_package_names_its_line(make_app, lifecycle):
    _absent_package()
    lc = lifecycle(make_app({"Aptfile": "# ok\ntree\nno-such-package-e2b7\n"}))
    run = lc.build(BP, ENTRIES)
    assert run.returncode == 1
    assert "ERROR: A requested Debian package cannot be installed (Aptfile:3)" in run.output
    assert "Unable to locate package no-such-package-e2b7" in run.output
    assert "Traceback" not in run.output


def test_a_python2_debian_package_points_to_pip(make_app, lifecycle):
    _absent_package()  # skips off Debian
    lc = lifecycle(make_app({"Aptfile": "# from the old s2i Dockerfile\npython-opencv\n"}))
    run = lc.build(BP, ENTRIES)
    assert run.returncode == 1
    assert ("ERROR: python-opencv is a Python 2 package that Debian 12 no longer has "
            "(Aptfile:2)") in run.output, run.output
    assert "opencv-python-headless" in run.output
