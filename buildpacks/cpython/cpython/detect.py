"""Passes when the app asks for a Python the stack's python3 is not (and no conda env decides)."""

from __future__ import annotations

from cpython.choice import choose, request, why_not_needed
from seldon_detect.cnb.context import DetectContext
from seldon_detect.cnb.entry import DetectFailed
from seldon_detect.cnb.plan import PlanOption, Requirement, write_plan
from seldon_detect.cnb.pyenv import INTERPRETER_PLAN
from seldon_detect.scribe import Scribe


def detect(ctx: DetectContext, scribe: Scribe) -> None:
    hint = request(ctx)
    reason = why_not_needed(ctx, hint)
    if reason:
        raise DetectFailed(reason)
    assert hint is not None
    choice = choose(ctx, hint)  # refuses an unsupported or unknown version here already
    scribe.info(f"{hint.source} asks for Python {hint.version}: providing {choice.version}")
    wanted = Requirement(INTERPRETER_PLAN, {"version": choice.version, "source": hint.source})
    write_plan(ctx.plan_path, PlanOption(provides=[INTERPRETER_PLAN], requires=[wanted]))
