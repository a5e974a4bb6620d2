"""Install the requirements, wheel folders and private indexes first, pip cache in a cache layer.

The cache layer holds downloads and locally built wheels only (pip strips
credentials from the URLs it caches); credentials reach pip through its
process environment, never through a file in a layer.
"""

from __future__ import annotations

from pip_requirements.installer import installer_name, requirements_file
from pip_requirements.uv import UV_LAYER
from seldon_detect.app import describe
from seldon_detect.cnb import pyenv
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.layers import Layers
from seldon_detect.cnb.pip import PipRunner, index_settings
from seldon_detect.scribe import Scribe

CACHE_LAYER = "pip-cache"


def build(ctx: BuildContext, scribe: Scribe) -> None:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    name = requirements_file(ctx)
    env = pyenv.current()
    layers = Layers(ctx.layers_dir)
    if env.reused:
        scribe.info(f"Reusing the installed {name}: it and the index settings are unchanged")
        # keep the download caches for the next change of requirements
        layers.get(CACHE_LAYER, cache=True).keep()
        layers.get(UV_LAYER, cache=True).keep()
        return
    app = describe(ctx.app_dir, requirements_file=name)
    settings = index_settings(ctx, app.s2i_env)
    for line in settings.describe():
        scribe.info(line)
    version = env.version()
    cache = layers.get(CACHE_LAYER, cache=True)
    cache_key = {"python": version, "target": ctx.target.key()}
    if cache.changes(cache_key) and cache.path.exists():
        scribe.info("Clearing the pip cache: " + ", ".join(cache.changes(cache_key)))
        cache.reset()
    cache.path.mkdir(parents=True, exist_ok=True)
    runner = PipRunner(env.python, settings, ctx.bindings, cache_dir=cache.path)
    installer = installer_name(ctx)
    args = ["-r", name]
    with scribe.step(f"{installer} install -r {name}"):
        if installer == "uv":
            from pip_requirements.uv import install_with_uv

            install_with_uv(runner, args, ctx, scribe, version)
        else:
            runner.install(args, f"pip install -r {name}", scribe, version, cwd=ctx.app_dir)
    cache.commit(cache_key)
