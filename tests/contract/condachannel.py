"""A local conda channel for the conda buildpack's tests (no conda channel is reachable here).

It holds a `python` package made by relocating the test interpreter's own
(non-Debian) CPython with patchelf, and a tiny `noarch: python` package.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

from tests.pbsdist import host_stdlib, patchelf, python_tree

PY_VERSION = "{}.{}".format(*sys.version_info[:2])


def relocatable_python() -> Path | None:
    """The interpreter to package, or None when it is Debian's (which cannot be relocated)."""
    base = Path(sys.base_prefix)
    binary = base / "bin" / f"python{PY_VERSION}"
    if str(base) == "/usr" or not binary.is_file() or not patchelf():
        return None
    return base


def _paths_json(root: Path, text_prefix: str | None = None) -> dict:
    entries = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("info/"):
            continue
        if path.is_symlink():
            entries.append({"_path": rel, "path_type": "softlink"})
            continue
        data = path.read_bytes()
        entry = {"_path": rel, "path_type": "hardlink", "sha256": hashlib.sha256(data).hexdigest(),
                 "size_in_bytes": len(data)}
        if text_prefix and "_sysconfigdata_" in path.name:
            entry.update(file_mode="text", prefix_placeholder=text_prefix)
        entries.append(entry)
    return {"paths": entries, "paths_version": 1}


def _package(src: Path, out_dir: Path, name: str, version: str, index: dict,
             text_prefix: str | None = None) -> Path:
    from conda_package_handling import api

    info = src / "info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "index.json").write_text(json.dumps({"name": name, "version": version, "build": "0",
                                                 "build_number": 0, "depends": [], **index}))
    (info / "paths.json").write_text(json.dumps(_paths_json(src, text_prefix)))
    files = [p.relative_to(src).as_posix() for p in sorted(src.rglob("*"))
             if p.is_file() or p.is_symlink()]
    out_dir.mkdir(parents=True, exist_ok=True)
    fn = f"{name}-{version}-0.conda"
    api.create(str(src), files, fn, out_folder=str(out_dir), compression_level=3)
    return out_dir / fn


def build_channel(channel: Path) -> Path:
    """Write the channel (python + condatiny) and its repodata; return the channel dir."""
    import rattler.index

    base = relocatable_python()
    assert base is not None
    work = channel.parent / "conda-src"
    py_src = work / "python"
    python_tree(base, PY_VERSION, py_src, host_stdlib(base))
    _package(py_src, channel / "linux-64", "python", ".".join(map(str, sys.version_info[:3])),
             {"subdir": "linux-64", "arch": "x86_64", "platform": "linux"},
             text_prefix=str(base))
    tiny = work / "condatiny"
    (tiny / "site-packages" / "condatiny").mkdir(parents=True)
    (tiny / "site-packages" / "condatiny" / "__init__.py").write_text("FROM_CONDA = True\n")
    _package(tiny, channel / "noarch", "condatiny", "1.0",
             {"subdir": "noarch", "noarch": "python", "depends": ["python"]})
    asyncio.run(rattler.index.index_fs(channel, write_zst=False, write_shards=False))
    shutil.rmtree(work)
    os.sync()
    return channel
