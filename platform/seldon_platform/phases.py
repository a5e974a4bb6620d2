"""Run the lifecycle phases in the build image as the CNB user.

Our Python lifecycle (`seldon_platform.lifecycle`, standard library only) is
mounted read-only and run by the build image's `python3 -I`. The workspace
and layers dirs are bind-mounted read-write; buildpacks, cache, the platform
dir (env files and binding copies) and wheels read-only. Secrets live only
under `/platform` and `/whl`, which the exporter never reads.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from seldon_detect.cnb.ids import escape_id
from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe, redact

from .engine import Engine
from .errors import (
    DependencyNotFound,
    DiskFull,
    LifecycleFailed,
    ModuleNotInstalled,
    NoBuildpackGroup,
    NoNetwork,
)
from .lifecycle import shared_files
from .lifecycle.api import (
    EXIT_BUILD_BUILDPACK,
    EXIT_DETECT_ERROR,
    EXIT_DETECT_FAIL,
    PLATFORM_API,
)
from .lifecycle.descriptor import Buildpack
from .lifecycle.detector import OUTPUT_INDENT

PACKAGE_DIR = Path(__file__).resolve().parent
RUNNER = (
    "import sys; sys.path.insert(0, '/cnb/seldon'); "
    "from seldon_platform.lifecycle.main import main; sys.exit(main())"
)


@dataclass
class Mounts:
    workspace: Path
    layers: Path
    platform: Path
    build_config: Path
    order: Path
    cache: Path
    buildpacks: Iterable[Buildpack] = ()
    wheels: Path | None = None

    def args(self) -> list[str]:
        vols = [
            (PACKAGE_DIR, "/cnb/seldon/seldon_platform", "ro"),
            (self.workspace, "/workspace", "rw"),
            (self.layers, "/layers", "rw"),
            (self.platform, "/platform", "ro"),
            (self.build_config, "/cnb/build-config", "ro"),
            (self.order, "/cnb/order.toml", "ro"),
            (self.cache, "/cache", "ro"),
        ]
        vols += [(host, f"/cnb/seldon/{rel}", "ro") for host, rel in shared_files()]
        vols += [
            (bp.path, f"/cnb/buildpacks/{escape_id(bp.id)}/{bp.version}", "ro")
            for bp in self.buildpacks
        ]
        if self.wheels:
            vols.append((self.wheels, "/whl", "ro"))
        out: list[str] = []
        for host, target, mode in vols:
            out += ["-v", f"{Path(host).resolve()}:{target}:{mode}"]
        return out


class PhaseFailure(Exception):
    """The lifecycle's exit code and its last lines, with any held-back error block whole."""

    def __init__(self, code: int, tail: list[str]):
        super().__init__(f"lifecycle exited with {code}")
        self.code = code
        self.tail = tail


def run_phases(
    engine: Engine,
    build_image: str,
    mounts: Mounts,
    phases: list[str],
    scribe: Scribe,
    uid: int = 1000,
    gid: int = 1000,
) -> None:
    name = f"seldon-build-{uuid.uuid4().hex[:12]}"
    cmd = engine.command(
        "run",
        "--rm",
        "--name",
        name,
        "--user",
        f"{uid}:{gid}",
        *engine.network_args(),
        *_userns_args(engine),
        "-e",
        f"CNB_PLATFORM_API={PLATFORM_API}",
        "-e",
        f"CNB_LOG_LEVEL={'debug' if scribe.verbose else 'info'}",
        *mounts.args(),
        "--entrypoint",
        "/usr/bin/python3",
        build_image,
        "-I",
        "-c",
        RUNNER,
        *phases,
    )
    relay = Relay(scribe)
    proc = subprocess.Popen(cmd, env=engine.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert proc.stdout is not None
        for raw in proc.stdout:
            relay.add(redact(raw.decode("utf-8", errors="replace").rstrip("\n")))
        code = proc.wait()
    except KeyboardInterrupt:
        engine.run("rm", "-f", name, check=False, capture=True)
        proc.kill()
        raise
    if code != 0:
        raise relay.failed(code)
    relay.flush()


class Relay:
    """Shows the lifecycle's output as it comes, except `ERROR:` blocks.

    A block waits until a plain line shows the run goes on. When the run fails,
    the final error (`explain`) shows the block once, and what the error does
    not hold is shown here first.
    """

    #: an error block is a few dozen lines (a detect failure's a few hundred): more is output
    HOLD_AT_MOST = 2000

    def __init__(self, scribe: Scribe):
        self.scribe = scribe
        self.tail: collections.deque[str] = collections.deque(maxlen=80)
        self.held: list[str] = []

    def add(self, line: str) -> None:
        if _is_head(line) or (self.held and (not line or line.startswith(" "))):
            self.held.append(line)
            if len(self.held) >= self.HOLD_AT_MOST:
                self.flush()
            return
        self.flush()
        self._show(line)

    def flush(self) -> None:
        for line in self.held:
            self._show(line)
        self.held = []

    def _show(self, line: str) -> None:
        self.tail.append(line)
        self.scribe.info(line if line.startswith("===> ") else "  " + line)

    def failed(self, code: int) -> PhaseFailure:
        lines = [*self.tail, *self.held]
        reading = read_tail(code, lines)
        unseen = len(self.held) - (len(lines) - len(reading.before))
        for line in [*self.held[: max(0, unseen)], *reading.notes()]:
            self.scribe.info("  " + line)
        return PhaseFailure(code, lines)


def _userns_args(engine: Engine) -> list[str]:
    # rootless podman: map the host user to the CNB user so bind mounts stay writable
    if engine.name == "podman" and os.geteuid() != 0:
        return ["--userns=keep-id:uid=1000,gid=1000"]
    return []


def chown_tree(path: Path, uid: int, gid: int) -> None:
    """Give the CNB user the dirs it writes (only possible, and only needed, as root)."""
    if os.geteuid() != 0:
        return
    subprocess.run(["chown", "-R", f"{uid}:{gid}", str(path)], check=True)


def explain(failure: PhaseFailure) -> UserError:
    """Turn a lifecycle exit code and the output's tail into a user-facing error.

    A buildpack's own `ERROR:` block always wins and is shown as the buildpack
    wrote it; the platform fills in a cause or a fix only where the block has none.
    """
    text = "\n".join(failure.tail)
    detail = "\n".join(failure.tail[-15:])
    classified = next((kind for needle, kind in _CLASSES if needle in text), None)
    reading = read_tail(failure.code, failure.tail)
    if reading.own:
        err = UserError.from_rendered("\n".join(reading.own))
        if not err.cause:
            err.cause = "\n".join(reading.before[-15:])
        if not err.fix:
            err.fix = classified.FIX if classified else _GENERIC_FIX
        return err
    if failure.code in (EXIT_DETECT_FAIL, EXIT_DETECT_ERROR):
        return NoBuildpackGroup("\n".join(reading.message).removeprefix("ERROR: "))
    if classified:
        return classified(detail)
    return LifecycleFailed(detail, code=failure.code)


_GENERIC_FIX = ["Fix the cause shown above and build again."]


@dataclass
class Reading:
    """The last lines of a failed lifecycle run, taken apart."""

    #: what came before the error messages
    before: list[str]
    #: the lifecycle's own message: its `ERROR:` line and the indented lines under it
    message: list[str]
    #: the failing buildpack's `UserError` block exactly as it printed it, if it printed one
    own: list[str]
    #: lines after the buildpack's block that are not part of it (interleaved stdout)
    after: list[str]

    def notes(self) -> list[str]:
        """What to show next to the buildpack's own error that the error does not say."""
        if not self.own:
            return []
        which = [line.strip() for line in self.message if _DETECT_STATUS.match(line)]
        return [*self.after, *(which or [self.message[0].removeprefix("ERROR: ")])]


def read_tail(code: int, tail: list[str]) -> Reading:
    """Find the lifecycle's message and the failing buildpack's own error block in `tail`.

    The lifecycle prints its message last; a buildpack's block is a line starting
    `ERROR: ` followed by blank or indented lines (`UserError.render`). In a detect
    failure the buildpacks' outputs are inside the message, indented by six spaces.
    """
    heads = [i for i, line in enumerate(tail) if _is_head(line)]
    if not heads:
        return Reading(list(tail), [], [], [])
    last = heads[-1]
    message = tail[last:]
    if code == EXIT_DETECT_ERROR:
        return Reading(tail[:last], message, _errored_detect_block(message), [])
    if code != EXIT_BUILD_BUILDPACK or len(heads) < 2:
        return Reading(tail[:last], message, [], [])
    start = heads[-2]
    end = _block_end(tail, start, last)
    after = tail[end:last]
    # the block is the buildpack's last word: only a few stdout lines may land after it
    if len(after) > MAX_AFTER or any(line.startswith("Traceback") for line in after):
        return Reading(tail[:last], message, [], [])
    return Reading(tail[:start], message, tail[start:end], after)


#: stdout and stderr reach the platform through separate pipes of the engine, so a few of
#: the buildpack's last progress lines may arrive after its error block
MAX_AFTER = 3


#: a buildpack's line in the detector's message: "  id@version: pass|skip|error (exit N)"
_DETECT_STATUS = re.compile(r"^  [^\s@]+@\S+: (pass|skip|error \(exit -?\d+\))$")


def _is_head(line: str) -> bool:
    return line.startswith("ERROR: ")


def _block_end(lines: list[str], start: int, stop: int) -> int:
    end = start + 1
    while end < stop and (not lines[end] or lines[end].startswith(" ")):
        end += 1
    return end


def _errored_detect_block(message: list[str]) -> list[str]:
    """The first erroring buildpack's own block inside the detector's message."""
    for i, line in enumerate(message):
        status = _DETECT_STATUS.match(line)
        if not status or not status.group(1).startswith("error"):
            continue
        output = []
        for sub in message[i + 1 :]:
            if sub and not sub.startswith(OUTPUT_INDENT):
                break
            output.append(sub[len(OUTPUT_INDENT) :])
        heads = [j for j, sub in enumerate(output) if _is_head(sub)]
        if heads:
            return output[heads[-1] : _block_end(output, heads[-1], len(output))]
    return []


#: failures recognised in the output when no buildpack explained its own (e.g. a crash)
_CLASSES = [
    ("No space left on device", DiskFull),
    ("No matching distribution found", DependencyNotFound),
    ("Could not find a version that satisfies", DependencyNotFound),
    ("Temporary failure in name resolution", NoNetwork),
    ("ModuleNotFoundError", ModuleNotInstalled),
]
