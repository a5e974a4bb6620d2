"""The machine's other CPython interpreters, found through pyenv (`PYENV_ROOT`) or PATH.

Tests use them to run the buildpacks, the runtime and our relocatable
distributions on every Python the project supports, not only the host's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: the Python minors seldon-runtime and the cpython buildpack support
SUPPORTED = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13")


def pyenv_versions() -> Path:
    return Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"


def _patch(binary: Path) -> int:
    """3.8.18 -> 18 for pyenv's `versions/3.8.18/bin/python3.8` (0 for 3.13-dev and the like)."""
    tail = binary.parts[-3].split(".")[-1]
    return int(tail) if tail.isdigit() else 0


def find_python(minor: str) -> str | None:
    """A working `pythonX.Y`: pyenv's newest patch first, then PATH; None when absent."""
    name = f"python{minor}"
    versions = pyenv_versions()
    candidates = sorted(versions.glob(f"{minor}.*/bin/{name}"), key=_patch,
                        reverse=True) if versions.is_dir() else []
    found = [str(c) for c in candidates] or [p for p in [shutil.which(name)] if p]
    for path in found:
        if subprocess.run([path, "-c", "pass"], capture_output=True).returncode == 0:
            return path
    return None
