"""The README's five-minute tour, run as written: its build, `podman run`, `curl` and
`podman stop` lines, with no CONTAINERS_CONF (as a user types them), from a directory
holding `examples/sklearn-iris` as a checkout does."""

from __future__ import annotations

import shutil
import socket
import subprocess

import pytest
from doc_commands import tool_invocations
from runnable import ROOT, Block, check_session, parse_page, run_session, tool_lines

README = ROOT / "README.md"


def tour() -> list[Block]:
    return [b for b in parse_page(README.read_text(), "README.md") if isinstance(b, Block)]


def test_the_tour_is_one_runnable_block_that_builds_runs_and_asks():
    blocks = tour()
    assert len(blocks) == 1 and blocks[0].engine
    code = blocks[0].code
    builds = [argv for _, argv in tool_invocations(tool_lines(code)) if argv[:1] == ["build"]]
    assert builds == [["build", "examples/sklearn-iris", "-t", "localhost/iris:latest"]]
    assert "podman run " in code and "/api/v1.0/predictions" in code
    check = subprocess.run(["bash", "-n"], input=code, text=True, capture_output=True)
    assert check.returncode == 0, check.stderr


def test_the_tours_s2i_line_builds_the_same_image():
    from seldon_platform.s2i.translate import translate

    lines = dict((tool, argv) for tool, argv in tool_invocations(tool_lines(README.read_text()))
                 if argv[:1] == ["build"] and "examples/sklearn-iris" in argv)
    assert list(translate(lines["seldon-s2i"]).argv) == lines["seldon-build"]


@pytest.mark.engine
@pytest.mark.slow
def test_the_tour_runs_as_written(engine, stack_images, tmp_path):
    with socket.socket() as probe:  # the tour runs in the host's network, on port 9000
        if probe.connect_ex(("127.0.0.1", 9000)) == 0:
            pytest.fail("port 9000 is taken on this machine: the tour's `podman run` needs it")
    shutil.copytree(ROOT / "examples" / "sklearn-iris", tmp_path / "examples" / "sklearn-iris")
    blocks = tour()
    try:
        result = run_session(blocks, tmp_path, timeout=600, host_network=True)
        problems = check_session(blocks, result)
        assert not problems, "\n\n".join(problems)
        assert '"ndarray"' in result.outputs[0], result.outputs[0][-2000:]
    finally:
        engine.run("rm", "-f", "iris", check=False, capture=True)
        engine.run("rmi", "-f", "localhost/iris:latest", check=False, capture=True)
