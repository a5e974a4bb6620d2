"""Unpack .deb archives into a layer and make the layer usable from where it lands.

Packages are unpacked (`dpkg-deb -x`), never installed: maintainer scripts do
not run and the image's dpkg database is untouched. What those scripts or the
fixed /usr prefix would have provided is made up for here: absolute symlinks
into the package's own files become relative, pkg-config files get the layer
as prefix, and search-path variables point into the layer.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from seldon_detect.cnb.env import LayerEnv
from seldon_detect.failures import DebianUnpackFailed

MULTIARCH = {"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}


def unpack(archive: Path, root: Path) -> None:
    result = subprocess.run(["dpkg-deb", "-x", str(archive), str(root)], capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise DebianUnpackFailed(result.stderr[-2000:], archive=archive.name)


def relink_absolute(root: Path) -> int:
    """Point absolute symlinks whose target is inside `root` there, relatively.

    `usr/lib/x/libfoo.so -> /usr/lib/x/libfoo.so.1` would otherwise point at
    the run image's (absent) file. Returns how many links changed.
    """
    changed = 0
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            link = Path(dirpath) / name
            if not link.is_symlink():
                continue
            target = os.readlink(link)
            if not target.startswith("/"):
                continue
            inside = root / target.lstrip("/")
            if os.path.lexists(inside):
                link.unlink()
                link.symlink_to(os.path.relpath(inside, link.parent))
                changed += 1
    return changed


def reprefix_pkgconfig(root: Path) -> int:
    """Make `.pc` files name the layer instead of /usr, so builds link against it."""
    changed = 0
    for pc in root.glob("usr/**/pkgconfig/*.pc"):
        text = pc.read_text(encoding="utf-8", errors="replace")
        new = re.sub(r"^prefix=/usr\s*$", f"prefix={root}/usr", text, flags=re.MULTILINE)
        if new != text:
            pc.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def search_paths(root: Path, arch: str) -> dict[str, list[Path]]:
    """Variable -> the layer directories that exist for it, most specific first."""
    triplet = MULTIARCH.get(arch, f"{arch}-linux-gnu")
    libs = [root / "usr/lib" / triplet, root / "lib" / triplet, root / "usr/lib", root / "lib"]
    wanted = {
        "PATH": [root / "usr/bin", root / "bin", root / "usr/sbin", root / "sbin"],
        "LD_LIBRARY_PATH": libs,
        # compilers and build tools of later buildpacks (pip building an sdist)
        "LIBRARY_PATH": libs,
        "CPATH": [root / "usr/include" / triplet, root / "usr/include"],
        "PKG_CONFIG_PATH": [root / "usr/lib" / triplet / "pkgconfig", root / "usr/lib/pkgconfig",
                            root / "usr/share/pkgconfig"],
        # Mesa looks for its drivers at the path it was built with
        "LIBGL_DRIVERS_PATH": [root / "usr/lib" / triplet / "dri"],
    }
    return {var: [d for d in dirs if d.is_dir()] for var, dirs in wanted.items()}


#: variables only compilers read: the image does not need them
BUILD_ONLY = {"LIBRARY_PATH", "CPATH", "PKG_CONFIG_PATH"}


def search_path_env(root: Path, arch: str) -> LayerEnv:
    """The layer's env: its directories prepended to the search paths that have one."""
    env = LayerEnv()
    for var, dirs in search_paths(root, arch).items():
        if dirs:
            scope = "build" if var in BUILD_ONLY else "all"
            env = env.prepend_path(var, os.pathsep.join(str(d) for d in dirs), scope=scope)
    return env
