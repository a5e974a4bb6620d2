"""`seldon-build`: the host command line.

Sub-commands are small functions registered in `COMMANDS`; each returns an
exit status. A `UserError` is printed once, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe
from seldon_platform import __version__
from seldon_platform.build_cli import add_build, add_builder, add_inspect, add_rebase
from seldon_platform.doctor import add_doctor


def _stacks(args: argparse.Namespace, scribe: Scribe) -> int:
    from seldon_platform.engine import find_engine
    from seldon_platform.stacks import ensure_stacks

    images = ensure_stacks(find_engine(), scribe, force=args.force, base=args.base)
    scribe.info(f"build image: {images.build}")
    scribe.info(f"run image:   {images.run}")
    return 0


def _add_stacks(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stacks", help="build the build and run stack images from Debian packages")
    p.add_argument(
        "--force", action="store_true", help="rebuild even when the inputs are unchanged"
    )
    p.add_argument(
        "--base",
        metavar="IMAGE",
        help="start from this image instead of a debootstrapped Debian "
        "(needs registry access, e.g. docker.io/library/debian:bookworm-slim)",
    )
    p.set_defaults(func=_stacks)


#: each entry adds one sub-command parser whose `func(args, scribe)` returns the exit status
COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_stacks, add_build, add_inspect, add_rebase, add_builder, add_doctor]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seldon-build",
        description="Build Seldon Core Python model repositories into OCI images with buildpacks.",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every detail")
    parser.add_argument("--version", action="version",
                        version=f"seldon-build {__version__} (Seldon model buildpacks)")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    scribe = Scribe(quiet=args.quiet, verbose=args.verbose)
    try:
        return args.func(args, scribe)
    except UserError as err:
        print(err.render(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
