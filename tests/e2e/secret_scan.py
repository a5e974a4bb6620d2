"""Look for a secret in every byte a build leaves behind.

An image is saved as an OCI archive and every blob is read: the manifest and
config (labels, env, history) as they are, each layer tar file by file
(names, link targets, extended headers, contents), and inside zip and gzip
files found in a layer, since a wheel or a cached download would hide a
password from a plain byte search. Folders (the build cache) and texts (the
build log) are scanned the same way.
"""

from __future__ import annotations

import base64
import gzip
import io
import tarfile
import zipfile
from pathlib import Path
from urllib.parse import quote

from seldon_platform.engine import Engine

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
TAR_MAGIC = b"ustar"


def needles(secret: str, user: str | None = None) -> list[bytes]:
    """The forms a secret takes on the way: as is, URL-quoted, and in a Basic auth header."""
    forms = {secret.encode(), quote(secret, safe="").encode()}
    if user:
        forms.add(base64.b64encode(f"{user}:{secret}".encode()))
    return sorted(forms)


def scan_bytes(data: bytes, where: str, forms: list[bytes], depth: int = 0) -> list[str]:
    """Places (`where`) whose bytes contain a form of the secret, opening archives within."""
    found = [f"{where} contains {form!r}" for form in forms if form in data]
    if depth > 3:
        return found
    if data.startswith(GZIP_MAGIC):
        try:
            inner = gzip.decompress(data)
        except (OSError, EOFError):
            inner = None
        if inner is not None:
            found += scan_tar_or_bytes(inner, f"{where} (gunzipped)", forms, depth + 1)
    elif data[257:262] == TAR_MAGIC and depth == 0:
        found = scan_tar_or_bytes(data, where, forms, depth + 1)
    elif data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    found += scan_bytes(archive.read(info), f"{where}!{info.filename}", forms,
                                        depth + 1)
        except zipfile.BadZipFile:
            pass
    return found


def scan_tar_or_bytes(data: bytes, where: str, forms: list[bytes], depth: int = 0) -> list[str]:
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:")
    except tarfile.TarError:
        return scan_bytes(data, where, forms, depth)
    found: list[str] = []
    with archive:
        for member in archive:
            name = f"{where}:{member.name}"
            header = " ".join([member.name, member.linkname or "",
                               *(f"{k}={v}" for k, v in (member.pax_headers or {}).items())])
            found += [f"{name} (tar header) contains {form!r}" for form in forms
                      if form in header.encode(errors="surrogateescape")]
            if member.isfile():
                handle = archive.extractfile(member)
                if handle is not None:
                    found += scan_bytes(handle.read(), name, forms, depth)
    return found


def scan_image(engine: Engine, image: str, workdir: Path, forms: list[bytes]) -> list[str]:
    """Every finding in the saved image, its inspect document and its history."""
    workdir.mkdir(parents=True, exist_ok=True)
    archive = workdir / "image.oci.tar"
    engine.run("save", "--format", "oci-archive", "-o", str(archive), image, capture=True)
    found = scan_tar_or_bytes(archive.read_bytes(), f"{image} (oci-archive)", forms)
    archive.unlink()
    for what in (("image", "inspect", image), ("history", "--no-trunc", image)):
        out = engine.run(*what, capture=True).stdout
        found += scan_bytes(out, f"`{' '.join(what[:2])}` of {image}", forms)
    return found


def scan_tree(root: Path, forms: list[bytes]) -> list[str]:
    """Every finding under a folder: file names, link targets and contents."""
    found: list[str] = []
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        found += [f"{root}: name {rel} contains {f!r}" for f in forms if f in rel.encode()]
        if path.is_symlink():
            target = str(path.readlink()).encode()
            found += [f"{root}: link {rel} contains {f!r}" for f in forms if f in target]
        elif path.is_file():
            found += scan_bytes(path.read_bytes(), f"{root}/{rel}", forms)
    return found
