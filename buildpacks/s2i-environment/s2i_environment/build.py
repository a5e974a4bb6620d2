"""Resolve MODEL_NAME / SERVICE_TYPE / ... and make them the image's default environment.

Runtime keys go to a launch layer as `.default` env files, so `docker run -e`
and Kubernetes `env:` still override them; build-only keys (indexes and
credentials) are left to the installing buildpacks and never written here.
"""

from __future__ import annotations

from seldon_detect.app import S2I_ENV_FILE
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.launch import write_launch
from seldon_detect.cnb.layers import Layers
from seldon_detect.envfile import parse_env_file
from seldon_detect.imagemeta import FILE as METADATA_FILE
from seldon_detect.imagemeta import image_labels
from seldon_detect.model import resolve_model_config
from seldon_detect.s2iscripts import script_warnings
from seldon_detect.scribe import Scribe

LAYER = "config"


def build(ctx: BuildContext, scribe: Scribe) -> None:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    env_path = ctx.app_dir / S2I_ENV_FILE
    entries = parse_env_file(env_path, str(S2I_ENV_FILE)) if env_path.is_file() else []
    config = resolve_model_config(ctx.app_dir, entries, ctx.platform_env)
    scribe.info(f"model: {config.model_name} (from {config.model_name_source})")
    scribe.info(f"service type: {config.service_type}")
    for warning in [*config.warnings, *script_warnings(ctx.app_dir)]:
        scribe.warn(warning)

    layers = Layers(ctx.layers_dir)
    layer = layers.get(LAYER, launch=True).reset()
    for key, value in config.launch_env.items():
        layer.default_env(key, value, scope="launch")
        scribe.detail(f"default env {key}")
    scribe.info("runtime defaults: " + ", ".join(config.launch_env))
    layer.commit({"model-name": config.model_name, "service-type": config.service_type})
    labels = image_labels(ctx.app_dir)
    if labels:
        scribe.info(f"image labels from {METADATA_FILE}: " + ", ".join(labels))
    write_launch(layers, [], labels={
        **labels,
        "io.seldon.model.name": config.model_name,
        "io.seldon.model.service-type": config.service_type,
    })
