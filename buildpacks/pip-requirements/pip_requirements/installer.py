"""User knobs of this buildpack (`BP_*` build variables)."""

from __future__ import annotations

from seldon_detect.cnb.context import Context
from seldon_detect.failures import UnknownInstaller

INSTALLERS = ("pip", "uv")


def requirements_file(ctx: Context) -> str:
    return ctx.env("BP_PIP_REQUIREMENT", "requirements.txt").strip() or "requirements.txt"


def installer_name(ctx: Context) -> str:
    name = ctx.env("BP_PIP_INSTALLER", "pip").strip().lower() or "pip"
    if name not in INSTALLERS:
        raise UnknownInstaller(
            "The requirements can be installed with: " + ", ".join(INSTALLERS) + ".",
            location="BP_PIP_INSTALLER", name=name)
    return name
