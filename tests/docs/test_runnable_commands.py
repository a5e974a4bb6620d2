"""The shell blocks our guide pages mark as runnable do run, and print what the pages show.

Without an engine: every page's runnable blocks except the `engine` ones, each
page in its own temporary directory. With an engine: the getting started page
whole (it builds `my-model:0.1`, the only image these tests build), then every
other page with engine blocks, reusing that image. See runnable.py for the
markers.
"""

from __future__ import annotations

import subprocess

import pytest
from doc_commands import shell_commands, tool_invocations
from runnable import (
    DOCS,
    Block,
    MarkupError,
    SessionResult,
    check_session,
    page_items,
    parse_page,
    run_session,
    runnable_pages,
    session_blocks,
    tool_lines,
)

BUILDING_PAGE = "getting-started.md"
GUIDE_PAGES = ["getting-started.md", "model-contract.md", "configuration.md", "dependencies.md",
               "deploying.md"]
PAGES = runnable_pages()
LOCAL_PAGES = [p for p in PAGES if session_blocks(p, engine=False)]
ENGINE_PAGES = [p for p in PAGES if p != BUILDING_PAGE
                and any(isinstance(b, Block) and b.engine for b in page_items(p))]


def _run(page: str, engine: bool, workdir, timeout: float) -> None:
    blocks = session_blocks(page, engine)
    result = run_session(blocks, workdir, timeout)
    problems = check_session(blocks, result)
    assert not problems, "\n\n".join(problems)


def test_the_guide_pages_have_runnable_blocks():
    assert set(GUIDE_PAGES) <= set(PAGES)
    assert any(b.engine for b in page_items(BUILDING_PAGE) if isinstance(b, Block))
    assert sum(isinstance(i, Block) and i.expect is not None
               for p in PAGES for i in page_items(p)) >= 10


def test_only_the_getting_started_page_builds_an_image():
    """One image: `seldon-build build`, then the s2i line that builds it again (from cache;
    test_the_s2i_line_of_getting_started_builds_the_same_image checks it is the same)."""
    builds = {}
    for page in PAGES:
        for item in page_items(page):
            if isinstance(item, Block):
                for tool, argv in tool_invocations(tool_lines(item.code)):
                    if argv and argv[0] == "build" and not {"-h", "--help"} & set(argv):
                        builds.setdefault(page, []).append(tool)
    assert builds == {BUILDING_PAGE: ["seldon-build", "seldon-s2i"]}, builds


def test_the_s2i_line_of_getting_started_builds_the_same_image():
    """The non-runnable `seldon-s2i build` line translates to the runnable `seldon-build` one."""
    from seldon_platform.s2i.translate import translate

    text = (DOCS / BUILDING_PAGE).read_text()
    found = dict((tool, argv) for tool, argv in tool_invocations(tool_lines(text))
                 if argv[:1] == ["build"])
    assert list(translate(found["seldon-s2i"]).argv) == found["seldon-build"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<!-- output -->\n```text\nx\n```\n", "must follow a runnable"),
        ("<!-- runnable fast -->\n```bash\ntrue\n```\n", "unknown runnable option"),
        ("<!-- runnable -->\n```python\nprint(1)\n```\n", "not ```python"),
        ("<!-- runnable -->\n\nsome text\n", "directly by a ``` fence"),
        ("<!-- runnable -->\n```bash\ntrue\n", "not closed"),
    ],
)
def test_markers_that_break_the_rules_are_errors(text, error):
    with pytest.raises(MarkupError, match=error):
        parse_page(text, "page.md")


def test_a_block_and_its_output_are_read():
    items = parse_page("<!-- runnable engine name=x -->\n```bash\necho hi\n```\n"
                       "<!-- output -->\n```text\nhi\n```\n", "p.md")
    assert items == [Block("p.md", 2, "echo hi\n", engine=True, name="x", expect="hi\n")]


def test_a_differing_output_and_a_failing_block_are_reported(tmp_path):
    blocks = [Block("p.md", 1, "echo one\n", expect="two\n"), Block("p.md", 5, "false\n")]
    first = check_session(blocks[:1], run_session(blocks[:1], tmp_path, 30))
    assert first and "differs" in first[0]
    second = check_session(blocks, run_session(blocks, tmp_path, 30))
    assert second and "p.md:5: the block failed" in second[0]
    assert check_session(blocks[:1], SessionResult(0, "", "", {0: "x two y\n"})) == []


def test_a_session_runs_without_the_contributors_podman_settings(tmp_path, monkeypatch):
    """The Makefile exports CONTAINERS_CONF; a page's `podman run` lines must not lean on it."""
    monkeypatch.setenv("CONTAINERS_CONF", "/somewhere/containers.conf")
    monkeypatch.setenv("CONTAINERS_CONF_OVERRIDE", "/somewhere/override.conf")
    block = Block("p.md", 1, 'echo "${CONTAINERS_CONF-unset} ${CONTAINERS_CONF_OVERRIDE-unset}"\n',
                  expect="unset unset\n")
    for host_network in (False, True):
        result = run_session([block], tmp_path, 30, host_network=host_network)
        assert check_session([block], result) == []


@pytest.mark.parametrize("page", LOCAL_PAGES)
def test_page_runs_without_an_engine(page, tmp_path):
    _run(page, engine=False, workdir=tmp_path, timeout=150)


def _named(page_list: list[str], option: str) -> set[str]:
    """Values of `option` (`--name`, `-t`) in the podman / seldon-build lines of pages."""
    found = set()
    for page in page_list:
        for block in session_blocks(page, engine=True):
            for words in shell_commands(block.code):
                for i, word in enumerate(words[:-1]):
                    if word == option:
                        found.add(words[i + 1])
    return found


@pytest.fixture(scope="module")
def docs_image(engine, stack_images, tmp_path_factory):
    """The getting started page, run whole: it builds the image the other pages use."""
    containers = _named([BUILDING_PAGE, *ENGINE_PAGES], "--name")
    images = _named([BUILDING_PAGE], "-t")
    try:
        _run(BUILDING_PAGE, engine=True, workdir=tmp_path_factory.mktemp("getting-started"),
             timeout=600)
        yield images
    finally:
        for name in containers:
            engine.run("rm", "-f", name, capture=True, check=False)
        for image in images:
            engine.run("rmi", "-f", image, capture=True, check=False)


@pytest.mark.engine
def test_getting_started_builds_runs_and_answers(docs_image, engine):
    assert docs_image == {"my-model:0.1"}


@pytest.mark.engine
@pytest.mark.parametrize("page", ENGINE_PAGES)
def test_page_runs_with_the_getting_started_image(page, docs_image, tmp_path):
    _run(page, engine=True, workdir=tmp_path, timeout=300)


def test_runnable_blocks_are_valid_bash():
    for page in PAGES:
        for item in page_items(page):
            if isinstance(item, Block):
                check = subprocess.run(["bash", "-n"], input=item.code, text=True,
                                       capture_output=True)
                assert check.returncode == 0, f"{item.where}: {check.stderr}"
