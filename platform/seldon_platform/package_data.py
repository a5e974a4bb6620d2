"""Where the tool's own files are: a source checkout, or their copy inside the installed package.

The wheel carries `builder.toml`, `buildpacks/`, `stacks/` and the runtime's
source (`runtime/`) under `seldon_platform/_data` (pyproject's force-include);
a checkout has the same tree at its root. Code asks `data_root()` instead of
building repository-relative paths, so both cases read the same layout.
"""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

from .errors import DataFilesMissing

#: the repository root when this module runs from a checkout (or an editable install)
CHECKOUT = Path(__file__).resolve().parents[2]
#: what every data root holds
MARKERS = ("builder.toml", "buildpacks", "stacks", "runtime")


def _complete(root: Path) -> bool:
    return all((root / name).exists() for name in MARKERS)


def data_root() -> Path:
    """The directory holding builder.toml, buildpacks/, stacks/ and runtime/."""
    if _complete(CHECKOUT):
        return CHECKOUT
    # installed wheels are unpacked on disk, so the resource is a real directory
    packaged = Path(str(importlib.resources.files("seldon_platform") / "_data"))
    if _complete(packaged):
        return packaged
    raise DataFilesMissing(f"Neither {CHECKOUT} nor {packaged} holds " + ", ".join(MARKERS) + ".")


def in_checkout() -> bool:
    return data_root() == CHECKOUT


def user_cache() -> Path:
    """The per-user cache of the tool (XDG cache dir): packaged buildpacks, downloads, rootfs."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "seldon-buildpacks"
