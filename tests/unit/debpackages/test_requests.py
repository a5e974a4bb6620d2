"""Aptfile and project.toml package lists: what is accepted, and what each bad entry says."""

from __future__ import annotations

import pytest

from seldon_detect.debpackages import requested_packages
from seldon_detect.errors import UserError


def _app(tmp_path, aptfile=None, project=None):
    if aptfile is not None:
        (tmp_path / "Aptfile").write_text(aptfile)
    if project is not None:
        (tmp_path / "project.toml").write_text(project)
    return tmp_path


def test_nothing_asked(tmp_path):
    assert requested_packages(_app(tmp_path)) == []
    assert requested_packages(_app(tmp_path, project='[_]\nschema-version = "0.2"\n')) == []


def test_aptfile_names_comments_and_pins(tmp_path):
    got = requested_packages(_app(tmp_path, "# for opencv\nlibgl1  libglib2.0-0\n\njq=1.6-2.1\n"
                                            "libc6:amd64 # arch qualified\n"))
    assert [(r.spec, r.name, r.source) for r in got] == [
        ("libgl1", "libgl1", "Aptfile:2"), ("libglib2.0-0", "libglib2.0-0", "Aptfile:2"),
        ("jq=1.6-2.1", "jq", "Aptfile:4"), ("libc6:amd64", "libc6", "Aptfile:5")]


def test_project_table_joins_the_aptfile_without_duplicates(tmp_path):
    got = requested_packages(_app(tmp_path, "jq\n", '[io.seldon.debian-packages]\n'
                                                    'install = ["jq", "libgl1"]\n'))
    assert [(r.spec, r.source) for r in got] == [
        ("jq", "Aptfile:1"),
        ("libgl1", "project.toml: [io.seldon.debian-packages] install[1]")]


@pytest.mark.parametrize("aptfile, title, location", [
    ("libgl1\nhttps://example.com/x.deb\n", "Aptfile may list only Debian package names",
     "Aptfile:2"),
    (":repo:deb http://example.com/ stable main\n", "Aptfile may list only Debian package names",
     "Aptfile:1"),
    ("./local.deb\n", "Aptfile may list only Debian package names", "Aptfile:1"),
    ("LibGL1\n", "'LibGL1' is not a Debian package name", "Aptfile:1"),
    ("jq; rm -rf /\n", "'jq;' is not a Debian package name", "Aptfile:1"),
    ("jq=1.6\njq=1.7\n", "Package jq is asked for twice, differently", "Aptfile:2"),
])
def test_bad_aptfile_entries_name_the_line(tmp_path, aptfile, title, location):
    with pytest.raises(UserError) as err:
        requested_packages(_app(tmp_path, aptfile))
    assert err.value.title == title
    assert err.value.location == location
    assert err.value.fix


@pytest.mark.parametrize("table, needle", [
    ('install = "libgl1"', "Found"),
    ('install = ["libgl1", 3]', "Found"),
    ('packages = ["libgl1"]', "Unknown keys: packages"),
])
def test_bad_project_table(tmp_path, table, needle):
    with pytest.raises(UserError) as err:
        requested_packages(_app(tmp_path, project=f"[io.seldon.debian-packages]\n{table}\n"))
    assert "must hold only `install`" in err.value.title
    assert needle in err.value.cause
    assert 'install = ["libgl1"' in err.value.fix[0]


def test_project_toml_syntax_error(tmp_path):
    with pytest.raises(UserError) as err:
        requested_packages(_app(tmp_path, project="[io.seldon.debian-packages\n"))
    assert err.value.location == "project.toml"


def test_build_variable_adds_packages(tmp_path):
    got = requested_packages(_app(tmp_path, "jq\n"), "libgl1, libglib2.0-0  jq")
    assert [(r.spec, r.source) for r in got] == [
        ("jq", "Aptfile:1"), ("libgl1", "BP_DEBIAN_PACKAGES"),
        ("libglib2.0-0", "BP_DEBIAN_PACKAGES")]
    with pytest.raises(UserError) as err:
        requested_packages(_app(tmp_path), "https://example.com/x.deb")
    assert err.value.title == "BP_DEBIAN_PACKAGES may list only Debian package names"
    assert err.value.location == "BP_DEBIAN_PACKAGES"
