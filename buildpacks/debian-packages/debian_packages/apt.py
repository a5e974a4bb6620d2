"""apt-get as the unprivileged build user: package lists and downloads in a layer of ours.

apt resolves dependencies against a dpkg status file. The stack's build image
carries a copy of the run image's (`RUN_IMAGE_STATUS`), so everything the run
image lacks is fetched, even when the build image has it. Lists and downloaded
archives live in a cache layer; signatures are checked by apt against the
build image's keyring, as for any apt-get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from seldon_detect.cnb import pexec
from seldon_detect.debpackages import PackageRequest
from seldon_detect.failures import (
    DebianDownloadFailed,
    DebianListsUnreadable,
    DebianPackageUninstallable,
    DebianPythonPackage,
)
from seldon_detect.scribe import Scribe

#: written into the build image by the stack (stacks/build/Containerfile)
RUN_IMAGE_STATUS = Path("/usr/share/seldon-stack/run-image/dpkg-status")
BUILD_IMAGE_STATUS = Path("/var/lib/dpkg/status")
SOURCES = (Path("/etc/apt/sources.list"), Path("/etc/apt/sources.list.d"))
# `Inst name [old] (version origin [arch])`; `[old]` only when it replaces an installed version
_INST = re.compile(r"^Inst (\S+) (?:\[(\S+)\] )?\((\S+) .*\[(\S+)\]\)")


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    arch: str
    #: the version the run image already has, when apt would replace it
    replaces: str = ""

    @property
    def archive_name(self) -> str:
        """The file name apt-get gives the downloaded archive."""
        return f"{self.name}_{self.version.replace(':', '%3a')}_{self.arch}.deb"


def parse_simulation(output: str) -> list[Package]:
    """The packages `apt-get -s install` would unpack, in its order."""
    out = []
    for line in output.splitlines():
        match = _INST.match(line)
        if match:
            name, old, version, arch = match.groups()
            out.append(Package(name, version, arch, old or ""))
    return out


def blamed(output: str, names: Sequence[str]) -> list[str]:
    """The names apt's error lines mention (`Unable to locate package x`, `'x' was not
    found`, `Package 'x' has no installation candidate`)."""
    errors = " ".join(line for line in output.splitlines() if line.startswith("E:"))
    words = set(re.findall(r"[a-z0-9][a-z0-9+.-]+", errors))
    return [name for name in names if name in words]


def status_file() -> tuple[Path, bool]:
    """The dpkg status to resolve against, and whether it is the run image's."""
    if RUN_IMAGE_STATUS.is_file():
        return RUN_IMAGE_STATUS, True
    return BUILD_IMAGE_STATUS, False


def source_files() -> list[Path]:
    files = []
    for path in SOURCES:
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".list", ".sources"))
    return files


@dataclass
class Apt:
    """apt-get with its state and cache under `home` (a cache layer) and a chosen status."""

    home: Path
    status: Path
    scribe: Scribe

    def _argv(self, *args: str) -> list[str]:
        return [
            "apt-get", "-q",
            "-o", f"Dir::State={self.home / 'state'}",
            "-o", f"Dir::State::status={self.status}",
            "-o", f"Dir::Cache={self.home / 'cache'}",
            # we are not root and touch no system state: the system locks are not ours
            "-o", "Debug::NoLocking=1",
            # lists stay compressed: a third of the size in the cache layer
            "-o", "Acquire::GzipIndexes=true",
            "-o", "Acquire::CompressionTypes::Order::=gz",
            "-o", "APT::Install-Recommends=false",
            "-o", "APT::Install-Suggests=false",
            *args,
        ]

    def _run(self, *args: str, echo: bool = False) -> pexec.Result:
        for sub in ("state/lists/partial", "cache/archives/partial"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        return pexec.run(self._argv(*args), self.scribe, env=pexec.clean_env({"LC_ALL": "C"}),
                         echo=echo)

    def update(self) -> None:
        with self.scribe.step("apt-get update"):
            result = self._run("update")
        if result.returncode != 0 or "\nW: Failed to fetch" in result.output \
                or "\nE: " in f"\n{result.output}":
            raise DebianListsUnreadable(result.output[-3000:])

    def resolve(self, requests: Sequence[PackageRequest]) -> list[Package]:
        """What installing `requests` unpacks, dependencies included; names the bad entry."""
        result = self._run("-s", "install", "-y", *(r.spec for r in requests))
        if result.returncode != 0:
            bad = blamed(result.output, [r.name for r in requests])
            where = [r.source for r in requests if r.name in bad]
            python2 = [name for name in bad if name.startswith("python-")]
            if python2:
                source = next(r.source for r in requests if r.name == python2[0])
                raise DebianPythonPackage(_errors(result.output), location=", ".join(where),
                                          name=python2[0], file=source.split(":")[0])
            raise DebianPackageUninstallable(_errors(result.output), location=", ".join(where))
        return parse_simulation(result.output)

    def download(self, specs: Sequence[str]) -> None:
        result = self._run("install", "-y", "--download-only", *specs)
        if result.returncode != 0:
            raise DebianDownloadFailed(_errors(result.output))

    def archive(self, package: Package) -> Path:
        return self.home / "cache" / "archives" / package.archive_name


def _errors(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith(("E:", "W:", " "))]
    return "\n".join(lines[-40:]) or output[-3000:]
