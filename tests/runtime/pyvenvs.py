"""Cached venvs with ./runtime installed (dependencies from PyPI), one per Python.

Each venv is keyed by the interpreter's full version and a digest of the
runtime's sources, so it is rebuilt only when one of them changes. The extras
are what the runtime test suite's models import, so that
`SELDON_TEST_RUNTIME_PYTHON=<venv>/bin/python pytest tests/runtime` runs the
whole suite on that Python (`make test-runtime-pythons`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNTIME = REPO / "runtime"
TEST_EXTRAS = ("requests", "flask", "pyyaml")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "seldon-buildpacks" / "runtime-venvs"


def _runtime_digest() -> str:
    h = hashlib.sha256("\n".join(TEST_EXTRAS).encode())
    files = [RUNTIME / "pyproject.toml", *sorted((RUNTIME / "seldon_runtime").rglob("*.py"))]
    for path in files:
        h.update(str(path.relative_to(RUNTIME)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _full_version(python: str) -> str:
    return subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                          capture_output=True, text=True, check=True).stdout.strip()


def ensure(python: str) -> Path:
    """The venv's python for this interpreter, created on first use (needs PyPI)."""
    version = _full_version(python)
    path = cache_root() / f"{version}-{_runtime_digest()}"
    if (path / ".complete").exists():
        return path / "bin" / "python"
    shutil.rmtree(path, ignore_errors=True)  # half-built by an interrupted run
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([python, "-m", "venv", str(path)], check=True)
    wheels = path / "wheel"
    # the runtime's own wheel, built here (hatchling) and installed like a user would
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(RUNTIME)], check=True)
    result = subprocess.run(
        [str(path / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         *map(str, wheels.glob("*.whl")), *TEST_EXTRAS], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"pip install seldon-runtime on Python {version} failed:\n"
                             f"{result.stdout}{result.stderr}")
    (path / ".complete").touch()
    return path / "bin" / "python"


if __name__ == "__main__":  # print the venv's python for each argument (a pythonX.Y path)
    for arg in sys.argv[1:]:
        print(ensure(arg))
