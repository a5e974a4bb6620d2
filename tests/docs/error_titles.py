"""Every error title the code base can print, as patterns, read from the source.

A title is the first argument (or `title=`) of a `UserError(...)` (build side)
or `StartupError(...)` (model server) call, or the `TITLE` of one of the
platform's or the buildpacks' failure kinds (`seldon_platform.errors.kinds()`,
`seldon_detect.failures.kinds()`, read from the types).
Literal parts are matched as they are; each `{...}` of an f-string matches any
text. A few titles are not written at the call: they come from a table or a
helper's argument. Those call sites are listed in `INDIRECT` with the place
their titles really come from, and a new indirect site fails the test until it
is listed, so the list of titles cannot go stale without anyone noticing.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (
    "detect/seldon_detect", "buildpacks", "platform/seldon_platform", "runtime/seldon_runtime",
)
ERROR_CLASSES = ("UserError", "StartupError")

#: "file:function" of calls whose title is not written at the call -> where the titles are
INDIRECT = {
    # `_run_logged(argv, log, TITLE, fix)` appends " (exit N)"
    "platform/seldon_platform/stacks.py:_run_logged f'{title} (exit {code})'": (
        "argument", "_run_logged", 2, " (exit {})"),
}


@dataclass(frozen=True)
class Title:
    pattern: str  # a regular expression over the whole title
    where: str  # file:line

    def matches(self, text: str) -> bool:
        return re.fullmatch(self.pattern, text) is not None


def _pattern(node: ast.expr) -> str | None:
    """A regex for the text `node` evaluates to, or None when it is not written out."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(re.escape(str(value.value)))
            else:
                parts.append(".+?")
        # a title made only of placeholders says nothing
        return "".join(parts) if any(isinstance(v, ast.Constant) for v in node.values) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pattern(node.left), _pattern(node.right)
        if left is None:
            return None
        return left + (f"(?:{right})?" if right else ".*")
    if isinstance(node, ast.IfExp):
        body, orelse = _pattern(node.body), _pattern(node.orelse)
        return f"(?:{body or '.*'}|{orelse or '.*'})"
    return None


def _title_arg(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "title"), None)


def _called(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _functions(tree: ast.AST):
    """(enclosing function name, node) for every node under a function (or the module)."""
    stack = [("<module>", tree)]
    while stack:
        name, node = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                else name
            yield inner, child
            stack.append((inner, child))


def _source_files() -> list[Path]:
    return sorted(p for base in SOURCES for p in (ROOT / base).rglob("*.py"))


def scan() -> tuple[list[Title], set[str]]:
    """(every title, the indirect sites found) in the code base."""
    titles: list[Title] = []
    indirect: set[str] = set()
    trees = {path: ast.parse(path.read_text()) for path in _source_files()}
    for path, tree in trees.items():
        rel = path.relative_to(ROOT).as_posix()
        for function, node in _functions(tree):
            if not (isinstance(node, ast.Call) and _called(node) in ERROR_CLASSES):
                continue
            arg = _title_arg(node)
            pattern = _pattern(arg) if arg is not None else None
            site = f"{rel}:{function} {ast.unparse(arg) if arg is not None else ''}"
            if site in INDIRECT:
                indirect.add(site)
                titles += _indirect_titles(tree, rel, INDIRECT[site])
            elif pattern is None:
                indirect.add(site)  # unknown: reported by the test
            else:
                titles.append(Title(pattern, f"{rel}:{node.lineno}"))
    return titles + kind_titles(), indirect


def kind_titles() -> list[Title]:
    """The titles of the platform's and the buildpacks' failure kinds, from the types."""
    from seldon_detect import failures
    from seldon_platform import errors

    return [Title(kind.title_pattern(), f"{where}:{kind.__name__}")
            for where, kinds in (("platform/seldon_platform/errors.py", errors.kinds),
                                 ("detect/seldon_detect/failures.py", failures.kinds))
            for kind in kinds()]


def _indirect_titles(tree: ast.AST, rel: str, how: tuple) -> list[Title]:
    kind = how[0]
    found: list[Title] = []
    if kind == "table":
        _, name, index = how
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                for row in node.value.elts:  # type: ignore[attr-defined]
                    pattern = _pattern(row.elts[index])
                    if pattern:
                        found.append(Title(pattern, f"{rel}:{row.lineno}"))
    elif kind == "argument":
        _, function, index, suffix = how
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) == function and len(node.args) > index:
                pattern = _pattern(node.args[index])
                if pattern:
                    tail = re.escape(suffix).replace(re.escape("{}"), ".+?")
                    found.append(Title(pattern + tail, f"{rel}:{node.lineno}"))
    return found


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
