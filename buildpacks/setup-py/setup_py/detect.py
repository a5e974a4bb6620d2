"""Passes for a `setup.py`, or a `pyproject.toml` with a build system or `[project]` table."""

from __future__ import annotations

from seldon_detect.cnb.context import DetectContext
from seldon_detect.cnb.entry import DetectFailed
from seldon_detect.cnb.plan import PlanOption, Requirement, write_plan
from seldon_detect.cnb.pyenv import PLAN_NAME
from seldon_detect.digests import digest_files
from seldon_detect.project import find_project
from seldon_detect.scribe import Scribe


def detect(ctx: DetectContext, scribe: Scribe) -> None:
    project = find_project(ctx.app_dir)
    if project is None:
        raise DetectFailed("no setup.py and no buildable pyproject.toml")
    metadata = {"project": digest_files(list(project.files), ctx.app_dir),
                "project-kind": project.kind}
    write_plan(ctx.plan_path, PlanOption(requires=[Requirement(PLAN_NAME, metadata)]))
