"""Progress output: titled sections, timed steps, and redaction of credentials.

Everything a buildpack or CLI prints goes through here so that no URL with
`user:password@` ever reaches a log line.
"""

from __future__ import annotations

import re
import sys
import time
from contextlib import contextmanager
from typing import Iterator, TextIO

_CREDENTIALS_IN_URL = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s:@]+(?::[^/\s@]*)?@")


def has_credentials(text: str) -> bool:
    """True when a URL in `text` carries `user[:password]@`."""
    return _CREDENTIALS_IN_URL.search(text) is not None


def redact(text: str) -> str:
    """Replace `user[:password]@` in every URL of `text` with `***@`."""
    return _CREDENTIALS_IN_URL.sub(r"\g<scheme>***@", text)


class Scribe:
    """Writes indented, redacted progress lines; `quiet` hides all but errors."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False, verbose: bool = False):
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.verbose = verbose
        self._depth = 0

    def _write(self, text: str) -> None:
        pad = "  " * self._depth
        for line in redact(text).splitlines() or [""]:
            self.stream.write(f"{pad}{line}\n")
        self.stream.flush()

    def title(self, text: str) -> None:
        if not self.quiet:
            self._write(f"==> {text}")

    def info(self, text: str) -> None:
        if not self.quiet:
            self._write(text)

    def detail(self, text: str) -> None:
        if self.verbose and not self.quiet:
            self._write(text)

    def warn(self, text: str) -> None:
        self._write(f"WARNING: {text}")

    @contextmanager
    def step(self, text: str) -> Iterator[None]:
        """Announce a long step, indent what it prints, and report its duration."""
        self.info(f"{text} ...")
        start = time.monotonic()
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        self.info(f"{text}: done in {time.monotonic() - start:.1f}s")
