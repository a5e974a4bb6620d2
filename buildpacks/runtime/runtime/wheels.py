"""The `seldon-runtime` wheel (and any dependency wheels) shipped inside this buildpack."""

from __future__ import annotations

from pathlib import Path

from seldon_detect.digests import digest_dir
from seldon_detect.failures import RuntimeBuildpackIncomplete


def wheel_dir(buildpack_dir: Path) -> Path:
    return buildpack_dir / "wheels"


def runtime_wheel(buildpack_dir: Path) -> Path:
    found = sorted(wheel_dir(buildpack_dir).glob("seldon_runtime-*.whl"))
    if len(found) != 1:
        raise RuntimeBuildpackIncomplete(
            f"Expected one seldon_runtime wheel in {wheel_dir(buildpack_dir)}, found "
            f"{len(found)}.")
    return found[0]


def fingerprint(buildpack_dir: Path) -> str:
    return f"{runtime_wheel(buildpack_dir).name}@{digest_dir(wheel_dir(buildpack_dir))}"
