"""Which Python is asked for (sources and their order), which distribution answers it,
and the archive checks before anything is unpacked."""

from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "buildpacks" / "cpython"))

from cpython.manifest import load_manifest  # noqa: E402
from cpython.unpack import unpack  # noqa: E402

from seldon_detect.errors import UserError  # noqa: E402
from seldon_detect.pyversion import PythonHint, find_python_request  # noqa: E402

MANIFEST = load_manifest(REPO / "buildpacks" / "cpython")
PYPROJECT = '[project]\nname = "m"\nrequires-python = "{}"\n'


def _app(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize("files, env, version, source", [
    ({".python-version": "3.8\n", "runtime.txt": "python-3.9\n"}, {"BP_CPYTHON_VERSION": "3.10"},
     "3.10", "BP_CPYTHON_VERSION"),
    ({".python-version": "3.8\n", "runtime.txt": "python-3.9\n"}, {}, "3.8", ".python-version"),
    ({"runtime.txt": "python-3.9.18\n", "pyproject.toml": PYPROJECT.format("<3.9")}, {},
     "3.9.18", "runtime.txt"),
    ({"pyproject.toml": PYPROJECT.format(">=3.8,<3.10")}, {"SELDON_S2I_PYTHON": "3.12"},
     ">=3.8,<3.10", "pyproject.toml requires-python"),
    ({}, {"SELDON_S2I_PYTHON": "3.8"}, "3.8", "the s2i builder name (SELDON_S2I_PYTHON)"),
    ({"pyproject.toml": '[project]\nname = "m"\n'}, {}, None, None),
])
def test_sources_in_order(tmp_path, files, env, version, source):
    hint = find_python_request(_app(tmp_path, files), env)
    assert (hint.version if hint else None) == version
    assert (hint.source if hint else None) == source


def test_a_bad_requires_python_names_the_key(tmp_path):
    with pytest.raises(UserError) as err:
        find_python_request(_app(tmp_path, {"pyproject.toml": PYPROJECT.format("3.8+")}), {})
    assert err.value.location == "pyproject.toml: project.requires-python"


@pytest.mark.parametrize("hint, arch, version", [
    (PythonHint("3.8", "x"), "amd64", "3.8.20"),
    (PythonHint("3.12", "x"), "arm64", "3.12.14"),
    (PythonHint("3.13.15", "x"), "amd64", "3.13.15"),
    (PythonHint(">=3.8,<3.11", "x", is_range=True), "amd64", "3.10.21"),
])
def test_the_newest_fitting_distribution(hint, arch, version):
    dist = MANIFEST.choose(hint, arch)
    assert dist.version == version and dist.arch == arch
    assert len(dist.sha256) == 64 and dist.file_name.startswith(f"cpython-{version}+")


def test_every_supported_minor_has_both_architectures():
    for minor in MANIFEST.supported:
        for arch in ("amd64", "arm64"):
            assert MANIFEST.choose(PythonHint(minor, "x"), arch)


@pytest.mark.parametrize("hint, title", [
    (PythonHint("3.7", ".python-version"), "Python 3.7 is not supported"),
    (PythonHint("3", ".python-version"), "Python 3 is not supported"),
    (PythonHint("3.8.3", "runtime.txt"), "No known Python distribution for 3.8.3 on amd64"),
    (PythonHint(">=3.14", "pyproject.toml requires-python", is_range=True),
     "No known Python distribution for >=3.14 on amd64"),
])
def test_refusals_say_what_is_supported(hint, title):
    with pytest.raises(UserError) as err:
        MANIFEST.choose(hint, "amd64")
    assert err.value.title == title
    assert err.value.location == hint.source


def test_a_mirror_keeps_the_upstream_file_name():
    dist = MANIFEST.choose(PythonHint("3.8", "x"), "amd64")
    assert dist.mirrored("https://m.example/pbs/") == \
        "https://m.example/pbs/" + dist.uri.rsplit("/", 1)[1]


def _archive(tmp_path: Path, members: list[tarfile.TarInfo]) -> Path:
    path = tmp_path / "python.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for member in members:
            data = b"x" if member.isfile() else None
            if data:
                member.size = 1
            tar.addfile(member, io.BytesIO(data) if data else None)
    return path


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mode = kind, link, 0o600
    return info


@pytest.mark.parametrize("member, why", [
    (_member("other/bin/python3"), "outside the top directory"),
    (_member("python/../../etc/passwd"), "points outside"),
    (_member("python/bin/python3", tarfile.SYMTYPE, "/usr/bin/python3"), "links outside"),
    (_member("python/bin/x", tarfile.SYMTYPE, "../../../etc/passwd"), "links outside"),
    (_member("python/dev/null", tarfile.CHRTYPE), "device"),
])
def test_archives_that_escape_the_layer_are_refused(tmp_path, member, why):
    archive = _archive(tmp_path, [_member("python/", tarfile.DIRTYPE), member])
    with pytest.raises(UserError) as err:
        unpack(archive, tmp_path / "layer", "test.tar.gz")
    assert why in err.value.cause


def test_unpacked_files_are_readable_by_any_user(tmp_path):
    archive = _archive(tmp_path, [_member("python/", tarfile.DIRTYPE),
                                  _member("python/lib/", tarfile.DIRTYPE),
                                  _member("python/lib/os.py"),
                                  _member("python/bin/python3", tarfile.SYMTYPE, "../lib/os.py")])
    unpack(archive, tmp_path / "layer", "test.tar.gz")
    assert (tmp_path / "layer" / "lib" / "os.py").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "layer" / "bin" / "python3").resolve() == \
        (tmp_path / "layer" / "lib" / "os.py")
