"""A Python implementation of the CNB lifecycle phases (detect, restore, build).

Everything in this package uses the standard library only: it is mounted
read-only into the build image and run there by the stack's `python3 -I`.
Modules import each other relatively so the package works both on the host
(as `seldon_platform.lifecycle`) and inside the container. The few modules it
shares with the buildpacks (`SHARED`, standard library only as well) are
mounted next to it, and copied into every image with the launcher.
"""

from __future__ import annotations

from pathlib import Path

#: files of the `seldon_detect` library the lifecycle and the launcher import
SHARED = (
    "seldon_detect/__init__.py",
    "seldon_detect/tomlfile.py",
    "seldon_detect/cnb/__init__.py",
    "seldon_detect/cnb/ids.py",
    "seldon_detect/cnb/layers.py",
)


def shared_files() -> list[tuple[Path, str]]:
    """(file on the host, path below the library dir) of each `SHARED` file."""
    import seldon_detect

    root = Path(seldon_detect.__file__).resolve().parent.parent
    return [(root / rel, rel) for rel in SHARED]
