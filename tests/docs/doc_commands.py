"""Finding `seldon-build` / `seldon-s2i` command lines in our docs and checking them.

Two checks apply to every command found:
- the documented grammar (the sub-commands and flags the project promises,
  written out below as argparse parsers), always;
- the real parser of the installed CLI, when the project declares that
  console script and its module exposes `build_parser()` with the
  sub-commands we use. Until then only the documented grammar is checked.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shlex
import sys
from pathlib import Path
from typing import Callable

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("seldon-build", "seldon-s2i")
SUBCOMMANDS = {
    "seldon-build": {"build", "stacks", "inspect", "builder"},
    "seldon-s2i": {"build", "usage"},
}

# GitHub expressions such as ${{ secrets.X }} contain spaces; shell-split them as one word
_GHA_EXPR = re.compile(r"\$\{\{.*?\}\}")


class GrammarError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # raise instead of printing usage and exiting
        raise GrammarError(message)


def _key_value(text: str) -> str:
    if "=" not in text or text.startswith("="):
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return text


def _injection(text: str) -> str:
    if ":" not in text:
        raise argparse.ArgumentTypeError(f"expected DIR:/whl, got {text!r}")
    return text


def _output(values: list[str]) -> None:
    kind, rest = values[0], values[1:]
    if not (
        (kind == "engine" and not rest)
        or (kind in ("oci-layout", "oci-archive") and len(rest) == 1)
    ):
        raise GrammarError(
            f"--output takes engine | oci-layout DIR | oci-archive FILE, got {values}"
        )


def documented_grammar(tool: str) -> _Parser:
    """The command lines the project documents, as a strict parser."""
    parser = _Parser(prog=tool)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    if tool == "seldon-build":
        parser.add_argument("-q", action="store_true")
        parser.add_argument("-v", action="store_true")
        build = sub.add_parser("build")
        build.add_argument("src")
        build.add_argument("-t", required=True)
        build.add_argument("--env", action="append", type=_key_value)
        build.add_argument("--env-file")
        build.add_argument("--context-dir")
        build.add_argument("--wheels")
        build.add_argument("--binding", action="append")
        build.add_argument("--builder")
        build.add_argument("--clear-cache", action="store_true")
        build.add_argument("--output", nargs="+")
        build.add_argument("--pack", action="store_true")
        build.add_argument("-q", action="store_true")
        build.add_argument("-v", action="store_true")
        sub.add_parser("stacks")
        sub.add_parser("inspect").add_argument("image")
        builder = sub.add_parser("builder")
        builder.add_argument("--config")
        builder.add_argument("--image")
        builder.add_argument("--out")
    else:
        build = sub.add_parser("build")
        build.add_argument("src")
        build.add_argument("builder")
        build.add_argument("tag")
        build.add_argument("-e", action="append", type=_key_value)
        build.add_argument("-E")
        build.add_argument("--context-dir")
        build.add_argument("-i", action="append", type=_injection)
        build.add_argument("--incremental", action="store_true")
        build.add_argument("--ref")
        sub.add_parser("usage").add_argument("builder")
    return parser


def check_documented(tool: str, argv: list[str]) -> None:
    args = documented_grammar(tool).parse_args(argv)
    if getattr(args, "output", None):
        _output(args.output)


def _script_module(tool: str):
    """The module behind the console script `tool` in pyproject.toml, if importable."""
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get("scripts", {})
    if tool not in scripts:
        return None
    try:
        return importlib.import_module(scripts[tool].split(":")[0])
    except ImportError:
        return None


def real_parser(tool: str) -> Callable[[], argparse.ArgumentParser] | None:
    """`build_parser` of the console script `tool`, if it has every sub-command we use."""
    build_parser = getattr(_script_module(tool), "build_parser", None)
    if build_parser is None:
        return None
    choices: set[str] = set()
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            choices |= set(action.choices)
    return build_parser if SUBCOMMANDS[tool] <= choices else None


def check_real(tool: str, argv: list[str]) -> bool:
    """Check argv with the real CLI; False when there is nothing real to check with yet.

    seldon-build: its argparse parser. seldon-s2i: its pure `translate()` (a
    refused flag is an error), and then the seldon-build arguments it
    translates to, with seldon-build's parser.
    """
    if tool == "seldon-s2i":
        translate = getattr(_script_module(tool), "translate", None)
        if translate is None:
            return False
        try:
            plan = translate(argv)
        except Exception as err:  # the CLI's UserError, rendered
            render = getattr(err, "render", None)
            raise GrammarError(render() if render else str(err)) from err
        target = getattr(plan, "argv", None)
        if target is not None:
            check_real("seldon-build", list(target))
        return True
    build_parser = real_parser(tool)
    if build_parser is None:
        return False
    parser = build_parser()
    for each in [parser] + [
        sub
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for sub in action.choices.values()
    ]:
        each.exit, each.error = _raise_exit, _raise_error  # argparse would exit the test run
    parser.parse_args(argv)
    return True


def _raise_exit(status: int = 0, message: str | None = None):
    raise GrammarError(message or f"exit {status}")


def _raise_error(message: str):
    raise GrammarError(message)


def shell_commands(script: str) -> list[list[str]]:
    """Every simple command of a shell snippet, as words (continuations folded)."""
    script = _GHA_EXPR.sub("GHA_EXPRESSION", script.replace("\\\n", " "))
    commands = []
    for line in script.splitlines():
        # only the list and pipe operators separate commands; `<x>` stays a word
        lexer = shlex.shlex(line, posix=True, punctuation_chars="&|;")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        for token in lexer:
            if token and set(token) <= set("&|;"):
                commands.append(words) if words else None
                words = []
            else:
                words.append(token)
        if words:
            commands.append(words)
    return commands


def tool_invocations(script: str) -> list[tuple[str, list[str]]]:
    """(tool, argv) for each seldon-build / seldon-s2i call in a shell snippet."""
    found = []
    for words in shell_commands(script):
        for index, word in enumerate(words):
            # the tool itself, or an installed copy such as .venv/bin/seldon-build
            name = word.rsplit("/bin/", 1)[-1]
            if name in TOOLS:
                found.append((name, words[index + 1 :]))
                break
    return found


def markdown_shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```(?:sh|bash|shell|console)\n(.*?)^```", text, flags=re.S | re.M)
