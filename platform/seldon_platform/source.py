"""Getting the app source into the build's workspace.

SRC may be a directory, a local git repository or a git URL (with `--ref`).
Files are copied with `project.toml` include/exclude applied, `.git` left out,
and mtimes fixed, so the same source always gives the same app layer (and
the same `.pyc` files if a buildpack compiles it).
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seldon_detect.scribe import redact

from .errors import CloneFailed, ContextDirOutside, SourceNotFound
from .exporter.tarlayer import NORMALIZED_MTIME

_GIT_URL = re.compile(r"^([a-z][a-z0-9+.-]*://|git@|[^/\s]+@[^/\s]+:)")


@dataclass
class Source:
    root: Path
    #: `io.buildpacks.project.metadata` contents
    metadata: dict[str, Any] = field(default_factory=dict)
    cleanup: tempfile.TemporaryDirectory | None = None


def is_git_url(src: str) -> bool:
    return bool(_GIT_URL.match(src)) and not Path(src).exists()


def fetch(src: str, ref: str = "", context_dir: str = "") -> Source:
    """Resolve SRC to a local directory (cloning git sources) plus project metadata."""
    path = Path(src)
    if is_git_url(src) or (ref and (path / ".git").exists()):
        source = _clone(src, ref)
    elif path.is_dir():
        source = Source(path.resolve(), _git_metadata(path))
    else:
        raise SourceNotFound("SRC must be a directory, a local git repository or a git URL.",
                             src=src)
    if context_dir:
        root = (source.root / context_dir).resolve()
        if not root.is_dir() or source.root not in (root, *root.parents):
            raise ContextDirOutside(path=context_dir)
        source.root = root
    return source


def _clone(src: str, ref: str) -> Source:
    tmp = tempfile.TemporaryDirectory(prefix="seldon-src-")
    dest = Path(tmp.name) / "src"
    cmd = ["git", "clone", "--quiet", src, str(dest)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode == 0 and ref:
        proc = subprocess.run(
            ["git", "-C", str(dest), "checkout", "--quiet", ref], capture_output=True, text=True
        )
    if proc.returncode != 0:
        tmp.cleanup()
        raise CloneFailed(redact(proc.stderr.strip()),
                          source=redact(src) + (f" at {ref}" if ref else ""))
    source = Source(dest, _git_metadata(dest, redact(src)), tmp)
    return source


def _git_metadata(path: Path, repository: str = "") -> dict[str, Any]:
    proc = (
        subprocess.run(
            ["git", "-C", str(path), "rev-parse", "HEAD"], capture_output=True, text=True
        )
        if (path / ".git").exists()
        else None
    )
    if proc is None or proc.returncode != 0:
        return {}
    meta: dict[str, Any] = {"type": "git", "version": {"commit": proc.stdout.strip()}}
    if repository:
        meta["metadata"] = {"repository": repository}
    return {"source": meta}


def copy_app(src: Path, dest: Path, include: list[str], exclude: list[str]) -> int:
    """Copy the app files to `dest`; returns the number of files copied."""
    count = 0
    dest.mkdir(parents=True, exist_ok=True)
    for dirpath, dirnames, filenames in os.walk(src):
        rel_dir = Path(dirpath).relative_to(src)
        dirnames[:] = sorted(
            d for d in dirnames if d != ".git" and _wanted(rel_dir / d, True, include, exclude)
        )
        for name in sorted(filenames):
            rel = rel_dir / name
            if not _wanted(rel, False, include, exclude):
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / rel, target, follow_symlinks=False)
            os.utime(target, (NORMALIZED_MTIME, NORMALIZED_MTIME), follow_symlinks=False)
            count += 1
    for dirpath, _, _ in os.walk(dest):
        os.utime(dirpath, (NORMALIZED_MTIME, NORMALIZED_MTIME))
    return count


def _wanted(rel: Path, is_dir: bool, include: list[str], exclude: list[str]) -> bool:
    if exclude:
        return not any(_match(rel, is_dir, p) for p in exclude)
    if include:
        # every directory is entered: it may hold an included file
        return is_dir or any(_match(rel, False, p) for p in include)
    return True


def _match(rel: Path, is_dir: bool, pattern: str) -> bool:
    """A gitignore subset: `name`, `*.ext`, `dir/`, `/anchored` and `a/b` (anchored too).

    A path also matches when a directory above it does.
    """
    dir_only = pattern.endswith("/")
    core = pattern.strip("/")
    anchored = pattern.startswith("/") or "/" in core
    candidates = [(rel, is_dir)] + [(p, True) for p in rel.parents if p != Path(".")]
    for candidate, candidate_is_dir in candidates:
        text = candidate.as_posix() if anchored else candidate.name
        if fnmatch.fnmatchcase(text, core) and (candidate_is_dir or not dir_only):
            return True
    return False
