"""Package the buildpacks self-contained, and check (or create) the builder.

`python -m seldon_platform.packaging buildpacks --out build/buildpacks` writes
one directory per buildpack, named like the lifecycle names it on disk (`/`
in the id becomes `_`): `buildpack.toml`, `bin/detect` and `bin/build`
shims, and `lib/` holding the buildpack's module, the `seldon_detect`
library and the pure-Python packages it needs (pyyaml without its C
extension, packaging, tomli). The runtime buildpack also gets `wheels/`: the
`seldon-runtime` wheel built from ./runtime and its dependencies' wheels for
the stack's Python (amd64 and arm64), so it installs with no index; the conda
buildpack gets py-rattler's wheels the same way. A buildpack whose inputs
did not change is left alone (a stamp file holds the digest of its inputs).

The sources come from `package_data.data_root()`: the checkout, or the copy
inside the installed wheel. `ensure_packaged()` is what `seldon-build build`
calls: it packages on first use, into `build/buildpacks` in a checkout and
into the per-user cache (keyed by the tool's version and the inputs' digest)
for an installed tool, and reuses that afterwards.

`python -m seldon_platform.packaging builder --config builder.toml --buildpacks DIR`
runs the builder checks of `builder_check`.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import fcntl
import importlib.util
import py_compile
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id
from seldon_detect.digests import digest_named
from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe

from . import __version__, wheelstrip
from .builder_check import check_builder, create_builder
from .errors import PackagingStepFailed, PythonPackageMissing
from .package_data import CHECKOUT, data_root, user_cache

#: the repository root of a checkout (the contract tests package into its build/)
REPO = CHECKOUT
STAMP = ".inputs-digest"
#: in the directory of all packaged buildpacks: the digest of all their inputs, once complete
ALL_STAMP = ".complete"
#: pure-Python packages copied from the host venv into every buildpack: (import name, dist)
VENDORED = (("yaml", "pyyaml"),)
#: pure-Python wheels vendored into every buildpack, pinned to releases that still run on
#: the oldest Python a build image may have (3.9): packaging 25+ needs 3.10's typing;
#: tomli is needed on Python < 3.11 only. {wheel name prefix: (spec, import name)}
PINNED_WHEELS = {"tomli": ("tomli==2.0.1", "tomli"), "packaging": ("packaging==24.2", "packaging")}
#: the conda buildpack solves with py-rattler when the build image has no conda/micromamba
RATTLER_SPEC = "py-rattler==0.28.0"
#: the stack's Python and the architectures of the builder, for the runtime's dependency wheels
STACK_PYTHON = "3.11"
STACK_PLATFORMS = ("x86_64", "aarch64")
#: wheel platform tags bookworm's glibc (2.36) accepts, newest last
GLIBC_TAGS = ("manylinux2014", "manylinux_2_28", "manylinux_2_34")


def _platform_args(arch: str) -> list[str]:
    args = []
    for tag in GLIBC_TAGS:
        args += ["--platform", f"{tag}_{arch}"]
    return args
SHIM = """#!/bin/sh
# Run this buildpack's {phase} with the stack's python3 in isolated mode (-I): neither the
# app directory (the working directory) nor PYTHONPATH from earlier buildpacks can shadow
# the code in lib/. lib/ ships compiled for the stack's Python and is read-only (-B).
bp="${{CNB_BUILDPACK_DIR:-$(cd "$(dirname "$0")/.." && pwd)}}"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" -I -B -c 'import sys; sys.path.insert(0, sys.argv[1]); \\
from seldon_detect.cnb.entry import main; main(sys.argv[2], sys.argv[3], sys.argv[4:])' \\
  "$bp/lib" {module} {phase} "$@"
"""


def _files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith((".pyc", ".so"))
    )


def _relative(path: Path) -> Path:
    """`path` relative to its source tree, so that the digest ignores where the tool lives."""
    for root in (data_root(), _detect_dir().parent, Path(sys.prefix)):
        if path.is_relative_to(root):
            return path.relative_to(root)
    return path


def _location_free_digest(files: Sequence[Path], settings: Mapping[str, Any]) -> str:
    """The inputs key of packaged work: files named within their tree, wherever it lives."""
    return digest_named(((str(_relative(p)), p) for p in files), settings)


def _copy_tree(src: Path, dest: Path) -> None:
    for path in _files(src):
        target = dest / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def _installed_package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise PythonPackageMissing(f"Python cannot find {name} in {sys.prefix}.", name=name)
    return Path(list(spec.submodule_search_locations)[0])


def _detect_dir() -> Path:
    """The `seldon_detect` package every buildpack bundles (in a checkout: detect/seldon_detect)."""
    return _installed_package_dir("seldon_detect")


def _pip(args: Sequence[str], scribe: Scribe, what: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise PackagingStepFailed((result.stdout + result.stderr)[-3000:], step=what)


def _pinned_wheel(prefix: str, cache: Path, scribe: Scribe) -> Path:
    """One of PINNED_WHEELS, fetched once into the cache."""
    spec, _ = PINNED_WHEELS[prefix]
    wheel = f"{prefix}-{spec.split('==')[1]}-"
    found = sorted(cache.glob(f"{wheel}*.whl"))
    if not found:
        scribe.info(f"downloading {spec}")
        _pip(["download", "-q", "--no-deps", "--only-binary=:all:", "-d", str(cache), spec],
             scribe, f"pip download {spec}")
        found = sorted(cache.glob(f"{wheel}*.whl"))
    return found[-1]


def _runtime_wheels(cache: Path, scribe: Scribe) -> list[Path]:
    """The seldon-runtime wheel and its dependencies for the stack, cached by runtime inputs."""
    runtime = data_root() / "runtime"
    inputs = [runtime / "pyproject.toml", *_files(runtime / "seldon_runtime"), STRIPPER]
    key = _location_free_digest(inputs, {"python": STACK_PYTHON,
                                         "platforms": STACK_PLATFORMS})[:16]
    target = cache / f"runtime-{key}"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        with scribe.step("building the seldon-runtime wheel"):
            _pip(["wheel", "-q", "--no-deps", "-w", str(target), str(runtime)], scribe,
                 "pip wheel ./runtime")
        wheel = next(target.glob("seldon_runtime-*.whl"))
        for plat in STACK_PLATFORMS:
            with scribe.step(f"downloading runtime dependencies for {plat}"):
                _pip(["download", "-q", "--only-binary=:all:", "--python-version", STACK_PYTHON,
                      "--implementation", "cp", *_platform_args(plat), "--platform", "any",
                      "-d", str(target), str(wheel)], scribe, "pip download (runtime deps)")
        _strip_debug(target, scribe)
        (target / ".complete").write_text(key, encoding="utf-8")
    return sorted(target.glob("*.whl"))


STRIPPER = Path(wheelstrip.__file__)  # its changes re-package the bundled wheels


def _strip_debug(target: Path, scribe: Scribe) -> None:
    """Debug sections out of the bundled wheels' extensions (see wheelstrip)."""
    for wheel in sorted(target.glob("*.whl")):
        arch = wheelstrip.wheel_arch(wheel)
        if arch is None or not wheelstrip.wanted(wheel):
            continue
        tool = wheelstrip.strip_tool(arch)
        if tool is None:
            scribe.info(f"{wheel.name}: left unstripped, {wheelstrip.STRIP_TOOLS[arch]} is "
                        f"missing (apt-get install {wheelstrip.STRIP_PACKAGES[arch]})")
            continue
        saved = wheelstrip.strip_wheel(wheel, tool)
        if saved:
            scribe.info(f"{wheel.name}: {saved // 1024:,} KiB of debug sections removed")


def _rattler_wheels(cache: Path, scribe: Scribe) -> list[Path]:
    key = _location_free_digest([STRIPPER], {"spec": RATTLER_SPEC})[:16]
    target = cache / f"rattler-{key}"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for plat in STACK_PLATFORMS:
            with scribe.step(f"downloading {RATTLER_SPEC} for {plat}"):
                _pip(["download", "-q", "--no-deps", "--only-binary=:all:", "--python-version",
                      STACK_PYTHON, "--implementation", "cp", *_platform_args(plat),
                      "-d", str(target), RATTLER_SPEC], scribe, "pip download py-rattler")
        _strip_debug(target, scribe)
        (target / ".complete").write_text(RATTLER_SPEC, encoding="utf-8")
    return sorted(target.glob("*.whl"))


#: wheels shipped inside a buildpack, so that it installs its tools with no index
BUNDLED_WHEELS = {"seldon/runtime": _runtime_wheels, "seldon/conda-environment": _rattler_wheels}


@dataclass
class Packager:
    out: Path
    scribe: Scribe
    cache: Path

    def package_all(self, source: Path | None = None) -> list[Path]:
        """Package every buildpack found under `source` (default: the tool's buildpacks/)."""
        self.cache.mkdir(parents=True, exist_ok=True)
        done = []
        for descriptor in sorted((source or data_root() / "buildpacks").glob("*/buildpack.toml")):
            done.append(self.package(descriptor.parent))
        return done

    def package(self, src: Path) -> Path:
        info = tomlfile.load_path(src / "buildpack.toml")
        bp_id, module = info["buildpack"]["id"], src.name.replace("-", "_")
        dest = self.out / escape_id(bp_id)
        lib_sources = [src, _detect_dir(),
                       *(_installed_package_dir(name) for name, _ in VENDORED)]
        pinned = [_pinned_wheel(prefix, self.cache, self.scribe) for prefix in PINNED_WHEELS]
        bundled = BUNDLED_WHEELS.get(bp_id)
        wheels = bundled(self.cache, self.scribe) if bundled else []
        inputs = [p for s in lib_sources for p in _files(s)] + [*pinned, *wheels]
        key = _location_free_digest(inputs, {"shim": SHIM, "module": module,
                                             "packaging": Path(__file__).read_text("utf-8")})
        stamp = dest / STAMP
        if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
            self.scribe.info(f"{bp_id}: up to date")
            return dest
        shutil.rmtree(dest, ignore_errors=True)
        (dest / "bin").mkdir(parents=True)
        shutil.copy2(src / "buildpack.toml", dest / "buildpack.toml")
        lib = dest / "lib"
        _copy_tree(src / module, lib / module)
        _copy_tree(_detect_dir(), lib / "seldon_detect")
        for name, _ in VENDORED:
            _copy_tree(_installed_package_dir(name), lib / name)
        for wheel, (_, name) in zip(pinned, PINNED_WHEELS.values()):
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(lib, [m for m in zf.namelist() if m.startswith(f"{name}/")])
        # hash-based .pyc: the same bytes on every packaging, and no stat() games
        compileall.compile_dir(str(lib), quiet=1, workers=1,
                               invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
        for phase in ("detect", "build"):
            shim = dest / "bin" / phase
            shim.write_text(SHIM.format(phase=phase, module=module), encoding="utf-8")
            shim.chmod(0o755)
        if wheels:
            (dest / "wheels").mkdir()
            for wheel in wheels:
                shutil.copy2(wheel, dest / "wheels" / wheel.name)
        stamp.write_text(key, encoding="utf-8")
        self.scribe.info(f"{bp_id}: packaged into {dest}")
        return dest


def inputs_digest() -> str:
    """One digest over everything the packaged buildpacks are made from, and the tool's version."""
    root = data_root()
    sources = [root / "buildpacks", _detect_dir(), root / "runtime",
               *(_installed_package_dir(name) for name, _ in VENDORED)]
    files = [p for s in sources for p in _files(s)] + [Path(__file__), STRIPPER]
    return _location_free_digest(files, {"version": __version__})


def packaged_dir(digest: str) -> Path:
    """Where `ensure_packaged` packages: build/buildpacks in a checkout, else the user cache."""
    if data_root() == CHECKOUT:
        return CHECKOUT / "build" / "buildpacks"
    return user_cache() / "buildpacks" / f"{__version__}-{digest[:16]}"


def downloads_dir() -> Path:
    """The wheels packaging downloads, kept between packagings."""
    return CHECKOUT / "build" / "cache" if data_root() == CHECKOUT else user_cache() / "downloads"


def ensure_packaged(scribe: Scribe) -> Path:
    """The tool's buildpacks, packaged: reused while their inputs are unchanged."""
    digest = inputs_digest()
    out = packaged_dir(digest)
    stamp = out / ALL_STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == digest:
        scribe.detail(f"packaged buildpacks: {out} (up to date)")
        return out
    with _locked(out.parent / f".{out.name}.lock"):
        if not (stamp.is_file() and stamp.read_text(encoding="utf-8") == digest):
            with scribe.step(f"Packaging the buildpacks into {out} (first use; reused afterwards)"):
                Packager(out, scribe, downloads_dir()).package_all()
            stamp.write_text(digest, encoding="utf-8")
    return out


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One packaging at a time per directory: parallel builds wait for the first one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seldon_platform.packaging")
    sub = parser.add_subparsers(dest="command", required=True)
    bps = sub.add_parser("buildpacks", help="package every buildpack self-contained")
    bps.add_argument("--out", type=Path, default=REPO / "build" / "buildpacks")
    bps.add_argument("--cache", type=Path, default=REPO / "build" / "cache")
    bld = sub.add_parser("builder", help="check builder.toml; pack builder create if pack exists")
    bld.add_argument("--config", type=Path, default=REPO / "builder.toml")
    bld.add_argument("--buildpacks", type=Path, default=REPO / "build" / "buildpacks")
    bld.add_argument("--image", default="localhost/seldon-buildpacks/builder:bookworm")
    args = parser.parse_args(argv)
    scribe = Scribe()

    try:
        if args.command == "buildpacks":
            Packager(args.out, scribe, args.cache).package_all()
        else:
            check_builder(args.config, args.buildpacks, scribe)
            create_builder(args.config, args.image, scribe)
    except UserError as err:
        print(err.render(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
