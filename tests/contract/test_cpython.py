"""seldon/cpython run as the lifecycle would: a Python the stack lacks, fetched and verified.

The distributions are made from this machine's pyenv interpreters in the
python-build-standalone layout (tests/pbsdist.py) and served from 127.0.0.1;
the builds reach them the ways a user would: BP_CPYTHON_URL + BP_CPYTHON_SHA256,
a mirror of the manifest's files, a dependency-mapping binding.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.contract.lifecycle import DETECT_FAIL, DETECT_PASS, run_group
from tests.distserver import serve
from tests.pbsdist import build_distribution, patchelf, sha256_of
from tests.pythons import find_python

CPYTHON = "seldon/cpython"
MODEL = {"M.py": "class M:\n    def predict(self, X, names):\n        return X\n"}


def _dist(minor: str) -> Path:
    python = find_python(minor)
    if python is None or patchelf() is None:
        pytest.skip(f"needs python{minor} (pyenv) and patchelf to build a test distribution")
    return build_distribution(python)


@pytest.fixture(scope="module")
def dist38() -> Path:
    return _dist("3.8")


@pytest.fixture(scope="module")
def dist312() -> Path:
    return _dist("3.12")


@pytest.fixture
def mirror(tmp_path, dist38):
    root = tmp_path / "mirror"
    root.mkdir()
    shutil.copy2(dist38, root / dist38.name)
    with serve(root) as (url, requested):
        yield url, requested, root


def _version_of(dist: Path) -> str:
    return dist.name.split("-")[1].split("+")[0]


@pytest.fixture
def our_manifest(tmp_path, buildpacks_dir, dist38, dist312):
    """The packaged buildpacks, with a cpython buildpack whose manifest lists the test dists
    (as a vendor's own manifest would): the URLs are upstream-like, the files ours."""
    root = tmp_path / "bps"
    root.mkdir()
    for bp in buildpacks_dir.iterdir():
        if bp.is_dir():
            (root / bp.name).symlink_to(bp)
    (root / "seldon_cpython").unlink()
    copy = root / "seldon_cpython"
    shutil.copytree(buildpacks_dir / "seldon_cpython", copy, symlinks=True)
    text = (copy / "buildpack.toml").read_text()
    text = text[: text.index("[[metadata.dependencies]]")]
    for dist in (dist38, dist312):
        text += (f'[[metadata.dependencies]]\nid = "cpython"\nversion = "{_version_of(dist)}"\n'
                 f'arch = "amd64"\nuri = "https://releases.example.invalid/20260101/'
                 f'{dist.name.replace("+", "%2B")}"\nsha256 = "{sha256_of(dist)}"\n\n')
    (copy / "buildpack.toml").write_text(text)
    return root


def _cpython_then_venv(lc):
    """Detect and build seldon/cpython, then seldon/python-venv on what it provided."""
    detect = lc.detect(CPYTHON)
    assert detect.returncode == DETECT_PASS, detect.output
    build = lc.build(CPYTHON, [{"name": "python", "metadata": {}}])
    assert build.returncode == 0, build.output
    venv = lc.build("seldon/python-venv", [])
    assert venv.returncode == 0, venv.output
    return build, venv


def _venv_version(lc) -> str:
    python = lc.layers / "seldon_python-venv" / "venv" / "bin" / "python"
    return subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                          capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize("files, env, reason", [
    ({}, {}, "no Python version asked for"),
    ({".python-version": "3.11\n"}, {}, "the stack's Python 3.11"),
    ({"runtime.txt": "python-3.11\n"}, {}, "the stack's Python 3.11"),
    ({"pyproject.toml": '[project]\nname = "m"\nrequires-python = ">=3.8"\n'}, {},
     "the stack's Python 3.11"),
    ({".python-version": "3.8\n", "environment.yml": "dependencies: [python=3.8]\n"}, {},
     "brings its own Python"),
    ({}, {"SELDON_S2I_PYTHON": "3.11"}, "the stack's Python 3.11"),
    ({}, {"SELDON_S2I_PYTHON": "3.7"}, "says Python 3.7, which is not supported"),
])
def test_nothing_to_do_when_the_stack_fits(make_app, lifecycle, files, env, reason):
    run = lifecycle(make_app({**MODEL, **files}), env).detect(CPYTHON)
    assert run.returncode == DETECT_FAIL, run.output
    assert reason in run.output


@pytest.mark.parametrize("files, env", [
    ({".python-version": "3.7\n"}, {}),
    ({"runtime.txt": "python-3.14.0\n"}, {}),
    ({}, {"BP_CPYTHON_VERSION": "2.7"}),
])
def test_unsupported_versions_are_refused_at_detect(make_app, lifecycle, files, env):
    run = lifecycle(make_app({**MODEL, **files}), env).detect(CPYTHON)
    assert run.returncode not in (DETECT_PASS, DETECT_FAIL)
    assert "is not supported" in run.output
    assert "3.8, 3.9, 3.10, 3.11, 3.12, 3.13" in run.output


def test_the_s2i_builder_name_is_the_weakest_source(make_app, lifecycle):
    lc = lifecycle(make_app(MODEL), {"SELDON_S2I_PYTHON": "3.8"})
    run = lc.detect(CPYTHON)
    assert run.returncode == DETECT_PASS, run.output
    assert "the s2i builder name (SELDON_S2I_PYTHON) asks for Python 3.8" in run.output
    (lc.app / "pyproject.toml").write_text('[project]\nname = "m"\nrequires-python = "<3.11"\n')
    run = lc.detect(CPYTHON)
    assert "pyproject.toml requires-python asks for Python <3.11: providing 3.10." in run.output


def test_the_strongest_source_wins_and_is_named(make_app, lifecycle):
    app = make_app({**MODEL, ".python-version": "3.12\n", "runtime.txt": "python-3.10\n"})
    lc = lifecycle(app, {"BP_CPYTHON_VERSION": "3.9"})
    run = lc.detect(CPYTHON)
    assert run.returncode == DETECT_PASS, run.output
    assert "BP_CPYTHON_VERSION asks for Python 3.9: providing 3.9." in run.output
    (lc.platform / "env" / "BP_CPYTHON_VERSION").unlink()
    run = lc.detect(CPYTHON)
    assert ".python-version asks for Python 3.12: providing 3.12." in run.output


def test_own_distribution_by_url_and_sha256(make_app, lifecycle, dist38, mirror):
    """The whole group: the venv, and seldon-runtime for 3.8 from the index, on the dist."""
    url, requested, _ = mirror
    app = make_app({**MODEL, ".python-version": "3.8\n"})
    lc = lifecycle(app, {"BP_CPYTHON_URL": f"{url}/{dist38.name}",
                         "BP_CPYTHON_SHA256": sha256_of(dist38)})
    builds = run_group(lc)
    assert all(b.returncode == 0 for b in builds.values()), list(builds.values())[-1].output
    log = "\n".join(b.output for b in builds.values())
    assert "asked for 3.8 by .python-version" in log
    assert "from BP_CPYTHON_URL" in log and "verified" in log
    assert f"the bundled wheels are not for Python {_version_of(dist38)}" in log
    assert _venv_version(lc) == _version_of(dist38)
    layer = lc.layers / "seldon_cpython" / "cpython"
    assert (lc.layers / "seldon_cpython" / "cpython.sbom.cdx.json").read_text().count(
        sha256_of(dist38)) == 1
    assert "[types]\nlaunch = true\nbuild = true\ncache = true" in \
        (layer.parent / "cpython.toml").read_text()
    assert requested == [f"/{dist38.name}"]


def test_mirror_rebuild_reuses_and_switch_rebuilds_venv(make_app, lifecycle, our_manifest,
                                                        mirror, dist38):
    url, requested, _ = mirror
    app = make_app({**MODEL, "runtime.txt": "python-3.8\n"})
    lc = lifecycle(app, {"BP_CPYTHON_MIRROR": url + "/"})
    lc.buildpacks_dir = our_manifest
    build, _ = _cpython_then_venv(lc)
    assert "(from BP_CPYTHON_MIRROR)" in build.output
    assert requested == [f"/{dist38.name.replace('+', '%2B')}"]
    lc.restore()
    build, venv = _cpython_then_venv(lc)
    assert "Reusing Python " + _version_of(dist38) in build.output
    assert "Reusing the Python environment" in venv.output
    assert len(requested) == 1, "a rebuild downloaded the interpreter again"
    # the app now asks for the stack's Python: the venv says why it is rebuilt
    (app / "runtime.txt").write_text("python-3.11\n")
    lc.restore()
    assert lc.detect(CPYTHON).returncode == DETECT_FAIL
    venv = lc.build("seldon/python-venv", [])
    assert "the interpreter changed from " + _version_of(dist38) in venv.output, venv.output


def test_a_file_mirror(make_app, lifecycle, our_manifest, dist38, tmp_path):
    mirror = tmp_path / "file-mirror"
    mirror.mkdir()
    shutil.copy2(dist38, mirror / dist38.name)
    lc = lifecycle(make_app({**MODEL, ".python-version": "3.8\n"}),
                   {"BP_CPYTHON_MIRROR": mirror.as_uri()})
    lc.buildpacks_dir = our_manifest
    build, _ = _cpython_then_venv(lc)
    assert f"downloading {mirror.as_uri()}/" in build.output
    assert _venv_version(lc) == _version_of(dist38)


def test_dependency_mapping_binding_with_a_file(make_app, lifecycle, our_manifest, dist312):
    app = make_app({**MODEL, ".python-version": "3.12\n"})
    sha = sha256_of(dist312)
    lc = lifecycle(app, {"BP_CPYTHON_MIRROR": "http://127.0.0.1:9/unused"},
                   bindings={"pythons": {"type": "dependency-mapping", sha: dist312.name}})
    shutil.copy2(dist312, lc.platform / "bindings" / "pythons" / dist312.name)
    lc.buildpacks_dir = our_manifest
    build, _ = _cpython_then_venv(lc)
    assert "dependency-mapping binding 'pythons'" in build.output
    assert _venv_version(lc) == _version_of(dist312)


def test_a_corrupted_mirror_file_fails_with_the_checksum_error(make_app, lifecycle,
                                                               our_manifest, mirror, dist38):
    url, _, root = mirror
    with open(root / dist38.name, "r+b") as f:
        f.seek(1000)
        f.write(b"corrupted")
    app = make_app({**MODEL, ".python-version": "3.8\n"})
    lc = lifecycle(app, {"BP_CPYTHON_MIRROR": url})
    lc.buildpacks_dir = our_manifest
    build = lc.build(CPYTHON, [])
    assert build.returncode != 0
    assert "The Python distribution's checksum does not match" in build.output
    assert f"Python {_version_of(dist38)} from {url}/" in build.output
    for way in ("BP_CPYTHON_MIRROR", "dependency-mapping", "BP_CPYTHON_URL"):
        assert way in build.output
    assert not (lc.layers / "seldon_cpython" / "cpython" / "bin").exists()


def test_a_missing_file_names_version_url_and_the_ways(make_app, lifecycle, mirror):
    url, _, _ = mirror
    app = make_app({**MODEL, ".python-version": "3.9\n"})
    build = lifecycle(app, {"BP_CPYTHON_MIRROR": url}).build(CPYTHON, [])
    assert build.returncode != 0
    assert "Cannot download Python 3.9." in build.output
    assert "HTTP 404" in build.output and "cpython-3.9." in build.output
    assert "BP_CPYTHON_SHA256" in build.output


def test_url_without_sha256_is_refused(make_app, lifecycle):
    app = make_app({**MODEL, ".python-version": "3.8\n"})
    run = lifecycle(app, {"BP_CPYTHON_URL": "http://127.0.0.1:9/x.tar.gz"}).detect(CPYTHON)
    assert run.returncode not in (DETECT_PASS, DETECT_FAIL)
    assert "BP_CPYTHON_URL is set without BP_CPYTHON_SHA256" in run.output
