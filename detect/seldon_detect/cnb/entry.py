"""Entry points of `bin/detect` and `bin/build`: exit codes and error printing.

Detect: 0 pass, 100 does not apply, other = error. Build: 0 or failure; the
`BuildResult` that `build()` returns is written here, after it returned.
A `UserError` is printed once (redacted, no traceback) to stderr.
"""

from __future__ import annotations

import importlib
import sys
from typing import Callable, Sequence, TypeVar

from seldon_detect.cnb.context import (
    BuildContext,
    DetectContext,
    build_context,
    detect_context,
)
from seldon_detect.cnb.result import BuildResult, write_result
from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe, redact

DETECT_PASS = 0
DETECT_FAIL = 100
ERROR = 1

C = TypeVar("C")


class DetectFailed(Exception):
    """Raised by a detect function: this buildpack does not apply (exit 100)."""


def _run(
    make: Callable[[Sequence[str]], C], fn: Callable[[C, Scribe], object], fail_code: int,
    argv: Sequence[str],
) -> int:
    scribe = Scribe(stream=sys.stdout)
    try:
        ctx = make(argv)
        result = fn(ctx, scribe)
        if isinstance(ctx, BuildContext):
            if not isinstance(result, BuildResult):
                raise TypeError(f"build() returned {result!r}, not a BuildResult")
            write_result(ctx.layers_dir, result)
        return 0
    except DetectFailed as reason:
        if str(reason):
            scribe.info(str(reason))
        return fail_code
    except UserError as err:
        sys.stdout.flush()
        print(redact(err.render()), file=sys.stderr)
        return ERROR


def main(module: str, phase: str, argv: Sequence[str]) -> None:
    """Run `<module>.<phase>.<phase>(context, scribe)` and exit with the CNB status.

    `bin/detect` and `bin/build` call this; `argv` are the lifecycle's positional arguments.
    """
    fn = getattr(importlib.import_module(f"{module}.{phase}"), phase)
    if phase == "detect":
        sys.exit(_run(detect_context, fn, DETECT_FAIL, argv))
    if phase == "build":
        sys.exit(_run(build_context, fn, ERROR, argv))
    raise SystemExit(f"unknown phase {phase!r}")


__all__ = ["BuildContext", "DetectContext", "DetectFailed", "main"]
