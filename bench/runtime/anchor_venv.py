"""A cached virtual environment with seldon-core 1.18.2 (the anchor) and its old pins.

Used by the runtime benchmark and by the compatibility tests. seldon-core
1.18.2 is the last release that installs on Python 3.11; its gunicorn 20.1
imports `pkg_resources`, hence `setuptools<70`. orjson and httptools are added so that
seldon_runtime (put on PYTHONPATH, not installed) runs there too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REQUIREMENTS = ("seldon-core==1.18.2", "setuptools<70", "orjson>=3.6", "httptools>=0.5")


def cache_root() -> Path:
    base = os.environ.get("SELDON_RUNTIME_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "seldon-runtime"
    )
    return Path(base)


def venv_path(prefix: str = "anchor", requirements: tuple = REQUIREMENTS) -> Path:
    key = hashlib.sha256("\n".join((sys.version, *requirements)).encode()).hexdigest()[:16]
    return cache_root() / f"{prefix}-venv-{key}"


def ensure(prefix: str = "anchor", requirements: tuple = REQUIREMENTS) -> Path:
    """The venv directory, created on first use (a few minutes, needs PyPI).

    `prefix`/`requirements` make other cached venvs the same way (MLServer's, see
    mlserver_venv.py)."""
    path = venv_path(prefix, requirements)
    marker = path / ".complete"
    if marker.exists():
        return path
    shutil.rmtree(path, ignore_errors=True)  # a half-built one from an interrupted run
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    pip = [
        str(path / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    subprocess.run([*pip, *requirements], check=True)
    marker.touch()
    return path


if __name__ == "__main__":
    print(ensure())
