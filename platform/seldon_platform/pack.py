"""`seldon-build build --pack`: hand the whole build to `pack build` with our builder.

Build-time env goes through a private `--env-file` (not argv, where `ps`
would show credentials); bindings and the wheel folder become read-only
volumes at the places our buildpacks look (`/platform/bindings/<name>`, `/whl`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Mapping, Sequence

from seldon_detect.scribe import Scribe

from .errors import PackMissing, PackOutput
from .source import fetch

BUILDER_IMAGE = "localhost/seldon-buildpacks/builder:bookworm"


def pack_command(
    pack: str,
    tag: str,
    path: Path,
    builder_image: str = BUILDER_IMAGE,
    env_file: Path | None = None,
    bindings: list[Path] = (),  # type: ignore[assignment]
    wheels: Path | None = None,
    clear_cache: bool = False,
    default_process: str | None = None,
) -> list[str]:
    cmd = [pack, "build", tag, "--builder", builder_image, "--path", str(path)]
    # The builder is our own, made on this machine: trusting it lets pack run its
    # lifecycle directly instead of pulling the separate buildpacksio/lifecycle image.
    cmd += ["--pull-policy", "if-not-present", "--trust-builder"]
    if env_file:
        cmd += ["--env-file", str(env_file)]
    for binding in bindings:
        cmd += ["--volume", f"{binding.resolve()}:/platform/bindings/{binding.name}:ro"]
    if wheels:
        cmd += ["--volume", f"{wheels.resolve()}:/whl:ro"]
    if clear_cache:
        cmd.append("--clear-cache")
    if default_process:
        cmd += ["--default-process", default_process]
    return cmd


def pack_build(
    source: str,
    tag: str,
    env: Mapping[str, str],
    scribe: Scribe,
    *,
    ref: str = "",
    context_dir: str = "",
    bindings: Sequence[Path] = (),
    wheels: Path | None = None,
    clear_cache: bool = False,
    default_process: str | None = None,
    output: str = "engine",
) -> int:
    """Build `source` into `tag` with `pack build`; returns pack's exit status."""
    pack = shutil.which("pack")
    if not pack:
        raise PackMissing("`pack` is not on PATH.")
    if output != "engine":
        raise PackOutput(f"pack loads the image into the engine; it cannot write {output}.")
    fetched = fetch(source, ref, context_dir)
    with tempfile.TemporaryDirectory(prefix="seldon-pack-") as tmp:
        env_file = Path(tmp) / "build.env"
        fd = os.open(env_file, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(f"{k}={v}\n" for k, v in env.items())
        cmd = pack_command(
            pack,
            tag,
            fetched.root,
            env_file=env_file,
            bindings=list(bindings),
            wheels=wheels,
            clear_cache=clear_cache,
            default_process=default_process,
        )
        scribe.info("running: " + " ".join(cmd))
        code = subprocess.run(cmd).returncode
    if fetched.cleanup:
        fetched.cleanup.cleanup()
    return code
