"""Run an installer, streaming its output through the scribe (redacted) and keeping it."""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from seldon_detect.scribe import Scribe, redact


@dataclass
class Result:
    returncode: int
    output: str

    @property
    def killed(self) -> bool:
        return self.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL)


def run(
    argv: Sequence[str],
    scribe: Scribe,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    echo: bool = True,
) -> Result:
    """Run `argv` with stdout and stderr merged; each line is logged redacted when `echo`."""
    lines = []
    proc = subprocess.Popen(
        list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env=dict(env) if env is not None else None, cwd=cwd, text=True, encoding="utf-8",
        errors="replace",
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        line = redact(line.rstrip("\n"))
        lines.append(line)
        if echo:
            scribe.info(line)
    return Result(proc.wait(), "\n".join(lines))


def clean_env(extra: Mapping[str, str] | None = None, drop_prefixes: Sequence[str] = ()) -> dict:
    """The current environment without variables that would redirect an installer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(tuple(drop_prefixes))}
    for key in ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONUSERBASE", "PIP_TARGET",
                "PIP_PREFIX", "PIP_USER", "VIRTUAL_ENV"):
        env.pop(key, None)
    env.update(extra or {})
    return env
