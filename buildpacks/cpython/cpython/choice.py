"""Does the app need an interpreter other than the stack's, and which one?"""

from __future__ import annotations

import platform
from dataclasses import dataclass

from cpython.manifest import Distribution, load_manifest
from cpython.sources import Source, manifest_source, user_distribution
from seldon_detect.cnb.context import Context
from seldon_detect.conda import find_environment_file
from seldon_detect.failures import OwnPythonRange
from seldon_detect.pyversion import (
    S2I_BUILDER_SOURCE,
    S2I_PYTHON_ENV,
    VERSION_ENV,
    PythonHint,
    find_python_request,
)


@dataclass(frozen=True)
class Choice:
    hint: PythonHint
    #: the manifest's distribution; None when the user gave their own (BP_CPYTHON_URL)
    dist: Distribution | None
    source: Source

    @property
    def version(self) -> str:
        """The exact version when the manifest names it, else what was asked for."""
        return self.dist.version if self.dist else self.hint.version


def stack_python() -> str:
    """The stack's python3: the buildpack itself runs on it."""
    return platform.python_version()


def request(ctx: Context) -> PythonHint | None:
    env = {k: ctx.env(k) for k in (VERSION_ENV, S2I_PYTHON_ENV)}
    return find_python_request(ctx.app_dir, env)


def why_not_needed(ctx: Context, hint: PythonHint | None) -> str | None:
    """A reason this buildpack has nothing to do, or None when it must provide Python."""
    conda_file = find_environment_file(ctx.app_dir)
    if conda_file:
        return f"{conda_file.name} found: the conda environment brings its own Python"
    if hint is None:
        return f"no Python version asked for: the stack's Python {stack_python()} is used"
    if hint.matches(stack_python()):
        return (f"{hint.source} asks for Python {hint.version}: the stack's Python "
                f"{stack_python()} fits")
    supported = load_manifest(ctx.buildpack.dir).supported
    if hint.source.startswith(S2I_BUILDER_SOURCE) and \
            ".".join(hint.version.split(".")[:2]) not in supported:
        # an old builder name (python36, python37) is no request the app made: keep building
        return (f"{hint.source} says Python {hint.version}, which is not supported "
                f"({', '.join(supported)}): the stack's Python {stack_python()} is used; "
                f"set {VERSION_ENV} or .python-version to choose another")
    return None


def choose(ctx: Context, hint: PythonHint) -> Choice:
    manifest = load_manifest(ctx.buildpack.dir)
    manifest.check_supported(hint)
    own = user_distribution(ctx.env)
    if own and hint.is_range:
        raise OwnPythonRange(f"{hint.source} gives the range {hint.version!r}; your own "
                             "distribution must say which version it is.", location=hint.source)
    if own:
        return Choice(hint, None, own)
    dist = manifest.choose(hint, ctx.target.arch)
    return Choice(hint, dist, manifest_source(dist, ctx.env, ctx.bindings))
