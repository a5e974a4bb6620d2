"""The contract between the provider of `python-env` and the buildpacks that install into it.

The provider (python-venv or conda-environment) owns one launch layer holding
the environment and tells later buildpacks about it through build-only
environment variables of that layer:
- `SELDON_PYTHON_ENV`: the environment's prefix (`<prefix>/bin/python`);
- `SELDON_PYTHON_ENV_STATE`: `reused` when the layer was restored with a key
  equal to this build's, so installing into it again would change nothing;
  `fresh` otherwise.
The key covers what every requirer declared in its build-plan metadata, so a
change in any dependency input rebuilds the whole environment.

Before them, seldon/cpython may provide the interpreter (plan entry `python`)
when the app asks for one the stack lacks: `SELDON_PYTHON` (build only) is then
the path of that interpreter, which python-venv builds the environment from.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from seldon_detect.cnb.env import LayerEnv
from seldon_detect.cnb.layers import LayerTypes
from seldon_detect.cnb.result import LayerResult
from seldon_detect.failures import NoPythonEnvironment

PLAN_NAME = "python-env"
INTERPRETER_PLAN = "python"
INTERPRETER_ENV = "SELDON_PYTHON"
#: build-only layer for the state, so the launch layer's bytes do not depend on it
STATE_LAYER = "python-env-state"
ENV_PREFIX = "SELDON_PYTHON_ENV"
ENV_STATE = "SELDON_PYTHON_ENV_STATE"


@dataclass(frozen=True)
class PythonEnv:
    prefix: Path
    reused: bool

    @property
    def python(self) -> Path:
        return self.prefix / "bin" / "python"

    def version(self) -> str:
        out = subprocess.run(
            [str(self.python), "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
            capture_output=True, text=True, check=True, env={"PATH": os.environ.get("PATH", "")},
        )
        return out.stdout.strip()


def provided(prefix: Path, reused: bool) -> tuple[LayerEnv, LayerResult]:
    """Called by the provider: how it publishes the environment to later buildpacks.

    The build env of the environment's own layer (its prefix), and a build-only
    layer for the state: that changes from build to build, so it stays out of
    the launch layer and is never exported.
    """
    state = LayerEnv().override(ENV_STATE, "reused" if reused else "fresh", scope="build")
    return (LayerEnv().override(ENV_PREFIX, str(prefix), scope="build"),
            LayerResult(STATE_LAYER, LayerTypes(build=True), env=state))


def current() -> PythonEnv:
    """Called by requirers: the environment an earlier buildpack provided."""
    prefix = os.environ.get(ENV_PREFIX)
    if not prefix or not (Path(prefix) / "bin" / "python").exists():
        raise NoPythonEnvironment(
            f"{ENV_PREFIX} is not set by an earlier buildpack; seldon/python-venv or "
            "seldon/conda-environment must run before this buildpack.")
    return PythonEnv(Path(prefix), os.environ.get(ENV_STATE) == "reused")
