"""Start-up failures: a title, a cause and the steps to fix, printed once."""

from __future__ import annotations

from typing import Sequence


class StartupError(Exception):
    def __init__(
        self, title: str, cause: str, fix: Sequence[str] = (), location: str | None = None
    ):
        super().__init__(f"{title}: {cause}")
        self.title = title
        self.cause = cause
        self.fix = list(fix)
        self.location = location

    def render(self) -> str:
        lines = [f"error: {self.title}", "", f"  {self.cause}"]
        if self.location:
            lines += ["", f"  at {self.location}"]
        if self.fix:
            lines += ["", "  how to fix:"] + [f"    - {step}" for step in self.fix]
        return "\n".join(lines)
