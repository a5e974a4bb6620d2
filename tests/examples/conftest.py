from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from example_repos import EXAMPLES, WHEEL_SOURCES


def _load_make_wheel():
    spec = importlib.util.spec_from_file_location("make_wheel", EXAMPLES / "make_wheel.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def make_wheel():
    """examples/make_wheel.py as a module (it is a script, not a package)."""
    return _load_make_wheel()


@pytest.fixture(scope="session")
def example_wheels(make_wheel, tmp_path_factory) -> dict[str, Path]:
    """Each example that needs a wheel -> that wheel, built once for the session."""
    out = tmp_path_factory.mktemp("wheels")
    return {
        example: make_wheel.build_wheel(EXAMPLES / example / src, out / example)
        for example, src in WHEEL_SOURCES.items()
    }
