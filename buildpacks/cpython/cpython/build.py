"""Provide the interpreter: reuse the cached layer, or download, verify and unpack it.

The layer (launch, build, cache) is keyed by version, architecture and sha256:
a rebuild with the same three neither downloads nor unpacks anything.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from cpython.choice import Choice, choose, request, why_not_needed
from cpython.download import fetch_verified
from cpython.unpack import unpack
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.layers import Layer, Layers
from seldon_detect.cnb.pyenv import INTERPRETER_ENV
from seldon_detect.cnb.sbom import EXTENSION, cyclonedx
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


def build(ctx: BuildContext, scribe: Scribe) -> None:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    hint = request(ctx)
    reason = why_not_needed(ctx, hint)
    if reason or hint is None:  # detect passed, so only a changed app gets here
        scribe.info(f"Nothing to provide: {reason}")
        return
    choice = choose(ctx, hint)
    scribe.info(f"Python {choice.version}: asked for {hint.version} by {hint.source}")
    key = {"version": choice.version, "arch": ctx.target.arch, "sha256": choice.source.sha256}
    layer = Layers(ctx.layers_dir).get(LAYER, launch=True, build=True, cache=True)
    reasons = layer.changes(key)
    if not reasons:
        scribe.info(f"Reusing Python {choice.version} (sha256 {choice.source.sha256[:12]}…): "
                    "nothing downloaded")
    else:
        scribe.info("Installing Python: " + ", ".join(reasons))
        _install(layer.reset(), choice, scribe)
    python = layer.path / "bin" / "python3"
    layer.override_env(INTERPRETER_ENV, str(python), scope="build")
    _write_sbom(ctx.layers_dir, choice)
    layer.commit(key)


def _install(layer: Layer, choice: Choice, scribe: Scribe) -> None:
    source = choice.source
    with tempfile.TemporaryDirectory(prefix="cpython-") as scratch:
        with scribe.step(f"downloading {source.url} (from {source.origin})"):
            archive = fetch_verified(source, choice.version, Path(scratch), scribe)
        with scribe.step(f"unpacking Python {choice.version}"):
            unpack(archive, layer.path, source.url)
    python = layer.path / "bin" / "python3"
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


def _write_sbom(layers_dir: Path, choice: Choice) -> None:
    component = {"type": "application", "name": "cpython", "version": choice.version,
                 "hashes": [{"alg": "SHA-256", "content": choice.source.sha256}],
                 "purl": choice.dist.purl if choice.dist
                 else f"pkg:generic/cpython@{choice.version}"}
    sbom = cyclonedx([component], "cpython")
    (layers_dir / f"{LAYER}.sbom.{EXTENSION}").write_text(sbom, encoding="utf-8")
