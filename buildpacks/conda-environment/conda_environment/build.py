"""Create the conda environment of `environment.yml` in a launch layer, then its `pip:` section.

The solver is `micromamba` or `conda` when the build image has one, else
py-rattler, installed from the wheels vendored in this buildpack into a
build-only cache layer. The environment layer is reused only when its key
(the environment file, what the requirers of `python-env` declared, the
target, the solver and this buildpack's version) is unchanged.
"""

from __future__ import annotations

import compileall
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from conda_environment.channels import channel_alias, condarc, resolve_channels
from seldon_detect.app import read_s2i_env
from seldon_detect.cnb import pexec, pyenv
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.layers import LayerTypes
from seldon_detect.cnb.metadata import LayerMetadata, flat
from seldon_detect.cnb.pip import PipRunner, index_settings
from seldon_detect.cnb.plan import merged, read_buildpack_plan
from seldon_detect.cnb.result import BuildResult, LayerResult
from seldon_detect.cnb.reuse import LayersDir
from seldon_detect.conda import CondaEnvironment, find_environment_file, parse_environment
from seldon_detect.digests import digest_files
from seldon_detect.failures import (
    BuildpackError,
    CondaChannelUnreachable,
    CondaCreateFailed,
    CondaNoPip,
    CondaNoPython,
    CondaUnsolvable,
    RattlerInstallFailed,
)
from seldon_detect.scribe import Scribe, redact

ENV_LAYER = "conda-env"
TOOL_LAYER = "rattler"
RATTLER_SPEC = "py-rattler"
TOOL_TYPES = LayerTypes(cache=True)


@dataclass(frozen=True)
class CondaEnvMetadata(LayerMetadata):
    #: digest of the environment file
    environment: str
    target: str
    buildpack: str
    solver: str
    channel_alias: str
    #: what each requirer of `python-env` declared in the build plan
    inputs: Mapping[str, str] = flat("input-")


@dataclass(frozen=True)
class RattlerMetadata(LayerMetadata):
    python: str
    target: str
    #: names of the vendored wheels it was installed from
    wheels: str


def build(ctx: BuildContext, scribe: Scribe) -> BuildResult:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    path = find_environment_file(ctx.app_dir)
    assert path is not None
    conda = parse_environment(path)
    requested = merged(read_buildpack_plan(ctx.plan_path), pyenv.PLAN_NAME)
    cli = shutil.which("micromamba") or shutil.which("conda")
    solver = Path(cli).name if cli else "py-rattler"
    key = CondaEnvMetadata(
        environment=digest_files([path], ctx.app_dir),
        target=ctx.target.key(),
        buildpack=ctx.buildpack.version,
        solver=solver,
        channel_alias=channel_alias(ctx.bindings),
        inputs={k: str(v) for k, v in requested.items()},
    )
    layers = LayersDir(ctx.layers_dir)
    prefix = layers.layer_path(ENV_LAYER) / "prefix"
    reuse = layers.reuse(ENV_LAYER, key)
    tool: LayerResult | None = None
    if reuse.reused:
        scribe.info("Reusing the conda environment: nothing it depends on changed")
        tool = layers.carry(TOOL_LAYER, TOOL_TYPES, RattlerMetadata)
    else:
        scribe.info(f"Creating the conda environment from {path.name}: "
                    + ", ".join(reuse.reasons))
        layers.fresh(ENV_LAYER)
        channels = resolve_channels(conda.channels, key.channel_alias)
        with scribe.step(f"solving and installing {len(conda.specs)} conda spec(s) "
                         f"with {solver}"):
            if cli:
                _install_with_cli(cli, path, prefix, ctx, scribe)
            else:
                tool = _install_with_rattler(conda, channels, prefix, ctx, layers, scribe)
        python = prefix / "bin" / "python"
        if not python.exists():
            raise CondaNoPython(
                "The environment has no bin/python, so nothing can be installed into it and "
                "the runtime cannot start.", location=path.name, file=path.name)
        _compile(prefix)
        _ensure_pip(python, scribe)
        if conda.pip:
            _pip_section(conda, prefix, ctx, scribe)
    env, state = pyenv.provided(prefix, reused=reuse.reused)
    env = (env.prepend_path("PATH", str(prefix / "bin"), scope="launch")
           .default("CONDA_PREFIX", str(prefix), scope="launch"))
    kept = [LayerResult(ENV_LAYER, LayerTypes(launch=True, build=True, cache=True), key, env),
            state]
    return BuildResult(layers=tuple(kept + ([tool] if tool else [])))


def _install_with_cli(cli: str, env_file: Path, prefix: Path, ctx: BuildContext,
                      scribe: Scribe) -> None:
    env = pexec.clean_env()
    rc = condarc(ctx.bindings)
    if rc:
        env["CONDARC"] = str(rc)
    with tempfile.TemporaryDirectory(prefix="seldon-conda-") as scratch:
        env["CONDA_PKGS_DIRS"] = scratch
        args = [cli, "env", "create", "-p", str(prefix), "-f", str(env_file)]
        if Path(cli).name == "micromamba":
            args = [cli, "create", "-y", "-p", str(prefix), "-f", str(env_file)]
        result = pexec.run(args, scribe, env=env, cwd=ctx.app_dir)
    if result.returncode != 0:
        raise _solve_error(result.output)


def _rattler_python(ctx: BuildContext, layers: LayersDir,
                    scribe: Scribe) -> tuple[Path, LayerResult]:
    """A venv with py-rattler from this buildpack's wheels, in a build-only cache layer."""
    wheels = ctx.buildpack.dir / "wheels"
    key = RattlerMetadata(python=sys.version.split()[0], target=ctx.target.key(),
                          wheels=",".join(sorted(p.name for p in wheels.glob("*.whl"))))
    path = layers.layer_path(TOOL_LAYER)
    python = path / "bin" / "python"
    if not layers.reuse(TOOL_LAYER, key).reused or not python.exists():
        layers.fresh(TOOL_LAYER)
        env = pexec.clean_env({"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"})
        steps = ([sys.executable, "-m", "venv", str(path)],
                 [str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links",
                  str(wheels), RATTLER_SPEC])
        for argv in steps:
            result = pexec.run(argv, scribe, env=env)
            if result.returncode != 0:
                raise RattlerInstallFailed(result.output)
    return python, LayerResult(TOOL_LAYER, TOOL_TYPES, key)


def _install_with_rattler(conda: CondaEnvironment, channels: list[str], prefix: Path,
                          ctx: BuildContext, layers: LayersDir, scribe: Scribe) -> LayerResult:
    """Solve and install with py-rattler; returns the tool layer to keep for next time."""
    python, tool = _rattler_python(ctx, layers, scribe)
    script = Path(__file__).with_name("rattler_solve.py")
    with tempfile.TemporaryDirectory(prefix="seldon-rattler-") as scratch:
        request = Path(scratch) / "request.json"
        request.write_text(json.dumps({"channels": channels, "specs": conda.specs,
                                       "prefix": str(prefix.resolve()),
                                       "cache": str(Path(scratch) / "pkgs")}))
        result = pexec.run([str(python), "-I", str(script), str(request)], scribe,
                           env=pexec.clean_env())
    if result.returncode != 0:
        raise _solve_error(result.output)
    return tool


def _solve_error(output: str) -> BuildpackError:
    tail = "\n".join(output.strip().splitlines()[-12:])
    if "No candidates were found" in output or "cannot be installed" in output or \
            "PackagesNotFound" in output or "nothing provides" in output:
        return CondaUnsolvable(
            "A package (or version) in environment.yml is not in its channels.\n\n" + tail,
            location="environment.yml")
    unreachable = _UNREACHABLE.search(output)
    if unreachable:
        url = unreachable.group(1) or unreachable.group(2)
        channel = redact(_PLATFORM_PATH.split(url, maxsplit=1)[0])
        first = next(line for line in output.splitlines() if url in line)
        return CondaChannelUnreachable(
            f"The solver could not download the channel's package index: {redact(first.strip())}",
            location="environment.yml: channels", channel=channel)
    return CondaCreateFailed(tail)


#: py-rattler's `error sending request for url (URL)`, micromamba/conda's curl errors on a URL
_UNREACHABLE = re.compile(r"error sending request for url \((\S+?)\)|"
                          r"(?:Could not resolve host|Failed to connect|HTTP 000|"
                          r"CondaHTTPError).*?(https?://\S+)")
#: the part of a repodata URL after the channel: `/noarch/repodata.json`, `/linux-64/...`
_PLATFORM_PATH = re.compile(r"/(?:noarch|linux-\w+|osx-\w+|win-\w+)/")


def _ensure_pip(python: Path, scribe: Scribe) -> None:
    """Later buildpacks pip-install into this env: bootstrap pip when the solve left it out."""
    env = pexec.clean_env()
    if pexec.run([str(python), "-m", "pip", "--version"], scribe, env=env,
                 echo=False).returncode == 0:
        return
    result = pexec.run([str(python), "-m", "ensurepip", "--default-pip"], scribe, env=env)
    if result.returncode != 0:
        raise CondaNoPip(result.output, location="environment.yml")


def _compile(prefix: Path) -> None:
    """Hash-based .pyc for what the solver left uncompiled (noarch packages)."""
    import py_compile

    for site in prefix.glob("lib/python*/site-packages"):
        compileall.compile_dir(str(site), quiet=1, workers=1,
                               invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)


def _pip_section(conda: CondaEnvironment, prefix: Path, ctx: BuildContext,
                 scribe: Scribe) -> None:
    s2i_env = read_s2i_env(ctx.app_dir)
    runner = PipRunner(prefix / "bin" / "python", index_settings(ctx, s2i_env), ctx.bindings)
    env = pyenv.PythonEnv(prefix, reused=False)
    with scribe.step(f"pip install ({len(conda.pip)} requirement(s) from the pip: section)"):
        runner.install(conda.pip, "pip install (environment.yml pip: section)", scribe,
                       env.version(), cwd=ctx.app_dir)
