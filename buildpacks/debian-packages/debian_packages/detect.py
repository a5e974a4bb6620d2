"""Passes when Debian packages are asked for (Aptfile, project.toml or BP_DEBIAN_PACKAGES)."""

from __future__ import annotations

from seldon_detect.cnb.context import DetectContext
from seldon_detect.cnb.entry import DetectFailed
from seldon_detect.cnb.plan import PlanOption, Requirement, write_plan
from seldon_detect.debpackages import APTFILE, ENV_LIST, PROJECT_TABLE, requested_packages
from seldon_detect.scribe import Scribe

PLAN_NAME = "debian-packages"


def detect(ctx: DetectContext, scribe: Scribe) -> None:
    requests = requested_packages(ctx.app_dir, ctx.env(ENV_LIST))
    if not requests:
        raise DetectFailed(f"no {APTFILE}, no [{PROJECT_TABLE}] in project.toml, no {ENV_LIST}")
    write_plan(ctx.plan_path, PlanOption(provides=[PLAN_NAME], requires=[Requirement(PLAN_NAME)]))
