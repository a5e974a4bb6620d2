"""Every buildpack error the contract suite triggers, passed through the platform.

The lifecycle relays a failing buildpack's output and then prints its own
message; `seldon-build` streams that and ends with `explain()`'s error. For
each buildpack run that ends in its own `ERROR:` block (a `UserError`), this
rebuilds what our lifecycle prints from its real message functions and checks
that the user sees the buildpack's title, once, and the block as written.
"""

from __future__ import annotations

import io
from pathlib import Path

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe
from seldon_platform.lifecycle.builder import buildpack_failed
from seldon_platform.lifecycle.descriptor import load_descriptor
from seldon_platform.lifecycle.detector import DetectRun, failure
from seldon_platform.phases import Relay, explain

#: (buildpack id, phase, title) of every error path checked in this session
CHECKED: list[tuple[str, str, str]] = []


def check(bp_dir: Path, phase: str, returncode: int, stdout: str, stderr: str) -> None:
    """Assert the platform shows this failed run's own error block; no-op for other runs."""
    block = stderr.strip("\n")
    if returncode in (0, 100) or not block.startswith("ERROR: "):
        return
    bp = load_descriptor(bp_dir)
    if phase == "detect":
        error = failure({(bp.id, bp.version): DetectRun(bp, returncode, stdout + stderr)})
        lines = ["===> DETECT", *error.render().splitlines()]
    else:
        error = buildpack_failed(bp, returncode)
        lines = ["===> BUILD", f"--- {bp.id}@{bp.version}", *stdout.splitlines(),
                 *stderr.splitlines(), *error.render().splitlines()]
    out = io.StringIO()
    relay = Relay(Scribe(stream=out))
    for line in lines:
        relay.add(line)
    shown = explain(relay.failed(error.code))
    own = UserError.from_rendered(block)
    head = block.splitlines()[0]
    assert shown.render().splitlines()[0] == head, (head, shown.render())
    seen = out.getvalue() + shown.render()
    assert seen.count(head) == 1, seen
    if own.cause and own.fix:
        assert shown.render() == block
    CHECKED.append((bp.id, phase, own.title))

