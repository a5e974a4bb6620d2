"""Every error title the code base can print, as patterns, read from the failure kinds.

A failure kind is a class with its title template written once (`ErrorKind.TITLE`);
`kinds_of` lists every kind derived from a base, so the titles come from the
types, not from the source. The model server's kinds derive from its own copy
of the base (`seldon_runtime.user_errors`, the same file as
`seldon_detect.errors`, loaded as another module), hence two bases.

The buildpacks still raise some `UserError("title", ...)` directly; `raw_titles()`
reads those from the source until none is left. Delete it (and its use in
`titles()`) then.
"""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: the modules that define failure kinds (importing one defines its kinds)
KIND_MODULES = ("seldon_platform.errors", "seldon_runtime.startup")


@dataclass(frozen=True)
class Title:
    pattern: str  # a regular expression over the whole title
    where: str  # file:line, or file:KindName

    def matches(self, text: str) -> bool:
        return re.fullmatch(self.pattern, text) is not None


def module_file(module: str) -> str:
    """The file of a kind module, relative to the repository root."""
    return Path(importlib.import_module(module).__file__).relative_to(ROOT).as_posix()


def kind_titles() -> list[Title]:
    """The title of every kind the `KIND_MODULES` define."""
    from seldon_detect.errors import ErrorKind, kinds_of
    from seldon_runtime.user_errors import ErrorKind as RuntimeErrorKind

    files = {module: module_file(module) for module in KIND_MODULES}
    # kinds defined elsewhere (a test's own, say) are not the code's titles
    kinds = [kind for base in (ErrorKind, RuntimeErrorKind) for kind in kinds_of(base)
             if kind.__module__ in files and kind.TITLE]
    return [Title(kind.title_pattern(), f"{files[kind.__module__]}:{kind.__name__}")
            for kind in kinds]


def titles() -> list[Title]:
    return kind_titles() + raw_titles()


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


# -- raw `UserError(...)` calls of the buildpack side: delete once none is left ---------------

RAW_SOURCES = ("detect/seldon_detect", "buildpacks")


def raw_titles() -> list[Title]:
    """The title of every `UserError(title, ...)` call under `RAW_SOURCES`: a string, or an
    f-string whose `{...}` parts match any text. A title that is neither fails the test."""
    found = []
    for path in sorted(p for base in RAW_SOURCES for p in (ROOT / base).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            if not (isinstance(node, ast.Call) and "UserError" in (
                    getattr(func, "id", None), getattr(func, "attr", None))):
                continue
            title = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg == "title"), None)
            parts = title.values if isinstance(title, ast.JoinedStr) else [title]
            where = f"{path.relative_to(ROOT).as_posix()}:{node.lineno}"
            if not all(isinstance(p, (ast.Constant, ast.FormattedValue)) for p in parts) or \
                    not any(isinstance(p, ast.Constant) for p in parts):
                raise ValueError(f"{where}: a UserError title the scan cannot read; "
                                 "raise a failure kind instead")
            found.append(Title("".join(re.escape(str(p.value)) if isinstance(p, ast.Constant)
                                       else ".+?" for p in parts), where))
    return found
