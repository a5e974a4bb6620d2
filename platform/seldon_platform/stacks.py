"""Build the build and run stack images from Debian packages, with no registry.

Three images, each rebuilt only when its inputs change (a digest of the inputs
is stored in the image's `io.seldon.stacks.inputs-digest` label):

1. base: `debootstrap --variant=minbase`, trimmed in a chroot, imported as an image;
2. build and run: `stacks/{build,run}/Containerfile` on top of the base.

A user with registry access may start from another base (`--base debian:bookworm-slim`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from seldon_detect.digests import digest_files
from seldon_detect.scribe import Scribe
from seldon_platform import host_tools
from seldon_platform.engine import Engine, labels_of
from seldon_platform.errors import (
    BaseNeedsRoot,
    BuildImageNotFound,
    DebootstrapFailed,
    PlatformError,
    RootfsPrepareFailed,
)
from seldon_platform.package_data import data_root, user_cache

SUITE = "bookworm"
STACK_ID = "io.seldon.stacks.bookworm"
INPUTS_LABEL = "io.seldon.stacks.inputs-digest"
#: 1980-01-01 00:00:01 UTC, the CNB convention for reproducible timestamps
SOURCE_DATE_EPOCH = 315532801
DEFAULT_MIRROR = "http://deb.debian.org/debian"
DEFAULT_SECURITY_MIRROR = "http://deb.debian.org/debian-security"


@dataclass(frozen=True)
class StackImages:
    base: str = f"localhost/seldon-buildpacks/base:{SUITE}"
    build: str = f"localhost/seldon-buildpacks/build:{SUITE}"
    run: str = f"localhost/seldon-buildpacks/run:{SUITE}"
    stack_id: str = STACK_ID


def stacks_dir() -> Path:
    """The Containerfiles and the root file system recipe (a checkout's or the wheel's)."""
    return data_root() / "stacks"


def debian_mirrors(apt_dir: Path = Path("/etc/apt")) -> tuple[str, str]:
    """The main and security mirrors the host's apt uses, falling back to deb.debian.org."""
    main = security = None
    files = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*.sources"))]
    files += sorted((apt_dir / "sources.list.d").glob("*.list"))
    for path in files:
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for uri, suites in _apt_entries(text, deb822=path.suffix == ".sources"):
            if any(s.endswith("-security") for s in suites):
                security = security or uri
            elif SUITE in suites:
                main = main or uri
    return main or DEFAULT_MIRROR, security or DEFAULT_SECURITY_MIRROR


def _apt_entries(text: str, deb822: bool) -> list[tuple[str, list[str]]]:
    entries = []
    if deb822:
        for stanza in re.split(r"\n\s*\n", text):
            fields = dict(
                (k.strip().lower(), v.strip())
                for k, _, v in (ln.partition(":") for ln in stanza.splitlines())
                if not k.startswith("#") and v
            )
            if "deb" in fields.get("types", "").split() and fields.get("uris"):
                entries.append((fields["uris"].split()[0], fields.get("suites", "").split()))
        return entries
    for line in text.splitlines():
        parts = re.sub(r"\[[^]]*\]", "", line.split("#", 1)[0]).split()
        if len(parts) >= 3 and parts[0] == "deb":
            entries.append((parts[1], [parts[2]]))
    return entries


def ensure_stacks(
    engine: Engine, scribe: Scribe, force: bool = False, base: str | None = None
) -> StackImages:
    """Make sure the base, build and run images exist and match their inputs."""
    images = StackImages()
    src = stacks_dir()
    scribe.title(f"Stack images ({SUITE}, stack id {STACK_ID})")
    if base:
        base_ref, base_digest = base, f"external:{base}"
    else:
        base_ref, base_digest = images.base, _ensure_base(engine, scribe, src, images.base, force)
    run_digest = _ensure_image(engine, scribe, src / "run", images.run,
                               {"BASE": base_ref}, base_digest, force)
    # the build image carries the run image's package list (for seldon/debian-packages)
    _ensure_image(engine, scribe, src / "build", images.build,
                  {"BASE": base_ref, "RUN": images.run}, f"{base_digest} {run_digest}", force)
    return images


def expected_digests(base: str | None = None) -> dict[str, str]:
    """The inputs digest each stack image must carry to be reused: {image: digest}."""
    images, src = StackImages(), stacks_dir()
    base_digest = f"external:{base}" if base else _base_digest(src)
    run_digest = _image_digest(src / "run", base_digest)
    found = {images.run: run_digest,
             images.build: _image_digest(src / "build", f"{base_digest} {run_digest}")}
    return found if base else {images.base: base_digest, **found}


def _base_digest(src: Path) -> str:
    mirror, security = debian_mirrors()
    script = src / "base" / "prepare-rootfs.sh"
    return digest_files([script], script.parent, {"suite": SUITE, "mirror": mirror,
                                                  "security": security, "variant": "minbase"})


def _image_digest(context: Path, parents_digest: str) -> str:
    return digest_files([context / "Containerfile"], context,
                        {"base": parents_digest, "stack_id": STACK_ID})


def ensure_build_image(engine: Engine, build_image: str, scribe: Scribe) -> None:
    """First use: the tool's own stack images are built now when we can (as root), with
    progress; for any other build image, or without root, one sentence names the command."""
    if engine.image_exists(build_image):
        return
    if build_image == StackImages().build and os.geteuid() == 0:
        scribe.info("The stack images are not built yet: building them once now "
                    "(`seldon-build stacks`; later builds reuse them)")
        ensure_stacks(engine, scribe)
        return
    raise BuildImageNotFound(image=build_image)


def _reusable(engine: Engine, ref: str, digest: str, force: bool, scribe: Scribe) -> bool:
    info = engine.image_inspect(ref)
    if info is None:
        scribe.info(f"{ref}: not built yet")
        return False
    labels = labels_of(info)
    if force:
        scribe.info(f"{ref}: rebuilding (--force)")
        return False
    if labels.get(INPUTS_LABEL) != digest:
        scribe.info(f"{ref}: rebuilding (its inputs changed)")
        return False
    scribe.info(f"{ref}: reused (inputs unchanged)")
    return True


def _ensure_base(engine: Engine, scribe: Scribe, src: Path, ref: str, force: bool) -> str:
    mirror, security = debian_mirrors()
    script = src / "base" / "prepare-rootfs.sh"
    digest = _base_digest(src)
    if _reusable(engine, ref, digest, force, scribe):
        return digest
    rootfs = user_cache() / f"rootfs-{SUITE}-{digest[:12]}"
    done = rootfs.parent / f"{rootfs.name}.prepared"
    if force or not done.exists():
        _make_rootfs(scribe, rootfs, script, mirror, security)
        done.touch()
    else:
        scribe.info(f"continuing from the prepared root file system in {rootfs}")
    with scribe.step(f"importing {rootfs} as {ref}"):
        _import_rootfs(engine, rootfs, ref, digest)
    return digest


def _make_rootfs(scribe: Scribe, rootfs: Path, script: Path, mirror: str, security: str) -> None:
    host_tools.require(host_tools.STACKS, "Building the base image (debootstrap)")
    if os.geteuid() != 0:
        raise BaseNeedsRoot("debootstrap and chroot only work as root.")
    debootstrapped = rootfs.parent / f"{rootfs.name}.debootstrapped"
    if not debootstrapped.exists():
        # A half-finished debootstrap cannot be resumed: start that part again.
        shutil.rmtree(rootfs, ignore_errors=True)
        rootfs.mkdir(parents=True)
        log = rootfs.parent / f"{rootfs.name}.debootstrap.log"
        with scribe.step(f"debootstrap --variant=minbase {SUITE} from {mirror}"):
            _run_logged(["debootstrap", "--variant=minbase", SUITE, str(rootfs), mirror], log,
                        DebootstrapFailed)
        debootstrapped.touch()
    with scribe.step("trimming the root file system and applying Debian updates"):
        shutil.copy2("/etc/resolv.conf", rootfs / "etc" / "resolv.conf")
        shutil.copy2(script, rootfs / "tmp" / script.name)
        log = rootfs.parent / f"{rootfs.name}.prepare.log"
        _run_logged(
            ["chroot", str(rootfs), "/bin/sh", f"/tmp/{script.name}", SUITE, mirror, security],
            log,
            RootfsPrepareFailed,
        )
        (rootfs / "tmp" / script.name).unlink()


def _run_logged(argv: list[str], log: Path, failed: type[PlatformError]) -> None:
    with log.open("wb") as out:
        code = subprocess.call(argv, stdout=out, stderr=subprocess.STDOUT)
    if code != 0:
        tail = log.read_bytes()[-1500:].decode(errors="replace")
        raise failed(f"`{' '.join(argv)}` failed; the end of its log ({log}):\n{tail}", code=code)


def _import_rootfs(engine: Engine, rootfs: Path, ref: str, digest: str) -> None:
    tar = subprocess.Popen(
        ["tar", "-C", str(rootfs), "--sort=name", "--numeric-owner",
         f"--mtime=@{SOURCE_DATE_EPOCH}", "--one-file-system", "-cf", "-", "."],
        stdout=subprocess.PIPE,
    )
    try:
        engine.run(
            "import",
            "--change", 'CMD ["/bin/bash"]',
            "--change", f"LABEL {INPUTS_LABEL}={digest}",
            "-", ref,
            stdin=tar.stdout,
            capture=True,
        )
    finally:
        tar.stdout.close()
        tar.wait()


def _ensure_image(
    engine: Engine, scribe: Scribe, context: Path, ref: str, build_args: dict[str, str],
    parents_digest: str, force: bool,
) -> str:
    """Build `ref` unless its inputs label matches; returns that digest."""
    containerfile = context / "Containerfile"
    digest = _image_digest(context, parents_digest)
    if _reusable(engine, ref, digest, force, scribe):
        return digest
    args = ["build", "--network=host", "-f", str(containerfile), "-t", ref,
            "--build-arg", f"STACK_ID={STACK_ID}", "--label", f"{INPUTS_LABEL}={digest}"]
    for name, value in build_args.items():
        args += ["--build-arg", f"{name}={value}"]
    if engine.name == "podman":
        # never reach for a registry; fixed timestamps make the layers repeatable
        args += ["--pull=never", f"--timestamp={SOURCE_DATE_EPOCH}"]
    with scribe.step(f"building {ref}"):
        engine.run(*args, str(context), capture=not scribe.verbose)
    size = (engine.image_inspect(ref) or {}).get("Size", 0)
    scribe.info(f"{ref}: {size / 1e6:.0f} MB uncompressed")
    return digest
