"""The host programs seldon-build needs, checked before any work starts.

They come from Debian packages and installing them needs root, so a missing
one is reported with the one `apt-get install` line that installs them all.
"""

from __future__ import annotations

import os
import shutil
from typing import Mapping

from .errors import HostToolsMissing

#: command -> Debian package, for every build (skopeo reads and loads the images)
BUILD = {"skopeo": "skopeo"}
#: for the stack images' debootstrapped base
STACKS = {"debootstrap": "debootstrap"}
#: the container engine, when neither podman nor docker is on PATH
ENGINE = {"podman": "podman", "runc": "runc"}


def missing(needed: Mapping[str, str], path: str | None = None) -> dict[str, str]:
    """The commands of `needed` (command -> package) that are not on PATH."""
    path = os.environ.get("PATH") if path is None else path
    wanted = dict(needed)
    if not (shutil.which("podman", path=path) or shutil.which("docker", path=path)):
        wanted.update(ENGINE)
    return {cmd: pkg for cmd, pkg in wanted.items() if not shutil.which(cmd, path=path)}


def apt_line(packages: list[str]) -> str:
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install -y {' '.join(sorted(set(packages)))}"


def require(needed: Mapping[str, str], purpose: str, path: str | None = None) -> None:
    """Raise one error naming every missing tool and the apt-get line that installs them."""
    absent = missing(needed, path)
    if absent:
        raise HostToolsMissing(
            f"{purpose} runs them on this machine; they come from Debian packages and "
            "installing them needs root.",
            tools=", ".join(sorted(absent)), command=apt_line(list(absent.values())))
