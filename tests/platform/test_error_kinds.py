"""The platform's failure kinds: each title is documented once and every raise fills it in."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import seldon_platform
from seldon_platform.errors import kinds

PACKAGE = Path(seldon_platform.__file__).parent


def fields(*templates: str) -> set[str]:
    return {name for text in templates for _, name, _, _ in string.Formatter().parse(text)
            if name}


def test_every_kind_renders_its_title_and_fix_from_its_values():
    for kind in kinds():
        values = {name: f"<{name}>" for name in fields(kind.TITLE, *kind.FIX)}
        err = kind("why", **values)
        assert err.render().splitlines()[0] == f"ERROR: {err.title}"
        assert list(err.fix) == [step.format(**values) for step in kind.FIX]


def test_titles_are_distinct():
    titles = [kind.TITLE for kind in kinds()]
    assert len(titles) == len(set(titles))


def test_every_raise_gives_the_values_its_title_needs():
    by_name = {kind.__name__: kind for kind in kinds()}
    used = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name):
                used.add(node.id)
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in by_name):
                continue
            given = {k.arg for k in node.keywords}
            kind = by_name[node.func.id]
            # a raise that gives its own fix steps needs only the title's values
            wanted = fields(kind.TITLE) | (set() if "fix" in given else fields(*kind.FIX))
            assert wanted <= given, f"{path.name}:{node.lineno} misses {wanted - given}"
            assert not given - wanted - {"fix", "location"}, (
                f"{path.name}:{node.lineno} gives values its title and fix do not use")
    assert set(by_name) <= used, f"kinds nothing raises: {sorted(set(by_name) - used)}"


def test_an_unknown_default_process_names_the_known_ones():
    from seldon_platform.errors import ProcessTypeNotFound
    from seldon_platform.exporter.image import entrypoint

    metadata = {"processes": [{"type": "web"}, {"type": "rest"}]}
    assert entrypoint(metadata, "rest") == ["/cnb/process/rest"]
    with pytest.raises(ProcessTypeNotFound) as err:
        entrypoint(metadata, "http")
    assert err.value.title == "Process type 'http' not found"
    assert "rest, web" in err.value.cause and err.value.location == "--default-process"
