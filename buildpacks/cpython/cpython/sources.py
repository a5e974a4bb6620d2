"""Where the interpreter is fetched from, and which sha256 it must have.

In this order: the user's own distribution (`BP_CPYTHON_URL` with
`BP_CPYTHON_SHA256`); a `dependency-mapping` binding entry named by the
manifest's sha256 (its content is a URL, or a file name in the binding); a
mirror (`BP_CPYTHON_MIRROR`, upstream file names); the manifest's upstream URL.
Only the user's own distribution brings its own checksum; every other source
must deliver the bytes the manifest names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cpython.manifest import Distribution
from seldon_detect.cnb.bindings import Binding, bindings_of_type
from seldon_detect.failures import OwnPythonBadSha, OwnPythonHalfGiven

URL_ENV = "BP_CPYTHON_URL"
SHA_ENV = "BP_CPYTHON_SHA256"
MIRROR_ENV = "BP_CPYTHON_MIRROR"
MAPPING_TYPE = "dependency-mapping"


@dataclass(frozen=True)
class Source:
    url: str
    sha256: str
    #: named in the build log: which setting chose this URL
    origin: str


def user_distribution(env: Callable[[str], str]) -> Source | None:
    url, sha = env(URL_ENV).strip(), env(SHA_ENV).strip().lower()
    if not url and not sha:
        return None
    if not url or not sha:
        given, missing = (URL_ENV, SHA_ENV) if url else (SHA_ENV, URL_ENV)
        raise OwnPythonHalfGiven(f"Your own Python distribution needs both {URL_ENV} and "
                                 f"{SHA_ENV}.", location=given, given=given, missing=missing)
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise OwnPythonBadSha("Expected 64 hexadecimal digits.", location=SHA_ENV)
    return Source(url, sha, URL_ENV)


def _mapped(bindings: list[Binding], sha256: str) -> Source | None:
    for binding in bindings_of_type(bindings, MAPPING_TYPE):
        entry = binding.entry(sha256) or binding.entry(f"sha256:{sha256}")
        if entry is None:
            continue
        target = entry.read_text(encoding="utf-8").strip()
        if "://" not in target:
            target = (binding.entries_dir / target).as_uri()
        return Source(target, sha256, f"{MAPPING_TYPE} binding {binding.name!r}")
    return None


def manifest_source(dist: Distribution, env: Callable[[str], str],
                    bindings: list[Binding]) -> Source:
    mapped = _mapped(bindings, dist.sha256)
    if mapped:
        return mapped
    mirror = env(MIRROR_ENV).strip()
    if mirror:
        return Source(dist.mirrored(mirror), dist.sha256, MIRROR_ENV)
    return Source(dist.uri, dist.sha256, "the buildpack's manifest (upstream)")

