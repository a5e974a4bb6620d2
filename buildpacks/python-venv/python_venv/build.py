"""Create (or reuse) the virtual environment every later buildpack installs into.

The layer key is this buildpack's own inputs (Python, target, version) plus
the metadata each requirer of `python-env` put in the build plan (digests of
requirements files, project files, index settings, runtime wheel): the env is
reused only when none of them changed, and the reason for a rebuild is logged.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Mapping

from seldon_detect.cnb import pexec, pyenv
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.layers import LayerTypes
from seldon_detect.cnb.metadata import LayerMetadata, flat, labelled
from seldon_detect.cnb.pip import REPRODUCIBLE_EPOCH
from seldon_detect.cnb.plan import merged, read_buildpack_plan
from seldon_detect.cnb.result import BuildResult, LayerResult
from seldon_detect.cnb.reuse import LayersDir
from seldon_detect.failures import ProvidedPythonDoesNotRun, VenvFailed
from seldon_detect.pyversion import find_python_hint
from seldon_detect.scribe import Scribe

LAYER = "venv"


@dataclass(frozen=True)
class VenvMetadata(LayerMetadata):
    #: `<version> <interpreter path>`
    python: str = labelled("the interpreter")
    target: str
    buildpack: str
    #: what each requirer of `python-env` declared in the build plan
    inputs: Mapping[str, str] = flat("input-")


def build(ctx: BuildContext, scribe: Scribe) -> BuildResult:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    requested = merged(read_buildpack_plan(ctx.plan_path), pyenv.PLAN_NAME)
    interpreter, version = _interpreter()
    hint = find_python_hint(ctx.app_dir)
    if hint and not hint.matches(version):
        scribe.warn(f"{hint.source} asks for Python {hint.version}; {version} is used "
                    "(add seldon/cpython before this buildpack to get the one asked for).")
    key = VenvMetadata(
        python=f"{version} {interpreter}",
        target=ctx.target.key(),
        buildpack=ctx.buildpack.version,
        inputs={k: str(v) for k, v in requested.items()},
    )
    layers = LayersDir(ctx.layers_dir)
    reuse = layers.reuse(LAYER, key)
    if reuse.reused:
        scribe.info("Reusing the Python environment: nothing it depends on changed")
    else:
        scribe.info("Creating the Python environment: " + ", ".join(reuse.reasons))
        path = layers.fresh(LAYER)
        with scribe.step(f"{interpreter} -m venv ({version})"):
            # pip's own .pyc files from ensurepip, hash-based like everything else
            epoch = os.environ.get("SOURCE_DATE_EPOCH", REPRODUCIBLE_EPOCH)
            result = pexec.run([interpreter, "-m", "venv", str(path)], scribe,
                               env=pexec.clean_env({"SOURCE_DATE_EPOCH": epoch}))
        if result.returncode != 0:
            raise VenvFailed(result.output)
    prefix = layers.layer_path(LAYER)
    env, state = pyenv.provided(prefix, reused=reuse.reused)
    env = env.default("VIRTUAL_ENV", str(prefix), scope="launch")
    venv = LayerResult(LAYER, LayerTypes(launch=True, build=True, cache=True), key, env)
    return BuildResult(layers=(venv, state))


def _interpreter() -> tuple[str, str]:
    """The Python seldon/cpython provided, else the stack's (the one running this code)."""
    provided = os.environ.get(pyenv.INTERPRETER_ENV)
    if not provided:
        return sys.executable, ".".join(str(n) for n in sys.version_info[:3])
    out = subprocess.run(
        [provided, "-I", "-c", "import platform; print(platform.python_version())"],
        capture_output=True, text=True)
    if out.returncode != 0:
        raise ProvidedPythonDoesNotRun(out.stderr[-2000:], location=pyenv.INTERPRETER_ENV)
    return provided, out.stdout.strip()
