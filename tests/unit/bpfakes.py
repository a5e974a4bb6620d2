"""A fake build context for calling a buildpack's `build()` in process.

The directories are real (tmp dirs), the buildpack's own `buildpack.toml` is
read from the source tree, and `restore()` leaves what the lifecycle's
restorer would between two builds: `[metadata]` without `[types]`, the
directory of cached layers only. Installers that need the network are faked
by each test; everything else runs for real.
"""

from __future__ import annotations

import io
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from seldon_detect import tomlfile
from seldon_detect.cnb.context import BuildContext, BuildpackInfo, Target
from seldon_detect.cnb.layers import read_layers
from seldon_detect.cnb.pip import PipRunner
from seldon_detect.cnb.pyenv import ENV_PREFIX, ENV_STATE
from seldon_detect.cnb.result import BuildResult, write_result
from seldon_detect.scribe import Scribe

REPO = Path(__file__).resolve().parents[2]
TARGET = Target("linux", "amd64", "debian", "12")


def import_buildpack(name: str) -> None:
    """Make `buildpacks/<name>`'s package importable, as bin/build does."""
    path = str(REPO / "buildpacks" / name)
    if path not in sys.path:
        sys.path.insert(0, path)


def context(tmp_path: Path, buildpack: str, app: Mapping[str, str] | None = None,
            env: Mapping[str, str] | None = None,
            plan: list[dict[str, Any]] | None = None, bp_dir: Path | None = None) -> BuildContext:
    """`app` maps file names to contents; `env` is the user's build env (`<platform>/env`)."""
    app_dir, layers, platform = tmp_path / "app", tmp_path / "layers", tmp_path / "platform"
    for d in (app_dir, layers, platform):
        d.mkdir(exist_ok=True)
    for name, text in (app or {}).items():
        (app_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (app_dir / name).write_text(text)
    bp_dir = bp_dir or REPO / "buildpacks" / buildpack
    descriptor = tomlfile.load_path(bp_dir / "buildpack.toml")
    info = BuildpackInfo(descriptor["buildpack"]["id"], descriptor["buildpack"]["version"],
                         descriptor["api"], bp_dir)
    plan_path = tmp_path / "plan.toml"
    plan_path.write_text(tomlfile.dumps({"entries": plan or []}))
    return BuildContext(app_dir=app_dir, buildpack=info, platform_dir=platform, target=TARGET,
                        platform_env=dict(env or {}), layers_dir=layers, plan_path=plan_path)


def run(build, ctx: BuildContext) -> tuple[BuildResult, str]:
    """Call `build`, write its result as the entry point does; the result and the log."""
    log = io.StringIO()
    result = build(ctx, Scribe(stream=log))
    write_result(ctx.layers_dir, result)
    return result, log.getvalue()


def restore(ctx: BuildContext) -> None:
    """Between builds, as the lifecycle's restorer (Buildpack API "Layer Types" table).

    Types are forgotten. Cached layers come back whole (metadata, SBOM, directory);
    launch-only layers as metadata and SBOM without their directory (the image has
    them); other layers not at all. Launch- and build-level files are not restored.
    """
    for layer in read_layers(ctx.layers_dir):
        types = layer.types
        if not types.cache and layer.has_contents:
            shutil.rmtree(layer.path)
        if types.cache or (types.launch and not types.build):
            tomlfile.write(layer.toml_path, {"metadata": dict(layer.metadata)})
        else:
            layer.toml_path.unlink()
            for sbom in ctx.layers_dir.glob(f"{layer.name}.sbom.*"):
                sbom.unlink()
    for name in ("launch.toml", "build.toml", "launch.sbom.*", "build.sbom.*"):
        for path in ctx.layers_dir.glob(name):
            path.unlink()


def python_env(monkeypatch, prefix: Path, reused: bool) -> Path:
    """What python-venv publishes to later buildpacks, with a real interpreter in it."""
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    if not (prefix / "bin" / "python").exists():
        (prefix / "bin" / "python").symlink_to(sys.executable)
    monkeypatch.setenv(ENV_PREFIX, str(prefix))
    monkeypatch.setenv(ENV_STATE, "reused" if reused else "fresh")
    return prefix


def env_files(ctx: BuildContext, layer: str) -> dict[str, str]:
    """Relative path -> text of every env file of a written layer."""
    root = ctx.layers_dir / layer
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.glob("env*/**/*"))
            if p.is_file()}


@dataclass(frozen=True)
class PipCall:
    args: list[str]
    python: Path
    cache_dir: Path | None
    cwd: Path | None


def fake_pip(monkeypatch) -> list[PipCall]:
    """Replace `pip install` (it needs an index) by a recorder: every call, in order."""
    calls: list[PipCall] = []

    def install(self, args, what, scribe, python_version, cwd=None, echo=True):
        calls.append(PipCall(list(args), self.python, self.cache_dir, cwd))

    monkeypatch.setattr(PipRunner, "install", install)
    return calls
