"""The interpreters this buildpack knows (`[[metadata.dependencies]]` of buildpack.toml).

Choosing one: a request `3.8` takes the newest 3.8 patch listed, `3.8.20` takes
exactly that patch, a `requires-python` range takes the newest version it allows.
A minor outside `supported` is refused with the supported list.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from seldon_detect import tomlfile
from seldon_detect.failures import NoPythonDistribution, PythonNotSupported
from seldon_detect.pyversion import PythonHint


@dataclass(frozen=True)
class Distribution:
    version: str
    arch: str
    uri: str
    sha256: str

    @property
    def file_name(self) -> str:
        """The upstream file name, which a mirror serves too."""
        return unquote(urlsplit(self.uri).path.rsplit("/", 1)[-1])

    def mirrored(self, base: str) -> str:
        return base.rstrip("/") + "/" + quote(self.file_name)

    @property
    def purl(self) -> str:
        return f"pkg:generic/cpython@{self.version}?download_url={quote(self.uri, safe='')}"


@dataclass(frozen=True)
class Manifest:
    supported: tuple[str, ...]
    distributions: tuple[Distribution, ...]

    def minor_of(self, version: str) -> str:
        return ".".join(version.split(".")[:2])

    def check_supported(self, hint: PythonHint) -> None:
        if hint.is_range:
            return
        if self.minor_of(hint.version) not in self.supported or hint.version.count(".") == 0:
            supported = ", ".join(self.supported)
            raise PythonNotSupported(
                f"{hint.source} asks for Python {hint.version}. This builder supports "
                f"{supported}.", location=hint.source,
                version=hint.version, supported=supported, source=hint.source)

    def choose(self, hint: PythonHint, arch: str) -> Distribution:
        """The distribution for this request and architecture (raises when none fits)."""
        self.check_supported(hint)
        ours = [d for d in self.distributions if d.arch == arch]
        fitting = [d for d in ours if hint.matches(d.version)
                   and self.minor_of(d.version) in self.supported]
        if fitting:
            return max(fitting, key=lambda d: _key(d.version))
        known = ", ".join(sorted({d.version for d in ours}, key=_key)) or "none"
        raise NoPythonDistribution(
            f"{hint.source} asks for {hint.version}; this buildpack knows {known} for {arch}.",
            location=hint.source, version=hint.version, arch=arch)


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split("."))


def load_manifest(buildpack_dir: Path) -> Manifest:
    meta = tomlfile.load_path(buildpack_dir / "buildpack.toml").get("metadata", {})
    dists = tuple(Distribution(d["version"], d["arch"], d["uri"], d["sha256"].lower())
                  for d in meta.get("dependencies", []) if d.get("id") == "cpython")
    return Manifest(tuple(meta.get("supported", ())), dists)
