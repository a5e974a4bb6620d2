"""Errors as values: a title, what caused it, and numbered steps to fix it.

Every failure a user can act on is raised as a `UserError`; the CLIs and the
buildpack entry points print `render()` once, without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence


@dataclass
class UserError(Exception):
    """A failure the user can fix: what went wrong, why, and how to fix it."""

    title: str
    cause: str = ""
    fix: Sequence[str] = field(default_factory=tuple)
    #: where the problem is, e.g. "requirements.txt:3" or ".s2i/environment: MODEL_NAME"
    location: str = ""

    def __post_init__(self) -> None:
        Exception.__init__(self, self.title)

    def __str__(self) -> str:
        return self.render()

    def render(self) -> str:
        head = f"ERROR: {self.title}"
        if self.location:
            head += f" ({self.location})"
        lines = [head]
        if self.cause:
            lines += ["", _indent(self.cause)]
        steps = list(self.fix)
        if len(steps) == 1:
            lines += ["", _indent("To fix it: " + steps[0])]
        elif steps:
            lines += ["", "  To fix it:"]
            lines += [f"  {n}. {step}" for n, step in enumerate(steps, 1)]
        return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.splitlines())
