"""`seldon-build build --pack`: hand the whole build to `pack build` with our builder.

Build-time env goes through a private `--env-file` (not argv, where `ps`
would show credentials); bindings and the wheel folder become read-only
volumes at the places our buildpacks look (`/platform/bindings/<name>`, `/whl`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe

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
    cmd += ["--pull-policy", "if-not-present"]
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


def pack_build(args: argparse.Namespace, scribe: Scribe) -> int:
    from .build_cli import parse_env_pairs
    from .source import fetch

    pack = shutil.which("pack")
    if not pack:
        raise UserError(
            title="--pack needs the `pack` CLI",
            cause="`pack` is not on PATH.",
            fix=[
                "Install pack (https://buildpacks.io/docs/for-platform-operators/how-to/integrate-ci/pack/)",
                "or build without --pack: seldon-build runs the buildpacks itself.",
            ],
        )
    if args.output and args.output != ["engine"]:
        raise UserError(
            "--pack writes to the Docker daemon only", fix=["Drop --output, or drop --pack."]
        )
    source = fetch(args.source, args.ref or "", args.context_dir or "")
    env = parse_env_pairs(args.env, args.env_file)
    with tempfile.TemporaryDirectory(prefix="seldon-pack-") as tmp:
        env_file = Path(tmp) / "build.env"
        fd = os.open(env_file, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(f"{k}={v}\n" for k, v in env.items())
        cmd = pack_command(
            pack,
            args.tag,
            source.root,
            env_file=env_file,
            bindings=[Path(b) for b in args.binding],
            wheels=Path(args.wheels) if args.wheels else None,
            clear_cache=args.clear_cache,
            default_process=args.default_process,
        )
        scribe.info("running: " + " ".join(cmd))
        code = subprocess.run(cmd).returncode
    if source.cleanup:
        source.cleanup.cleanup()
    return code
