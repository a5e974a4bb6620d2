"""Passes when the app has `environment.yml` (or `.yaml`); provides the Python environment."""

from __future__ import annotations

from seldon_detect.cnb.context import DetectContext
from seldon_detect.cnb.entry import DetectFailed
from seldon_detect.cnb.plan import PlanOption, write_plan
from seldon_detect.cnb.pyenv import PLAN_NAME
from seldon_detect.conda import find_environment_file, parse_environment
from seldon_detect.scribe import Scribe


def detect(ctx: DetectContext, scribe: Scribe) -> None:
    path = find_environment_file(ctx.app_dir)
    if path is None:
        raise DetectFailed("no environment.yml")
    parse_environment(path)  # a broken file is reported here, with its line
    write_plan(ctx.plan_path, PlanOption(provides=[PLAN_NAME]), PlanOption())
