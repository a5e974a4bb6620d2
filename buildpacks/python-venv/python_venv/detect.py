"""Passes unless a conda environment file defines the Python environment."""

from __future__ import annotations

from seldon_detect.cnb.context import DetectContext
from seldon_detect.cnb.entry import DetectFailed
from seldon_detect.cnb.plan import PlanOption, write_plan
from seldon_detect.cnb.pyenv import PLAN_NAME
from seldon_detect.conda import find_environment_file
from seldon_detect.scribe import Scribe


def detect(ctx: DetectContext, scribe: Scribe) -> None:
    conda_file = find_environment_file(ctx.app_dir)
    if conda_file:
        raise DetectFailed(f"{conda_file.name} found: seldon/conda-environment provides Python")
    write_plan(ctx.plan_path, PlanOption(provides=[PLAN_NAME]), PlanOption())
