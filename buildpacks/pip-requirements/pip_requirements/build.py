"""Install the requirements, wheel folders and private indexes first, pip cache in a cache layer.

The cache layer holds downloads and locally built wheels only (pip strips
credentials from the URLs it caches); credentials reach pip through its
process environment, never through a file in a layer.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from pip_requirements.installer import installer_name, requirements_file
from pip_requirements.uv import UV_LAYER, UV_TYPES, UvMetadata, install_with_uv
from seldon_detect.app import describe
from seldon_detect.cnb import pyenv
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.layers import LayerTypes
from seldon_detect.cnb.metadata import LayerMetadata
from seldon_detect.cnb.pip import PipRunner, index_settings
from seldon_detect.cnb.result import BuildResult, LayerResult
from seldon_detect.cnb.reuse import LayersDir
from seldon_detect.failures import InstallNoMatch, InstallNoWheel, InstallVcsUnreachable
from seldon_detect.requirements import RequirementsSet
from seldon_detect.scribe import Scribe

CACHE_LAYER = "pip-cache"
CACHE_TYPES = LayerTypes(cache=True)


@dataclass(frozen=True)
class PipCacheMetadata(LayerMetadata):
    """Downloads and built wheels fit only the Python and target they were made for."""

    python: str
    target: str


def build(ctx: BuildContext, scribe: Scribe) -> BuildResult:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    name = requirements_file(ctx)
    env = pyenv.current()
    layers = LayersDir(ctx.layers_dir)
    if env.reused:
        scribe.info(f"Reusing the installed {name}: it and the index settings are unchanged")
        # keep the download caches for the next change of requirements
        carried = (layers.carry(CACHE_LAYER, CACHE_TYPES, PipCacheMetadata),
                   layers.carry(UV_LAYER, UV_TYPES, UvMetadata))
        return BuildResult(layers=tuple(layer for layer in carried if layer))
    app = describe(ctx.app_dir, requirements_file=name)
    settings = index_settings(ctx, app.s2i_env)
    for line in settings.describe():
        scribe.info(line)
    version = env.version()
    cache_key = PipCacheMetadata(python=version, target=ctx.target.key())
    cache_path = layers.layer_path(CACHE_LAYER)
    cache = layers.reuse(CACHE_LAYER, cache_key)
    if not cache.reused and cache_path.exists():
        scribe.info("Clearing the pip cache: " + ", ".join(cache.reasons))
        layers.fresh(CACHE_LAYER)
    cache_path.mkdir(parents=True, exist_ok=True)
    runner = PipRunner(env.python, settings, ctx.bindings, cache_dir=cache_path)
    installer = installer_name(ctx)
    args = ["-r", name]
    kept = [LayerResult(CACHE_LAYER, CACHE_TYPES, cache_key)]
    with scribe.step(f"{installer} install -r {name}"), _located(app.requirements):
        if installer == "uv":
            kept.append(install_with_uv(runner, args, ctx, scribe, version))
        else:
            runner.install(args, f"pip install -r {name}", scribe, version, cwd=ctx.app_dir)
    return BuildResult(layers=tuple(kept))


@contextmanager
def _located(requirements: RequirementsSet | None) -> Iterator[None]:
    """A requirement pip cannot get is named by the line that asks for it."""
    try:
        yield
    except (InstallNoMatch, InstallNoWheel, InstallVcsUnreachable) as err:
        if requirements and not err.location:
            err.location = requirements.locate(str(err.values.get("name")
                                                   or err.values.get("url", "")))
        raise
