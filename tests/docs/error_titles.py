"""Every error title the code base can print, as patterns, read from the failure kinds.

A failure kind is a class with its title template written once (`ErrorKind.TITLE`);
`ErrorKind.kinds()` lists every kind derived from a base, so the titles come from the
types, not from the source. The model server's kinds derive from its own copy
of the base (`seldon_runtime.user_errors`, the same file as
`seldon_detect.errors`, loaded as another module), hence two bases.

No code raises a bare `UserError("title", ...)` any more (a test in
test_troubleshooting keeps it so), so no title needs reading from the source.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: the modules that define failure kinds (importing one defines its kinds)
KIND_MODULES = ("seldon_detect.failures", "seldon_platform.errors", "seldon_runtime.startup")


@dataclass(frozen=True)
class Title:
    pattern: str  # a regular expression over the whole title
    where: str  # file:KindName

    def matches(self, text: str) -> bool:
        return re.fullmatch(self.pattern, text) is not None


def module_file(module: str) -> str:
    """The file of a kind module, relative to the repository root."""
    return Path(importlib.import_module(module).__file__).relative_to(ROOT).as_posix()


def kind_titles() -> list[Title]:
    """The title of every kind the `KIND_MODULES` define."""
    from seldon_detect.errors import ErrorKind
    from seldon_runtime.user_errors import ErrorKind as RuntimeErrorKind

    files = {module: module_file(module) for module in KIND_MODULES}
    # kinds defined elsewhere (a test's own, say) are not the code's titles
    kinds = [kind for base in (ErrorKind, RuntimeErrorKind) for kind in base.kinds()
             if kind.__module__ in files and kind.TITLE]
    return [Title(kind.title_pattern(), f"{files[kind.__module__]}:{kind.__name__}")
            for kind in kinds]


def documented_titles(markdown: str) -> list[str]:
    """The titles a troubleshooting page documents: code spans in its `###`/`####` headings."""
    found = []
    for line in markdown.splitlines():
        if re.match(r"#{3,4} ", line):
            # a span opened by N backticks closes at the next run of exactly N, so
            # ``a `b` c`` holds a title with backticks in it
            found += [m.group(2).strip() if m.group(1) == "``" else m.group(2)
                      for m in re.finditer(r"(`+)(.+?)(?<!`)\1(?!`)", line)]
    return found
