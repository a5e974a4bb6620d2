"""The buildpacks' failure kinds: each written once, and every raise gives what it needs."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from seldon_detect import failures
from seldon_detect.errors import ErrorKind, UserError
from seldon_detect.failures import kinds

ROOT = Path(__file__).resolve().parents[3]
#: where the buildpacks raise kinds: the shared package and every buildpack's own modules
SOURCES = [p for p in sorted((ROOT / "detect" / "seldon_detect").rglob("*.py"))
           if p.name != "failures.py"] + \
          [p for p in sorted((ROOT / "buildpacks").glob("*/*/*.py"))
           if "vendor" not in p.parts]


def fields(kind: type[ErrorKind]) -> set[str]:
    return {name for text in (kind.TITLE, *kind.FIX)
            for _, name, _, _ in string.Formatter().parse(text) if name}


def example(kind: type[ErrorKind]) -> ErrorKind:
    return kind("why", location="file:3", **{name: f"<{name}>" for name in fields(kind)})


def every_kind() -> list[type[ErrorKind]]:
    """The kinds of both sides: one template rule serves them all."""
    from seldon_platform import errors  # noqa: F401 (defines the platform's kinds)

    return ErrorKind.kinds()


@pytest.mark.parametrize("kind", every_kind(), ids=lambda kind: kind.__name__)
def test_every_kind_renders_and_reads_back(kind):
    err = example(kind)
    text = err.render()
    assert text.splitlines()[0] == f"ERROR: {err.title} (file:3)"
    assert UserError.from_rendered(text).render() == text


@pytest.mark.parametrize("kind", kinds(), ids=lambda kind: kind.__name__)
def test_every_buildpack_kind_has_a_title_and_a_fix(kind):
    err = example(kind)
    assert err.title.strip() and err.fix and all(step.strip() for step in err.fix)
    assert kind.__module__ == failures.__name__


def test_a_fix_step_takes_the_values_too():
    err = failures.OptionNeedsValue("Nothing follows -r.", location="requirements.txt:2",
                                    option="-r")
    assert err.title == "Option -r needs a value"
    assert list(err.fix) == ["Write it as `-r VALUE` or remove the line."]
    assert err.render() == (
        "ERROR: Option -r needs a value (requirements.txt:2)\n\n"
        "  Nothing follows -r.\n\n"
        "  To fix it: Write it as `-r VALUE` or remove the line.")


def test_titles_are_distinct():
    """A kind may refine another's fix under the same title; no two others share one."""
    own = [kind.TITLE for kind in kinds()
           if not any(kind.TITLE == base.TITLE for base in kind.__mro__[1:]
                      if issubclass(base, failures.BuildpackError))]
    assert len(own) == len(set(own))
    assert len(own) > 50


def _raises() -> list[tuple[str, ast.Call]]:
    by_name = {kind.__name__ for kind in kinds()}
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in by_name:
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node))
    return found


def test_every_raise_gives_the_values_its_title_and_fix_need():
    by_name = {kind.__name__: kind for kind in kinds()}
    raises = _raises()
    for where, call in raises:
        kind = by_name[call.func.id]  # type: ignore[attr-defined]
        given = {k.arg for k in call.keywords}
        assert fields(kind) <= given, f"{where} misses {fields(kind) - given}"
        assert not given - fields(kind) - {"location"}, (
            f"{where} gives values {kind.__name__} does not use (or writes its own fix)")
    unused = set(by_name) - {call.func.id for _, call in raises}  # type: ignore[attr-defined]
    assert not unused, f"kinds nothing raises: {sorted(unused)}"
