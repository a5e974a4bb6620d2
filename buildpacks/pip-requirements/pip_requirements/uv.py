"""Opt-in `uv pip install` (BP_PIP_INSTALLER=uv): uv itself is pip-installed into a cache layer."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Sequence

from seldon_detect.cnb import pexec
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.layers import Layers
from seldon_detect.cnb.pip import PipRunner
from seldon_detect.installfail import classify_install_failure
from seldon_detect.scribe import Scribe

UV_LAYER = "uv"
UV_SPEC = "uv>=0.4,<1"


def install_with_uv(runner: PipRunner, args: Sequence[str], ctx: BuildContext, scribe: Scribe,
                    python_version: str) -> None:
    layers = Layers(ctx.layers_dir)
    layer = layers.get(UV_LAYER, cache=True)
    key = {"spec": UV_SPEC, "target": ctx.target.key()}
    uv = layer.path / "bin" / "uv"
    if layer.changes(key) or not uv.exists():
        layer.reset()
        runner.install(["--target", str(layer.path / "site"), "--no-deps", UV_SPEC],
                       "pip install uv", scribe, python_version)
        (layer.path / "bin").mkdir()
        (layer.path / "bin" / "uv").symlink_to(layer.path / "site" / "bin" / "uv")
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
