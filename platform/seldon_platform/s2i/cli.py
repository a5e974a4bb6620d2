"""`seldon-s2i`: run an s2i command line as a `seldon-build build` in this process."""

from __future__ import annotations

import shlex
import sys
import tempfile
from pathlib import Path
from typing import Sequence

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe
from seldon_platform.s2i.inject import binding_args
from seldon_platform.s2i.texts import OVERVIEW, USAGE, build_help
from seldon_platform.s2i.translate import BuildPlan, Help, Usage, Version, translate


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        # s2i has only `s2i version`; `--version` is what people type for an installed tool
        plan = Version() if args[:1] == ["--version"] else translate(args)
        if isinstance(plan, BuildPlan):
            return _build(plan)
        if isinstance(plan, Usage):
            scribe = Scribe(stream=sys.stderr)
            for note in plan.notes:
                scribe.info(note)
            sys.stdout.write(USAGE)
        elif isinstance(plan, Help):
            sys.stdout.write(build_help() if plan.topic == "build" else OVERVIEW)
        elif isinstance(plan, Version):
            from seldon_platform import __version__

            sys.stdout.write(f"seldon-s2i {__version__} (Seldon model buildpacks)\n")
        return 0
    except UserError as err:
        print(err.render(), file=sys.stderr)
        return 1


def _build(plan: BuildPlan) -> int:
    from seldon_platform import cli

    scribe = Scribe(quiet=plan.quiet)
    # bindings made from injections live only as long as the build
    with tempfile.TemporaryDirectory(prefix="seldon-s2i-") as workdir:
        labels = [a for k, v in plan.labels.items() for a in ("--label", f"{k}={v}")]
        argv = plan.argv + labels + binding_args(plan.injections, Path(workdir))
        for note in plan.notes:
            scribe.info(note)
        scribe.info("running: seldon-build " + shlex.join(argv))
        return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
