"""Unpack a python-build-standalone `install_only` archive (top directory `python/`) into a layer.

The archive is verified before this runs; members are still checked so that
none lands outside the layer (absolute paths, `..`, links pointing out,
devices), and every file is made readable by any user (random UIDs at run).
"""

from __future__ import annotations

import os
import posixpath
import stat
import tarfile
from pathlib import Path

from seldon_detect.failures import BuildpackError, PythonLayoutInvalid

TOP = "python/"


def _bad(archive: str, member: str, why: str) -> BuildpackError:
    return PythonLayoutInvalid(f"{archive}: member {member!r} {why}.")


def unpack(archive: Path, dest: Path, label: str) -> None:
    with tarfile.open(archive, "r:*") as tar:
        members = []
        for member in tar.getmembers():
            name = member.name[2:] if member.name.startswith("./") else member.name
            if name.rstrip("/") == TOP.rstrip("/"):
                continue
            if not name.startswith(TOP):
                raise _bad(label, member.name, "is outside the top directory python/")
            rel = posixpath.normpath(name[len(TOP):])
            if rel.startswith(("/", "..")):
                raise _bad(label, member.name, "points outside the archive")
            if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
                raise _bad(label, member.name, "is a device or fifo")
            if member.issym() or member.islnk():
                base = posixpath.dirname(rel) if member.issym() else ""
                link = member.linkname
                if member.islnk() and link.startswith(TOP):
                    link = link[len(TOP):]
                target = posixpath.normpath(posixpath.join(base, link))
                if link.startswith("/") or target.startswith(".."):
                    raise _bad(label, member.name, f"links outside the archive ({member.linkname})")
                if member.islnk():
                    member.linkname = target
            member.name = rel
            member.uid = member.gid = 0
            member.uname = member.gname = ""
            members.append(member)
        # the members are checked above; tarfile's own "tar" filter too where it exists
        options = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
        tar.extractall(dest, members=members, numeric_owner=True, **options)
    _readable(dest)


def _readable(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = os.path.join(dirpath, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                continue
            extra = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
            if stat.S_ISDIR(mode) or mode & stat.S_IXUSR:
                extra |= stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
            os.chmod(path, (mode | extra) & 0o7777 & ~0o022)
