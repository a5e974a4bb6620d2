"""Errors as values: a title, what caused it, and numbered steps to fix it.

Every failure a user can act on is raised as a `UserError`, by its kind (an
`ErrorKind`: the buildpacks' kinds are in `seldon_detect.failures`, the
platform's in `seldon_platform.errors`); the CLIs and the buildpack entry points
print `render()` once, without a traceback. The platform reads a buildpack's
printed block back with `UserError.from_rendered`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import ClassVar, Sequence, TypeVar


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


    @classmethod
    def from_rendered(cls, text: str) -> UserError:
        """Read back what `render()` printed, so that rendering it again gives the same text.

        A title that itself ends in "(...)" comes back as title and location; the
        rendered text is the same either way.
        """
        lines = text.splitlines()
        head = _HEAD.fullmatch(lines[0] if lines else "")
        if head is None:
            raise ValueError(f"not a rendered error: {text[:80]!r}")
        body = lines[1:]
        at = next((i for i, line in enumerate(body) if line.startswith(_FIX)), len(body))
        cause = "\n".join(line[2:] for line in body[:at]).strip("\n")
        fix: list[str] = []
        rest = body[at:]
        if rest and rest[0] == _FIX.rstrip(" "):
            for line in rest[1:]:
                step = _STEP.match(line)
                if step:
                    fix.append(step.group(1))
                elif fix:
                    fix[-1] += "\n" + line
        elif rest:
            fix.append("\n".join([rest[0][len(_FIX) + 1 :], *(line[2:] for line in rest[1:])]))
        return cls(head.group(1), cause, fix, head.group(2) or "")


class ErrorKind(UserError):
    """One kind of failure: its title and its fix steps (`str.format` templates over the same
    keyword values) are written once, on the class; a raise gives the values and the cause,
    e.g. `ImageNotFound("The engine has no such image.", image=ref)`. A literal brace in a
    template is doubled, as `str.format` wants."""

    TITLE: ClassVar[str] = ""
    FIX: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        cause: str = "",
        *,
        fix: Sequence[str] | None = None,
        location: str = "",
        **values: object,
    ):
        steps = [step.format(**values) for step in self.FIX] if fix is None else fix
        super().__init__(self.TITLE.format(**values), cause, tuple(steps), location)
        #: the facts the title and fix were written from, for code that adds to them later
        self.values = dict(values)

    @classmethod
    def title_pattern(cls) -> str:
        """A regular expression matching every title of this kind (a value is any text)."""
        return "".join(re.escape(literal) + (".+?" if field is not None else "")
                       for literal, field, _, _ in string.Formatter().parse(cls.TITLE))

    @classmethod
    def kinds(cls: type[K]) -> list[type[K]]:
        """Every kind derived from this one (subclasses of subclasses included), in definition
        order per level."""
        found, todo = [], list(cls.__subclasses__())
        while todo:
            kind = todo.pop(0)
            found.append(kind)
            todo += kind.__subclasses__()
        return found

    @classmethod
    def define(cls: type[K], name: str, title: str, *fix: str) -> type[K]:
        """A new kind under this one, in this one's module: modules that list many kinds
        write each as a one-liner."""
        return type(name, (cls,), {"TITLE": title, "FIX": fix, "__module__": cls.__module__})


K = TypeVar("K", bound=ErrorKind)


_HEAD = re.compile(r"ERROR: (.*?)(?: \(([^()]*)\))?")
_FIX = "  To fix it:"
_STEP = re.compile(r"  \d+\. (.*)")


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.splitlines())
