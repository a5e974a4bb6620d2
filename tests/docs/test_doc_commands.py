"""Every seldon-build / seldon-s2i command line in the docs we own uses only the
documented sub-commands and flags, and parses with the real CLI where it exists."""

from __future__ import annotations

import pytest
import yaml
from doc_commands import (
    GrammarError,
    check_documented,
    check_real,
    markdown_shell_blocks,
    tool_invocations,
)
from docs_support import ROOT

MARKDOWN = sorted(
    [
        ROOT / "docs" / "README.md",
        ROOT / "docs" / "migrating-from-s2i.md",
        *(ROOT / "docs" / "ci").glob("*.md"),
        *(ROOT / "docs" / "kpack").glob("*.md"),
        ROOT / "examples" / "README.md",
        *(ROOT / "examples").glob("*/README.md"),
    ]
)
PIPELINES = sorted((ROOT / "docs" / "ci").glob("*.yml"))


SCRIPT_KEYS = {"run", "script", "before_script", "after_script"}


def _scripts(node, in_script: bool = False) -> list[str]:
    """Shell text of a pipeline: GitHub `run` steps and GitLab script lists."""
    if isinstance(node, str):
        return [node] if in_script else []
    if isinstance(node, dict):
        return [s for key, value in node.items() for s in _scripts(value, key in SCRIPT_KEYS)]
    if isinstance(node, list):
        return [s for item in node for s in _scripts(item, in_script)]
    return []


def invocations() -> list[tuple[str, str, list[str]]]:
    found = []
    for path in MARKDOWN:
        for block in markdown_shell_blocks(path.read_text()):
            found += [
                (path.relative_to(ROOT).as_posix(), tool, argv)
                for tool, argv in tool_invocations(block)
            ]
    for path in PIPELINES:
        for text in _scripts(yaml.safe_load(path.read_text())):
            found += [
                (path.relative_to(ROOT).as_posix(), tool, argv)
                for tool, argv in tool_invocations(text)
            ]
    return found


ALL = invocations()


def test_the_docs_do_use_both_tools():
    tools = {tool for _, tool, _ in ALL}
    assert tools == {"seldon-build", "seldon-s2i"}
    assert len(ALL) > 30


@pytest.mark.parametrize(
    ("where", "tool", "argv"), ALL, ids=[f"{w}:{t} {' '.join(a)[:40]}" for w, t, a in ALL]
)
def test_command_uses_only_documented_flags(where, tool, argv):
    check_documented(tool, argv)


@pytest.mark.parametrize(
    ("where", "tool", "argv"), ALL, ids=[f"{w}:{t} {' '.join(a)[:40]}" for w, t, a in ALL]
)
def test_command_parses_with_the_real_cli(where, tool, argv):
    if not check_real(tool, argv):
        pytest.skip(f"{tool}: the installed CLI does not have these sub-commands yet")


@pytest.mark.parametrize(
    ("tool", "line"),
    [
        ("seldon-build", "build . -t img --push"),
        ("seldon-build", "build . --env NOEQUALS -t img"),
        ("seldon-build", "build . -t img --output oci-layout"),
        ("seldon-build", "deploy img"),
        ("seldon-s2i", "build . seldonio/seldon-core-s2i-python3:1.19.0"),
        ("seldon-s2i", "build -i wheels . seldonio/seldon-core-s2i-python3:1.19.0 img"),
        ("seldon-s2i", "build --scripts-url=x . b img"),
    ],
)
def test_the_grammar_rejects_what_is_not_documented(tool, line):
    with pytest.raises(GrammarError):
        check_documented(tool, line.split())


def test_extraction_folds_continuations_and_github_expressions():
    script = 'seldon-build build . \\\n  -t "$IMAGE:${{ github.sha }}" --binding x && echo done'
    assert tool_invocations(script) == [
        ("seldon-build", ["build", ".", "-t", "$IMAGE:GHA_EXPRESSION", "--binding", "x"])
    ]
