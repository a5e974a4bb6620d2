"""Every `seldon-s2i` command in docs/s2i.md's runnable `sh` blocks translates as documented."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from seldon_platform.s2i.translate import BuildPlan, Help, Usage, translate

DOC = Path(__file__).resolve().parents[2] / "docs" / "s2i.md"


def _commands() -> list[list[str]]:
    blocks = re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [shlex.split(line) for block in blocks for line in block.splitlines()
            if line.startswith("seldon-s2i ")]


def test_doc_examples_translate():
    commands = _commands()
    assert len(commands) >= 6
    for words in commands:
        plan = translate(words[1:])
        assert isinstance(plan, (BuildPlan, Usage, Help)), words


def test_doc_lists_every_flag():
    from seldon_platform.s2i.flags import FLAGS

    text = DOC.read_text(encoding="utf-8")
    missing = [f.name for f in FLAGS if f.name != "help" and f"--{f.name}" not in text]
    assert missing == []
