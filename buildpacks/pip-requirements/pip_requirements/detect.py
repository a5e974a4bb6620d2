"""Passes when the app has a requirements file; its inputs become part of the env's key."""

from __future__ import annotations

from pip_requirements.installer import installer_name, requirements_file
from seldon_detect.app import describe
from seldon_detect.cnb.context import DetectContext
from seldon_detect.cnb.entry import DetectFailed
from seldon_detect.cnb.pip import index_settings
from seldon_detect.cnb.plan import PlanOption, Requirement, write_plan
from seldon_detect.cnb.pyenv import PLAN_NAME
from seldon_detect.digests import digest_files
from seldon_detect.scribe import Scribe


def detect(ctx: DetectContext, scribe: Scribe) -> None:
    name = requirements_file(ctx)
    if not (ctx.app_dir / name).is_file():
        raise DetectFailed(f"no {name}")
    app = describe(ctx.app_dir, requirements_file=name)
    assert app.requirements is not None
    settings = index_settings(ctx, app.s2i_env)
    metadata = {
        "requirements": digest_files(app.requirements.files, ctx.app_dir),
        "requirements-index": settings.fingerprint(),
        "requirements-installer": installer_name(ctx),
    }
    write_plan(ctx.plan_path, PlanOption(requires=[Requirement(PLAN_NAME, metadata)]))
