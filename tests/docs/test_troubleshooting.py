"""docs/troubleshooting.md documents every error title the code can print, read from the
failure kinds (and no title it cannot print)."""

from __future__ import annotations

import ast
import gc

import pytest
from docs_support import ROOT
from error_titles import KIND_MODULES, Title, documented_titles, kind_titles, module_file

PAGE = ROOT / "docs" / "troubleshooting.md"
TITLES = kind_titles()
#: where the code that raises errors lives, and the bases no raise should name itself
SOURCES = ("detect/seldon_detect", "buildpacks", "platform/seldon_platform",
           "runtime/seldon_runtime")
BASES = {"UserError", "ErrorKind", "BuildpackError", "PlatformError", "StartupError"}
DOCUMENTED = documented_titles(PAGE.read_text())


def test_the_titles_of_every_side_are_read():
    files = {t.where.split(":")[0] for t in TITLES}
    for module in KIND_MODULES:
        assert module_file(module) in files, f"{module} defines no kinds"
    assert {f.split("/")[0] for f in files} >= {"detect", "platform", "runtime"}
    assert len(TITLES) > 100


@pytest.mark.parametrize("title", TITLES, ids=[t.where for t in TITLES])
def test_every_error_title_is_in_troubleshooting(title):
    assert any(title.matches(d) for d in DOCUMENTED), (
        f"{title.where} prints an error whose title matches /{title.pattern}/; add a "
        "`### `<title>`` entry with its fix to docs/troubleshooting.md"
    )


def test_troubleshooting_documents_no_title_the_code_cannot_print():
    stale = [d for d in DOCUMENTED if not any(t.matches(d) for t in TITLES)]
    assert not stale, f"titles in docs/troubleshooting.md that no code prints: {stale}"


def test_every_title_comes_from_a_kind():
    # a bare UserError("title", ...) would print a title this page's test cannot see
    bare = []
    for path in sorted(p for base in SOURCES for p in (ROOT / base).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in BASES:
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bare, f"raise a failure kind instead of its base: {bare}"


def test_a_kind_a_test_defines_is_not_a_title_of_the_code():
    from seldon_detect.errors import ErrorKind

    stray = ErrorKind.define("StrayKind", "A title only this test prints")
    try:
        assert not any(t.matches(stray.TITLE) for t in kind_titles())
    finally:
        del stray
        gc.collect()  # drop it from ErrorKind.__subclasses__() for the tests that follow


def test_the_title_patterns_match_only_their_titles():
    title = Title(r"Unknown\ SERVICE_TYPE\ .+?", "x")
    assert title.matches("Unknown SERVICE_TYPE 'MODLE'")
    assert not title.matches("Unknown SERVICE_TYPE")
    assert documented_titles("### `` `a` b ``\n### `c` and `d`\n## `e`\n") == ["`a` b", "c", "d"]


def test_other_runtime_messages_are_still_printed_and_documented():
    """Start-up messages that are not start-up kinds: still in the code, still on the page."""
    page = " ".join(PAGE.read_text().split())
    settings = (ROOT / "runtime" / "seldon_runtime" / "settings.py").read_text()
    for text in ("the model class is missing: give it as the first argument or set MODEL_NAME",
                 "Note since 1.5.0 this CLI does not take"):
        assert text in settings
        assert text in page
