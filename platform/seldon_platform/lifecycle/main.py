"""Entry point for the lifecycle phases inside the build container.

`python3 -I <runner> PHASE...` runs the named phases in order (detect,
restore, build) and exits with the reference lifecycle's exit code of the
first phase that fails.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Sequence

from .api import PhaseError
from .builder import build
from .detector import detect
from .paths import Paths
from .restorer import restore

PHASES = ("detect", "restore", "build")


def _log(message: str) -> None:
    print(message, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    phases = list(sys.argv[1:] if argv is None else argv)
    unknown = [p for p in phases if p not in PHASES]
    if not phases or unknown:
        print(f"usage: lifecycle {{{'|'.join(PHASES)}}}...", file=sys.stderr)
        return 2
    environ = dict(os.environ)
    paths = Paths.from_env(environ)
    timings = []
    try:
        for phase in phases:
            _log(f"===> {phase.upper()}")
            start = time.monotonic()
            if phase == "detect":
                detect(paths, environ, _log)
            elif phase == "restore":
                restore(paths, _log)
            else:
                build(paths, environ, _log)
            timings.append(f"{phase} {time.monotonic() - start:.1f}s")
    except PhaseError as err:
        print(err.render(), file=sys.stderr, flush=True)
        return err.code
    _log("===> TIMES " + ", ".join(timings))
    return 0
