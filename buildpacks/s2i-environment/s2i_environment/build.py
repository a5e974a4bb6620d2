"""Resolve MODEL_NAME / SERVICE_TYPE / ... and make them the image's default environment.

Runtime keys go to a launch layer as `.default` env files, so `docker run -e`
and Kubernetes `env:` still override them; build-only keys (indexes and
credentials) are left to the installing buildpacks and never written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from seldon_detect.app import read_s2i_env
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.env import LayerEnv
from seldon_detect.cnb.layers import LayerTypes
from seldon_detect.cnb.metadata import LayerMetadata
from seldon_detect.cnb.result import BuildResult, LayerResult
from seldon_detect.imagemeta import FILE as METADATA_FILE
from seldon_detect.imagemeta import image_labels
from seldon_detect.model import resolve_model_config
from seldon_detect.s2iscripts import script_warnings
from seldon_detect.scribe import Scribe

LAYER = "config"


@dataclass(frozen=True)
class ConfigMetadata(LayerMetadata):
    """Recorded for the image's layer labels; the layer is written anew every build."""

    model_name: str
    service_type: str


def build(ctx: BuildContext, scribe: Scribe) -> BuildResult:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    entries = read_s2i_env(ctx.app_dir)
    config = resolve_model_config(ctx.app_dir, entries, ctx.platform_env)
    scribe.info(f"model: {config.model_name} (from {config.model_name_source})")
    scribe.info(f"service type: {config.service_type}")
    for warning in [*config.warnings, *script_warnings(ctx.app_dir)]:
        scribe.warn(warning)

    env = LayerEnv()
    for key, value in config.launch_env.items():
        env = env.default(key, value, scope="launch")
        scribe.detail(f"default env {key}")
    scribe.info("runtime defaults: " + ", ".join(config.launch_env))
    labels = image_labels(ctx.app_dir)
    if labels:
        scribe.info(f"image labels from {METADATA_FILE}: " + ", ".join(labels))
    layer = LayerResult(LAYER, LayerTypes(launch=True),
                        ConfigMetadata(config.model_name, config.service_type), env)
    return BuildResult(layers=(layer,), labels={
        **labels,
        "io.seldon.model.name": config.model_name,
        "io.seldon.model.service-type": config.service_type,
    })
