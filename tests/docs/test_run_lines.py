"""Every `podman run` / `docker run` line our pages show carries the `--ulimit` flags of the
README tour, so that it works as typed on hosts whose hard limits are below podman's
defaults (like our CI): there the runnable blocks run such lines without CONTAINERS_CONF,
and this check also covers the lines no test runs (examples' READMEs, platform.md)."""

from __future__ import annotations

import re

import pytest
from doc_commands import markdown_shell_blocks, shell_commands
from docs_support import ROOT

PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md"),
                *(ROOT / "examples").rglob("README.md")])
ENGINES = ("podman", "docker")


def run_lines(text: str) -> list[list[str]]:
    """The `podman run` / `docker run` commands of a page's shell blocks, as words (only
    the lines naming one are split: heredocs elsewhere in a block need not split)."""
    lines = [line for block in markdown_shell_blocks(text)
             for line in block.replace("\\\n", " ").splitlines()
             if re.search(rf"\b({'|'.join(ENGINES)}) run\b", line)]
    return [words for words in shell_commands("\n".join(lines))
            if len(words) > 1 and words[0] in ENGINES and words[1] == "run"]


def ulimits(words: list[str]) -> dict[str, str]:
    """name -> value of the `--ulimit` flags of one command."""
    values = [words[i + 1] for i, w in enumerate(words[:-1]) if w == "--ulimit"]
    values += [w.removeprefix("--ulimit=") for w in words if w.startswith("--ulimit=")]
    return dict(v.split("=", 1) for v in values)


def _lines() -> list[tuple[str, list[str]]]:
    return [(page.relative_to(ROOT).as_posix(), words)
            for page in PAGES for words in run_lines(page.read_text())]


LINES = _lines()
(_, TOUR), = [(p, w) for p, w in LINES if p == "README.md"]
FLAGS = ulimits(TOUR)


def test_the_tours_flags_are_the_limits_podman_needs_within_this_hosts():
    from seldon_platform.podman_host import ulimit_values

    assert set(FLAGS) == {"nofile", "nproc"}  # the two podman raises beyond tight hosts'
    allowed = ulimit_values()
    for name, value in FLAGS.items():
        soft, _, hard = value.partition(":")
        assert int(soft) <= int(hard or soft) <= allowed[name], (name, value, allowed)


def test_the_pages_show_run_lines():
    pages = {page for page, _ in LINES}
    assert {"docs/getting-started.md", "docs/configuration.md", "docs/deploying.md",
            "docs/platform.md", "examples/sklearn-iris/README.md"} <= pages
    assert len(LINES) >= 20


@pytest.mark.parametrize(("page", "words"), LINES,
                         ids=[f"{p}:{' '.join(w[2:])[:60]}" for p, w in LINES])
def test_every_run_line_has_the_tours_ulimit_flags(page, words):
    assert ulimits(words) == FLAGS, (
        f"{page}: `{' '.join(words)}` fails on hosts with tight limits; add "
        + " ".join(f"--ulimit {n}={v}" for n, v in FLAGS.items()))


def test_a_bare_run_line_is_found_and_lacks_the_flags():
    page = ("text\n```sh\npodman run --rm -p 9000:9000 img:1 && \\\n  curl x\n```\n"
            "```bash\ndocker run --ulimit=nofile=8:8 img\n```\n`podman run inline`\n")
    found = run_lines(page)
    assert [w[:3] for w in found] == [["podman", "run", "--rm"],
                                      ["docker", "run", "--ulimit=nofile=8:8"]]
    assert [ulimits(w) for w in found] == [{}, {"nofile": "8:8"}]


def _printed_by_the_tools() -> list[tuple[str, str]]:
    from seldon_platform.s2i.flags import FLAGS as S2I_FLAGS
    from seldon_platform.s2i.texts import USAGE

    return [("seldon-s2i usage", USAGE),
            *((f"seldon-s2i --{f.name} fix", f.fix) for f in S2I_FLAGS if "podman run" in f.fix)]


@pytest.mark.parametrize(("where", "text"), _printed_by_the_tools(),
                         ids=[w for w, _ in _printed_by_the_tools()])
def test_the_run_lines_our_tools_print_have_them_too(where, text):
    folded = text.replace("\\\n", " ")
    lines = [line[line.index("podman run"):] for line in folded.splitlines()
             if "podman run" in line]
    assert lines, where
    for words in shell_commands("\n".join(lines)):
        assert ulimits(words) == FLAGS, f"{where}: {' '.join(words)}"
