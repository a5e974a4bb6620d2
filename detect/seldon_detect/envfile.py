"""Parse shell-style `KEY=VALUE` files such as `.s2i/environment`.

s2i reads these files itself, without a shell; users nevertheless write them
like shell snippets, so the parser accepts `export`, single and double quotes,
comments and blank lines, and reports anything else with its line number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from seldon_detect.failures import EnvLineUnreadable, NotUtf8, TextAfterQuote, UnterminatedQuote

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class EnvEntry:
    key: str
    value: str
    line: int


def parse_env_file(path: Path, display: str | None = None) -> list[EnvEntry]:
    """Entries of `path` in file order; a later duplicate key wins when turned into a dict."""
    name = display or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise NotUtf8(f"Byte {err.start} cannot be decoded.", location=name,
                      file=name) from None
    return parse_env_text(text, name)


def parse_env_text(text: str, name: str) -> list[EnvEntry]:
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", "//")):  # s2i takes `//` lines as comments too
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, rest = line.partition("=")
        key = key.strip()
        where = f"{name}:{number}"
        if not sep or not _KEY.match(key):
            raise EnvLineUnreadable(f"Expected KEY=VALUE, found: {raw.strip()[:80]}",
                                    location=where, line=number, file=name)
        entries.append(EnvEntry(key, _unquote(rest.strip(), where), number))
    return entries


def _unquote(value: str, where: str) -> str:
    if value[:1] in ("'", '"'):
        quote = value[0]
        end = value.find(quote, 1)
        if end < 0:
            raise UnterminatedQuote(f"The value starts with {quote} but has no closing {quote}.",
                                    location=where, quote=quote)
        trailing = value[end + 1 :].strip()
        if trailing and not trailing.startswith("#"):
            raise TextAfterQuote(f"Found {trailing[:40]!r} after the closing quote.",
                                 location=where)
        inner = value[1:end]
        return inner.replace('\\"', '"') if quote == '"' else inner
    # unquoted: a ` #` starts a comment, as in a shell
    hash_at = value.find(" #")
    return (value[:hash_at] if hash_at >= 0 else value).strip()


def env_dict(entries: list[EnvEntry]) -> dict[str, str]:
    return {e.key: e.value for e in entries}


def remove_keys(path: Path, keys: set[str]) -> list[str]:
    """Drop the lines that set any of `keys` from `path`, keeping every other line as it was.

    Returns the removed keys (in file order); the file is left untouched when there are none.
    """
    text = path.read_text(encoding="utf-8")
    doomed = {e.line: e.key for e in parse_env_text(text, path.name) if e.key in keys}
    if not doomed:
        return []
    kept = [line for n, line in enumerate(text.splitlines(keepends=True), 1) if n not in doomed]
    path.write_text("".join(kept), encoding="utf-8")
    return list(doomed.values())
