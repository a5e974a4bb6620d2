"""Reproducible tar layers.

Entries are sorted by path, every mtime is 1980-01-01 00:00:01 UTC, owner
names are empty and ids fixed, so the same files always give the same layer
digest. Files and directories are made readable (and directories
searchable) by group and others, so the image runs under any UID.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Union

#: 1980-01-01T00:00:01Z, the CNB lifecycle's fixed timestamp
NORMALIZED_MTIME = 315532801
MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar"


@dataclass
class Blob:
    digest: str
    size: int
    path: Path

    def descriptor(self, media_type: str = MEDIA_TYPE) -> dict:
        return {"mediaType": media_type, "digest": self.digest, "size": self.size}


@dataclass
class Entry:
    """One tar member: a path inside the image and where its bytes come from."""

    path: str
    kind: str  # "dir", "file", "symlink" or "hardlink"
    mode: int = 0o755
    uid: int = 0
    gid: int = 0
    source: Union[Path, bytes, None] = None
    link: str = ""
    #: (device, inode) of a file with several hard links, to write the later ones as links
    inode: tuple[int, int] | None = None


class _HashingWriter(io.RawIOBase):
    def __init__(self, out: BinaryIO):
        self.out = out
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.size

    def write(self, data) -> int:
        self.sha.update(data)
        self.out.write(data)
        self.size += len(data)
        return len(data)


def write_layer(entries: Iterable[Entry], out_path: Path) -> Blob:
    """Write `entries` (sorted here) as an uncompressed tar; return its digest."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as raw:
        writer = _HashingWriter(raw)
        first_path: dict[tuple[int, int], str] = {}
        with tarfile.open(fileobj=writer, mode="w", format=tarfile.PAX_FORMAT) as tar:
            unique = {e.path: e for e in reversed(list(entries))}  # first one of a path wins
            for entry in sorted(unique.values(), key=lambda e: e.path):
                if entry.inode is not None:
                    if entry.inode in first_path:
                        entry = Entry(
                            entry.path,
                            "hardlink",
                            entry.mode,
                            entry.uid,
                            entry.gid,
                            link=first_path[entry.inode],
                        )
                    else:
                        first_path[entry.inode] = entry.path
                _add(tar, entry)
    return Blob(f"sha256:{writer.sha.hexdigest()}", writer.size, out_path)


def _add(tar: tarfile.TarFile, entry: Entry) -> None:
    info = tarfile.TarInfo(entry.path)
    info.mtime = NORMALIZED_MTIME
    info.mode = entry.mode
    info.uid, info.gid = entry.uid, entry.gid
    info.uname = info.gname = ""
    if entry.kind == "dir":
        info.type = tarfile.DIRTYPE
        tar.addfile(info)
    elif entry.kind == "symlink":
        info.type, info.linkname = tarfile.SYMTYPE, entry.link
        tar.addfile(info)
    elif entry.kind == "hardlink":
        info.type, info.linkname = tarfile.LNKTYPE, entry.link
        tar.addfile(info)
    elif isinstance(entry.source, bytes):
        info.size = len(entry.source)
        tar.addfile(info, io.BytesIO(entry.source))
    else:
        assert entry.source is not None
        with open(entry.source, "rb") as f:
            info.size = os.fstat(f.fileno()).st_size
            tar.addfile(info, f)


def parents(path: str, uid: int = 0, gid: int = 0) -> list[Entry]:
    """Directory entries for every ancestor of `path` ("a/b/c" -> "a", "a/b")."""
    parts = path.strip("/").split("/")[:-1]
    return [Entry("/".join(parts[: i + 1]), "dir", 0o755, uid, gid) for i in range(len(parts))]


def tree(src: Path, dest: str, uid: int, gid: int, include_root: bool = True) -> Iterator[Entry]:
    """Entries for everything under `src`, placed at `dest` (no leading slash) in the image."""
    dest = dest.strip("/")
    if include_root:
        yield Entry(dest, "dir", _mode(src.lstat()), uid, gid)
    yield from _walk(src, dest, uid, gid)


def _walk(directory: Path, dest: str, uid: int, gid: int) -> Iterator[Entry]:
    with os.scandir(directory) as it:
        children = sorted(it, key=lambda e: e.name)
    for child in children:
        path = f"{dest}/{child.name}"
        st = child.stat(follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            yield Entry(path, "symlink", 0o777, uid, gid, link=os.readlink(child.path))
        elif stat.S_ISDIR(st.st_mode):
            yield Entry(path, "dir", _mode(st), uid, gid)
            yield from _walk(Path(child.path), path, uid, gid)
        elif stat.S_ISREG(st.st_mode):
            inode = (st.st_dev, st.st_ino) if st.st_nlink > 1 else None
            yield Entry(path, "file", _mode(st), uid, gid, source=Path(child.path), inode=inode)
        # sockets, fifos and devices have no place in an image layer


def fingerprint(src: Path) -> str:
    """A cheap digest of a tree that changes whenever its tar layer would.

    Names, types and modes of everything; for most files size and mtime
    (`cp -a` keeps both, so a cached layer restored untouched matches);
    for env files the contents, because buildpacks rewrite those on every
    build with the same bytes. Directory mtimes are left out for the same reason.
    """
    sha = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, src)
        by_content = rel_dir.split(os.sep)[0].startswith("env")
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                detail = os.readlink(path)
            elif stat.S_ISDIR(st.st_mode):
                detail = ""
            elif by_content:
                detail = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            else:
                detail = f"{st.st_size}:{st.st_mtime_ns}"
            sha.update(f"{rel_dir}/{name}\0{st.st_mode}\0{detail}\n".encode())
    return "sha256:" + sha.hexdigest()


def _mode(st: os.stat_result) -> int:
    mode = stat.S_IMODE(st.st_mode) | 0o444
    if stat.S_ISDIR(st.st_mode) or mode & 0o111:
        mode |= 0o111
    return mode
