"""project.toml at the root: a valid schema-0.2 descriptor that fits our examples."""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path

import pytest
from docs_support import DESIGNED_IDS, ROOT, buildpacks

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def project() -> dict:
    return tomllib.loads((ROOT / "project.toml").read_text())


def excluded(relative: str, patterns: list[str]) -> bool:
    """gitignore-style match, enough for the patterns a descriptor uses here."""
    parts = relative.split("/")
    for pattern in patterns:
        if pattern.endswith("/"):
            # a directory anywhere on the path
            if any(fnmatch.fnmatch(part, pattern[:-1]) for part in parts[:-1]):
                return True
        elif "/" in pattern.strip("/"):
            if fnmatch.fnmatch(relative, pattern.lstrip("/")):
                return True
        elif any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def test_schema_and_metadata(project):
    meta = project["_"]
    assert meta["schema-version"] == "0.2"
    for licence in meta.get("licenses", []):
        assert licence.get("type") or licence.get("uri")
    # any other top-level table must have a reverse-domain name
    assert all(key == "_" or "." in key or key == "io" for key in project)


def test_include_and_exclude_are_not_both_set(project):
    io = project["io"]["buildpacks"]
    assert ("include" in io) != ("exclude" in io)


def test_group_entries_name_our_buildpacks_in_builder_order(project):
    group = project["io"]["buildpacks"]["group"]
    known = buildpacks()
    ids = [entry["id"] for entry in group]
    assert set(ids) <= set(known), f"unknown buildpacks {set(ids) - set(known)}"
    assert ids == sorted(ids, key=DESIGNED_IDS.index), "out of the builder's order"
    for entry in group:
        # the descriptor allows exactly one of version, uri, script
        assert sum(key in entry for key in ("version", "uri", "script")) == 1
        if known[entry["id"]]:
            assert entry["version"] == known[entry["id"]]


def _detects(bp_id: str, example: Path) -> bool:
    """Which buildpacks pass detection on an example, as the design table says."""
    conda = (example / "environment.yml").exists() or (example / "environment.yaml").exists()
    return {
        "seldon/s2i-environment": True,
        "seldon/debian-packages": (example / "Aptfile").exists(),
        "seldon/conda-environment": conda,
        "seldon/cpython": False,  # no example asks for a Python the stack lacks
        "seldon/python-venv": not conda,
        "seldon/pip-requirements": (example / "requirements.txt").exists(),
        "seldon/setup-py": (example / "setup.py").exists() or (example / "pyproject.toml").exists(),
        "seldon/runtime": True,
    }[bp_id]


def test_group_is_the_one_sklearn_iris_detects(project):
    """A project group has no optional members: every one must detect, none may be missing."""
    ids = [entry["id"] for entry in project["io"]["buildpacks"]["group"]]
    example = EXAMPLES / "sklearn-iris"
    assert ids == [bp for bp in DESIGNED_IDS if _detects(bp, example)]


def test_exclusions_keep_everything_an_example_builds_from(project):
    patterns = project["io"]["buildpacks"].get("exclude", [])
    for example in sorted(p for p in EXAMPLES.iterdir() if (p / ".s2i").is_dir()):
        for path in example.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                relative = path.relative_to(example).as_posix()
                assert not excluded(relative, patterns), (
                    f"{example.name}/{relative} would be dropped"
                )
    assert excluded("tests/test_model.py", patterns)
    assert excluded("pkg/__pycache__/m.cpython-311.pyc", patterns)
    assert excluded(".seldon-build-cache/x/layers/a.tar", patterns)


def test_build_env_has_no_secrets(project):
    for entry in project["io"]["buildpacks"]["build"]["env"]:
        assert set(entry) == {"name", "value"}
        assert not any(word in entry["name"] for word in ("PASSWORD", "TOKEN", "INDEX_URL"))
