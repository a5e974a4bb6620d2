"""Provide the interpreter: reuse the cached layer, or download, verify and unpack it.

The layer (launch, build, cache) is keyed by version, architecture and sha256:
a rebuild with the same three neither downloads nor unpacks anything.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cpython.choice import Choice, choose, request, why_not_needed
from cpython.download import fetch_verified
from cpython.unpack import unpack
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.env import LayerEnv
from seldon_detect.cnb.layers import LayerTypes
from seldon_detect.cnb.metadata import LayerMetadata
from seldon_detect.cnb.pyenv import INTERPRETER_ENV
from seldon_detect.cnb.result import BuildResult, LayerResult
from seldon_detect.cnb.reuse import LayersDir
from seldon_detect.cnb.sbom import cyclonedx
from seldon_detect.failures import PythonDoesNotRun, PythonOtherVersion
from seldon_detect.scribe import Scribe

LAYER = "cpython"
#: extension modules that need a shared library: each is checked after unpacking
CHECKED_MODULES = ("ssl", "ctypes", "sqlite3", "lzma", "bz2", "zlib")
PROBE = """
import importlib, json, platform, sys
broken = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as err:
        broken[name] = str(err)
print(json.dumps({"version": platform.python_version(), "broken": broken}))
"""


@dataclass(frozen=True)
class CPythonMetadata(LayerMetadata):
    version: str
    arch: str
    sha256: str


def build(ctx: BuildContext, scribe: Scribe) -> BuildResult:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    hint = request(ctx)
    reason = why_not_needed(ctx, hint)
    if reason or hint is None:  # detect passed, so only a changed app gets here
        scribe.info(f"Nothing to provide: {reason}")
        return BuildResult()
    choice = choose(ctx, hint)
    scribe.info(f"Python {choice.version}: asked for {hint.version} by {hint.source}")
    key = CPythonMetadata(version=choice.version, arch=ctx.target.arch,
                          sha256=choice.source.sha256)
    layers = LayersDir(ctx.layers_dir)
    reuse = layers.reuse(LAYER, key)
    if reuse.reused:
        scribe.info(f"Reusing Python {choice.version} (sha256 {choice.source.sha256[:12]}…): "
                    "nothing downloaded")
    else:
        scribe.info("Installing Python: " + ", ".join(reuse.reasons))
        _install(layers.fresh(LAYER), choice, scribe)
    python = layers.layer_path(LAYER) / "bin" / "python3"
    env = LayerEnv().override(INTERPRETER_ENV, str(python), scope="build")
    return BuildResult(layers=(LayerResult(LAYER, LayerTypes(launch=True, build=True, cache=True),
                                           key, env, sbom=_sbom(choice)),))


def _install(path: Path, choice: Choice, scribe: Scribe) -> None:
    source = choice.source
    with tempfile.TemporaryDirectory(prefix="cpython-") as scratch:
        with scribe.step(f"downloading {source.url} (from {source.origin})"):
            archive = fetch_verified(source, choice.version, Path(scratch), scribe)
        with scribe.step(f"unpacking Python {choice.version}"):
            unpack(archive, path, source.url)
    python = path / "bin" / "python3"
    probe = subprocess.run([str(python), "-I", "-c", PROBE, *CHECKED_MODULES],
                           capture_output=True, text=True)
    if probe.returncode != 0 or not probe.stdout.strip():
        raise PythonDoesNotRun((probe.stdout + probe.stderr)[-2000:] or f"{python} failed",
                               location=source.origin)
    found = json.loads(probe.stdout)
    if not choice.hint.matches(found["version"]) or (
            choice.dist and found["version"] != choice.dist.version):
        raise PythonOtherVersion(f"{source.url} holds Python {found['version']}, but "
                                 f"{choice.hint.source} asks for {choice.hint.version}.",
                                 location=source.origin, found=found["version"])
    for name, error in sorted(found["broken"].items()):
        scribe.warn(f"Python {choice.version}: module {name} cannot be imported ({error})")


def _sbom(choice: Choice) -> str:
    component = {"type": "application", "name": "cpython", "version": choice.version,
                 "hashes": [{"alg": "SHA-256", "content": choice.source.sha256}],
                 "purl": choice.dist.purl if choice.dist
                 else f"pkg:generic/cpython@{choice.version}"}
    return cyclonedx([component], "cpython")
