"""Always passes: needs a Python environment and the model configuration."""

from __future__ import annotations

from runtime.wheels import fingerprint
from seldon_detect.cnb.context import DetectContext
from seldon_detect.cnb.plan import PlanOption, Requirement, write_plan
from seldon_detect.cnb.pyenv import PLAN_NAME
from seldon_detect.scribe import Scribe

MODEL = "seldon-model"


def detect(ctx: DetectContext, scribe: Scribe) -> None:
    env = Requirement(PLAN_NAME, {"runtime": fingerprint(ctx.buildpack.dir)})
    write_plan(ctx.plan_path, PlanOption(requires=[env, Requirement(MODEL)]))
