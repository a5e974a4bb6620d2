"""Opt-in `uv pip install` (BP_PIP_INSTALLER=uv): uv itself is pip-installed into a cache layer."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from seldon_detect.cnb import pexec
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.layers import LayerTypes
from seldon_detect.cnb.metadata import LayerMetadata
from seldon_detect.cnb.pip import PipRunner
from seldon_detect.cnb.result import LayerResult
from seldon_detect.cnb.reuse import LayersDir
from seldon_detect.installfail import classify_install_failure
from seldon_detect.scribe import Scribe

UV_LAYER = "uv"
UV_SPEC = "uv>=0.4,<1"
UV_TYPES = LayerTypes(cache=True)


@dataclass(frozen=True)
class UvMetadata(LayerMetadata):
    spec: str
    target: str


def install_with_uv(runner: PipRunner, args: Sequence[str], ctx: BuildContext, scribe: Scribe,
                    python_version: str) -> LayerResult:
    """Install with uv; returns uv's own layer, to keep for the next build."""
    layers = LayersDir(ctx.layers_dir)
    key = UvMetadata(spec=UV_SPEC, target=ctx.target.key())
    path = layers.layer_path(UV_LAYER)
    uv = path / "bin" / "uv"
    if not layers.reuse(UV_LAYER, key).reused or not uv.exists():
        layers.fresh(UV_LAYER)
        runner.install(["--target", str(path / "site"), "--no-deps", UV_SPEC],
                       "pip install uv", scribe, python_version)
        (path / "bin").mkdir()
        (path / "bin" / "uv").symlink_to(path / "site" / "bin" / "uv")
    with tempfile.TemporaryDirectory(prefix="seldon-uv-") as scratch:
        env = runner.env(Path(scratch))
        # uv reads its own variables; map the pip ones it does not understand
        for pip_key, uv_key in (("PIP_INDEX_URL", "UV_INDEX_URL"),
                                ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL"),
                                ("PIP_FIND_LINKS", "UV_FIND_LINKS"),
                                ("PIP_CACHE_DIR", "UV_CACHE_DIR")):
            if pip_key in env:
                env[uv_key] = env[pip_key]
        env["UV_COMPILE_BYTECODE"] = "1"
        result = pexec.run([str(uv), "pip", "install", "--python", str(runner.python), *args],
                           scribe, env=env, cwd=ctx.app_dir)
    if result.returncode != 0:
        raise classify_install_failure(result.output, result.returncode, "uv pip install",
                                       python_version)
    return LayerResult(UV_LAYER, UV_TYPES, key)
