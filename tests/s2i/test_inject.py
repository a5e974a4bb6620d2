"""Injected directories become service-binding directories for `seldon-build --binding`."""

from __future__ import annotations

import pytest

from seldon_detect.cnb.bindings import read_bindings
from seldon_detect.errors import UserError
from seldon_platform.s2i.inject import binding_args
from seldon_platform.s2i.translate import Injection


def _bindings_root(tmp_path, args):
    """Lay the `--binding` dirs out as the platform does, and read them back."""
    root = tmp_path / "platform" / "bindings"
    root.mkdir(parents=True)
    for flag, path in zip(args[::2], args[1::2]):
        assert flag == "--binding"
        (root / path.rsplit("/", 1)[-1]).symlink_to(path)
    return read_bindings(tmp_path / "platform")


def test_ca_dir_becomes_a_ca_certificates_binding(tmp_path):
    certs = tmp_path / "certs"
    certs.mkdir()
    (certs / "corp.pem").write_text("PEM")
    (certs / "sub").mkdir()
    work = tmp_path / "work"
    args = binding_args([Injection(str(certs), "/etc/ssl/certs", "ca-certificates")], work)
    [binding] = _bindings_root(tmp_path, args)
    assert binding.type == "ca-certificates"
    assert binding.entry("corp.pem").read_text() == "PEM"
    assert str(binding.path.resolve()).startswith(str(work))  # a copy, not the user's dir


def test_pip_dir_becomes_a_pip_binding_with_only_pip_files(tmp_path):
    conf = tmp_path / "pipconf"
    conf.mkdir()
    (conf / "pip.conf").write_text("[global]\n")
    (conf / ".netrc").write_text("machine x login u password p\n")
    (conf / "other.txt").write_text("not for pip")
    args = binding_args([Injection(str(conf), "/root/.config/pip", "pip")], tmp_path / "w")
    [binding] = _bindings_root(tmp_path, args)
    assert binding.type == "pip"
    assert sorted(p.name for p in binding.entries_dir.iterdir()) == [".netrc", "pip.conf", "type"]


def test_existing_binding_is_passed_as_it_is_whatever_the_destination(tmp_path):
    existing = tmp_path / "mybinding"
    existing.mkdir()
    (existing / "type").write_text("pip")
    args = binding_args([Injection(str(existing), "/anything", "")], tmp_path / "w")
    assert args == ["--binding", str(existing)]


def test_unknown_destination_is_an_error_with_the_ways_out(tmp_path):
    (tmp_path / "stuff").mkdir()
    with pytest.raises(UserError) as caught:
        binding_args([Injection(str(tmp_path / "stuff"), "/opt/stuff", "")], tmp_path / "w")
    assert "cannot honour" in caught.value.title
    assert any("/whl" in step for step in caught.value.fix)


def test_missing_directory_is_an_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        binding_args([Injection(str(tmp_path / "nope"), "/etc/ssl/certs", "ca-certificates")],
                     tmp_path / "w")


def test_pip_dir_without_pip_files_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme").write_text("")
    with pytest.raises(UserError, match="nothing for a pip binding"):
        binding_args([Injection(str(tmp_path / "empty"), "/root/.pip", "pip")], tmp_path / "w")
