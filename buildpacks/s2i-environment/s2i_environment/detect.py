"""Always passes: every model image needs its configuration."""

from __future__ import annotations

from seldon_detect.cnb.context import DetectContext
from seldon_detect.cnb.plan import PlanOption, write_plan
from seldon_detect.scribe import Scribe

PROVIDES = "seldon-model"


def detect(ctx: DetectContext, scribe: Scribe) -> None:
    # the empty alternative keeps this buildpack usable in groups where nothing requires it
    write_plan(ctx.plan_path, PlanOption(provides=[PROVIDES]), PlanOption())
