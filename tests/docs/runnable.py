"""Runnable shell blocks in our Markdown pages, and running a page's blocks as one session.

Markers (HTML comments, invisible on GitHub), each on the line before a fence:

- `<!-- runnable -->` before a ```bash block: the block is run by the tests.
  Options after the word: `engine` (needs podman and the image the getting
  started page builds), `name=NAME` (other pages may run it as set-up).
- `<!-- output -->` before the fenced block that follows a runnable block: that
  text must appear in what the runnable block printed on stdout.
- `<!-- setup: PAGE#NAME -->` anywhere: run the block NAME of PAGE at this point
  (used to recreate a model folder another page made, without repeating it).

A page's selected blocks run in order in one bash process (`set -euo pipefail`),
so `cd`, variables and background jobs carry from one block to the next, in a
fresh temporary directory. Where possible the session gets its own network
namespace, so the ports the docs use (9000, 5000, 6000) never collide with
anything else on the machine; commands then reach only 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
VENV_BIN = Path(sys.executable).parent

_MARKER = re.compile(r"^<!--\s*(runnable|output|setup:)\s*(.*?)\s*-->\s*$")
_FENCE = re.compile(r"^```(\S*)\s*$")
_START = "@@doc-block-start {}@@"
_END = "@@doc-block-end {}@@"


class MarkupError(Exception):
    """A marker that does not fit the rules above."""


@dataclass
class Block:
    page: str
    line: int
    code: str
    engine: bool = False
    name: str | None = None
    expect: str | None = None

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


@dataclass
class Setup:
    page: str
    line: int
    ref: str


def _fenced(lines: list[str], start: int, where: str) -> tuple[str, str, int]:
    """(info string, body, index after the closing fence) of the fence at `start`."""
    match = _FENCE.match(lines[start]) if start < len(lines) else None
    if not match:
        raise MarkupError(f"{where}: a marker must be followed directly by a ``` fence")
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() == "```":
            return match.group(1), "\n".join(lines[start + 1 : end]) + "\n", end + 1
    raise MarkupError(f"{where}: the fence is not closed")


def parse_page(text: str, page: str) -> list[Block | Setup]:
    lines = text.splitlines()
    items: list[Block | Setup] = []
    last: Block | None = None  # the runnable block an `output` marker may follow
    i = 0
    while i < len(lines):
        marker = _MARKER.match(lines[i].strip())
        if not marker:
            if _FENCE.match(lines[i]):  # skip plain fences whole
                _, _, i = _fenced(lines, i, f"{page}:{i + 1}")
                last = None
                continue
            i += 1
            continue
        kind, options, where = marker.group(1), marker.group(2), f"{page}:{i + 1}"
        if kind == "setup:":
            items.append(Setup(page, i + 1, options))
            i += 1
            continue
        info, body, after = _fenced(lines, i + 1, where)
        if kind == "output":
            if last is None:
                raise MarkupError(f"{where}: an output block must follow a runnable block")
            last.expect = body
            last = None
        else:
            if info not in ("bash", "sh"):
                raise MarkupError(f"{where}: runnable blocks are ```bash, not ```{info}")
            block = Block(page, i + 2, body)
            for option in options.split():
                if option == "engine":
                    block.engine = True
                elif option.startswith("name="):
                    block.name = option.removeprefix("name=")
                else:
                    raise MarkupError(f"{where}: unknown runnable option {option!r}")
            items.append(block)
            last = block
        i = after
    return items


def page_items(page: str) -> list[Block | Setup]:
    return parse_page((DOCS / page).read_text(), page)


def runnable_pages() -> list[str]:
    return sorted(
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*.md")
        if any(isinstance(i, Block) for i in page_items(p.relative_to(DOCS).as_posix()))
    )


def named_block(ref: str) -> Block:
    page, _, name = ref.partition("#")
    found = [i for i in page_items(page) if isinstance(i, Block) and i.name == name]
    if len(found) != 1:
        raise MarkupError(f"setup {ref!r}: {len(found)} blocks named {name!r} in {page}")
    return found[0]


def session_blocks(page: str, engine: bool) -> list[Block]:
    """The blocks a session of `page` runs: set-ups resolved, engine blocks only if asked."""
    out = []
    for item in page_items(page):
        block = named_block(item.ref) if isinstance(item, Setup) else item
        if block.engine and not engine:
            continue
        if isinstance(item, Setup):  # a set-up's output is not this page's to check
            block = Block(block.page, block.line, block.code, block.engine, block.name)
        out.append(block)
    return out


def script(blocks: list[Block]) -> str:
    parts = ["set -euo pipefail"]
    for n, block in enumerate(blocks):
        parts += [f"echo '{_START.format(n)}'", block.code.rstrip("\n"), f"echo '{_END.format(n)}'"]
    return "\n".join(parts) + "\n"


@dataclass
class SessionResult:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[int, str]

    def failed_block(self) -> int | None:
        """Index of the block that was running when the session stopped, if it failed."""
        if self.returncode == 0:
            return None
        started = [int(n) for n in re.findall(r"@@doc-block-start (\d+)@@", self.stdout)]
        return started[-1] if started else 0


def _isolated() -> list[str]:
    """A command prefix giving the session its own network namespace, when we may."""
    if os.geteuid() == 0 and shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "--net", "true"], capture_output=True)
        if probe.returncode == 0:
            return ["unshare", "--net", "sh", "-c", 'ip link set lo up && exec bash "$0"']
    return ["bash"]


#: podman settings a user does not have: the Makefile exports CONTAINERS_CONF for
#: contributors, and the pages' commands must work as typed without it
NOT_A_USERS = ("CONTAINERS_CONF", "CONTAINERS_CONF_OVERRIDE")


def session_env(workdir: Path) -> dict[str, str]:
    """The environment a page's commands run in: the user's, as after installing the tools."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_A_USERS}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    # the build cache of the docs' image lives and dies with the test session
    env["SELDON_BUILD_CACHE"] = str(workdir / ".seldon-build-cache")
    return env


def run_session(blocks: list[Block], workdir: Path, timeout: float,
                host_network: bool = False) -> SessionResult:
    """Run the blocks as a user types them (no CONTAINERS_CONF: whatever the host needs
    is on the page); `host_network`: in the host's network rather than a namespace of
    their own (the build downloads packages; the ports must be free)."""
    path = workdir / ".doc-session.sh"
    path.write_text(script(blocks))
    proc = subprocess.Popen(
        [*(["bash"] if host_network else _isolated()), str(path)], cwd=workdir,
        env=session_env(workdir), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        stderr += f"\n(session killed after {timeout:.0f} s)"
    finally:
        _end_group(proc.pid)
    outputs = {
        int(n): text
        for n, text in re.findall(r"@@doc-block-start (\d+)@@\n(.*?)@@doc-block-end \1@@",
                                  stdout, flags=re.S)
    }
    return SessionResult(proc.returncode, stdout, stderr, outputs)


def _end_group(pgid: int) -> None:
    """Stop what the session left running in the background (servers it started)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        if sig == signal.SIGTERM:
            import time

            time.sleep(1)


def tool_lines(text: str) -> str:
    """The lines of a shell text that call our CLIs (continuations folded), for the
    grammar checks: the rest (heredocs, multi-line quotes) need not split as words."""
    lines = text.replace("\\\n", " ").splitlines()
    return "\n".join(line for line in lines if re.search(r"\bseldon-(build|s2i)\b", line))


def normalised(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def check_session(blocks: list[Block], result: SessionResult) -> list[str]:
    """Problems: the failing block with its output, and outputs that differ from the page."""
    problems = []
    failed = result.failed_block()
    if failed is not None:
        block = blocks[failed]
        problems.append(
            f"{block.where}: the block failed (exit {result.returncode})\n--- block\n"
            f"{block.code}--- stdout\n{result.outputs.get(failed, result.stdout)[-3000:]}\n"
            f"--- stderr\n{result.stderr[-3000:]}"
        )
        return problems
    for n, block in enumerate(blocks):
        if block.expect is None:
            continue
        got = normalised(result.outputs.get(n, ""))
        if normalised(block.expect) not in got:
            problems.append(
                f"{block.where}: the output differs from the page\n--- page\n"
                f"{normalised(block.expect)}\n--- actual\n{got[-3000:]}"
            )
    return problems
