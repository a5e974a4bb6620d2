"""Parse pip requirements files the way pip reads them, with precise errors.

Nested `-r`/`-c` files are followed (their paths are kept so that layer keys
cover every file that can change what gets installed), index and find-links
options are collected, and each requirement line is checked with `packaging`.
Values are kept unexpanded: pip itself substitutes `${VAR}` at install time,
which keeps credentials out of what we store.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from seldon_detect.failures import (
    BadRequirement,
    InvalidHash,
    NestedRequirementsMissing,
    NotUtf8,
    OptionAfterRequirement,
    OptionNeedsValue,
    RemoteRequirements,
    RequirementLineUnsplittable,
    RequirementsLoop,
    UnknownRequirementsOption,
)

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://|^[a-z]+\+[a-z]+://")
_COMMENT = re.compile(r"(^|\s+)#.*$")
_LOCAL_PATH = re.compile(r"^(\.{1,2}/|/)|\.(whl|zip|tar\.gz|tgz|tar\.bz2)$")

#: options that take a value and affect where packages come from
_VALUE_OPTIONS = {
    "-i": "index_url",
    "--index-url": "index_url",
    "--extra-index-url": "extra_index_urls",
    "-f": "find_links",
    "--find-links": "find_links",
    "--trusted-host": "trusted_hosts",
}
#: options pip accepts in a file that we pass through untouched
_IGNORED_WITH_VALUE = {"--only-binary", "--no-binary", "--use-feature", "--config-settings"}
_IGNORED_FLAGS = {"--pre", "--prefer-binary", "--require-hashes"}
#: options allowed after a requirement on the same line
_PER_REQUIREMENT = ("--hash", "--config-settings", "--global-option", "--install-option")
_PER_REQUIREMENT_START = re.compile(
    r"(^|\s)--(hash|config-settings|global-option|install-option)\b")


@dataclass(frozen=True)
class RequirementLine:
    """One thing to install: a named requirement, a URL or a local path."""

    text: str
    location: str
    name: str | None = None
    editable: bool = False
    hashes: tuple[str, ...] = ()
    constraint: bool = False


@dataclass
class RequirementsSet:
    """Everything one top-level requirements file asks pip to do."""

    root: Path
    files: list[Path] = field(default_factory=list)
    requirements: list[RequirementLine] = field(default_factory=list)
    constraints: list[RequirementLine] = field(default_factory=list)
    index_url: str | None = None
    extra_index_urls: list[str] = field(default_factory=list)
    find_links: list[str] = field(default_factory=list)
    trusted_hosts: list[str] = field(default_factory=list)
    no_index: bool = False

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.requirements if r.name]

    def locate(self, spec: str) -> str:
        """Where the requirement of `spec`'s project (or of the URL `spec`) is written
        (`file:line`), or ""."""
        if "://" in spec:
            return next((line.location for line in self.requirements if spec in line.text), "")
        wanted = canonical_name(re.split(r"[\s=<>!~\[;(@]", spec.strip(), maxsplit=1)[0])
        for line in self.requirements + self.constraints:
            if line.name and canonical_name(line.name) == wanted:
                return line.location
        return ""


def canonical_name(name: str) -> str:
    """A project name as the package index compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requirements(path: Path, app_dir: Path | None = None) -> RequirementsSet:
    """Parse `path` and every file it includes; raise a `UserError` kind on the first problem."""
    base = app_dir or path.parent
    result = RequirementsSet(root=path)
    _parse_file(path, base, result, constraint=False, stack=())
    return result


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join `\\` continuations and drop comments, keeping the first line number."""
    out: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not buffer:
            start = number
        line = raw.rstrip()
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        buffer += line
        stripped = _COMMENT.sub("", buffer).strip()
        if stripped:
            out.append((start, stripped))
        buffer = ""
    if buffer.strip():
        out.append((start, _COMMENT.sub("", buffer).strip()))
    return out


def _parse_file(
    path: Path, base: Path, out: RequirementsSet, constraint: bool, stack: tuple[Path, ...]
) -> None:
    resolved = path.resolve()
    shown = _display(path, base)
    if resolved in stack:
        chain = " -> ".join(_display(p, base) for p in (*stack, resolved))
        raise RequirementsLoop(f"The chain {chain} comes back to a file already being read.",
                               location=shown)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise NotUtf8(f"Byte {err.start} cannot be decoded; pip cannot read it either.",
                      location=shown, file=shown) from None
    if resolved not in [f.resolve() for f in out.files]:
        out.files.append(path)
    for number, line in _logical_lines(text):
        where = f"{shown}:{number}"
        try:
            words = shlex.split(line, posix=True)
        except ValueError as err:
            raise RequirementLineUnsplittable(f"{err}: {line[:80]}", location=where) from None
        if line.startswith("-"):
            _parse_option(words, path, base, out, constraint, (*stack, resolved), where)
        else:
            item = _parse_requirement(line, where, constraint)
            (out.constraints if constraint else out.requirements).append(item)


def _split_option(words: list[str]) -> tuple[str, str | None, list[str]]:
    first = words[0]
    if first.startswith("--") and "=" in first:
        opt, value = first.split("=", 1)
        return opt, value, words[1:]
    if first.startswith("-") and not first.startswith("--") and len(first) > 2:
        return first[:2], first[2:], words[1:]
    if len(words) > 1:
        return first, words[1], words[2:]
    return first, None, []


def _parse_option(
    words: list[str], path: Path, base: Path, out: RequirementsSet,
    constraint: bool, stack: tuple[Path, ...], where: str,
) -> None:
    opt, value, rest = _split_option(words)
    if opt in _IGNORED_FLAGS:
        return
    if opt == "--no-index":
        out.no_index = True
        return
    needs_value = opt in ("-r", "--requirement", "-c", "--constraint", "-e", "--editable")
    if (needs_value or opt in _VALUE_OPTIONS or opt in _IGNORED_WITH_VALUE) and not value:
        raise OptionNeedsValue(f"Nothing follows {opt}.", location=where, option=opt)
    assert value is not None or not needs_value
    if opt in ("-r", "--requirement", "-c", "--constraint"):
        if _URL.match(value or ""):
            raise RemoteRequirements(
                f"{opt} {value} points to a URL; the build must not depend on fetching it.",
                location=where)
        nested = (path.parent / (value or "")).resolve() if not Path(value or "").is_absolute() \
            else Path(value or "")
        if not nested.is_file():
            raise NestedRequirementsMissing(
                f"{opt} {value} refers to {_display(nested, base)}, which does not exist.",
                location=where)
        is_constraint = constraint or opt in ("-c", "--constraint")
        _parse_file(nested, base, out, is_constraint, stack)
        return
    if opt in ("-e", "--editable"):
        item = _parse_requirement(" ".join([value or "", *rest]), where, constraint, editable=True)
        out.requirements.append(item)
        return
    if opt in _VALUE_OPTIONS:
        attr = _VALUE_OPTIONS[opt]
        if attr == "index_url":
            out.index_url = value
        else:
            getattr(out, attr).append(value)
        return
    if opt in _IGNORED_WITH_VALUE:
        return
    raise UnknownRequirementsOption("pip does not accept this option inside a requirements file.",
                                    location=where, option=opt)


def _parse_requirement(
    line: str, where: str, constraint: bool, editable: bool = False
) -> RequirementLine:
    spec, hashes = _strip_per_requirement_options(line, where)
    if _URL.match(spec) or _LOCAL_PATH.search(spec.split(";")[0].strip()) or editable:
        egg = re.search(r"#egg=([A-Za-z0-9_.\-]+)", spec)
        name = egg.group(1) if egg else None
        return RequirementLine(spec, where, name, editable, hashes, constraint)
    try:
        req = Requirement(spec)
    except InvalidRequirement as err:
        raise BadRequirement(f"{spec!r} is not a valid requirement: {err}",
                             location=where) from None
    return RequirementLine(spec, where, req.name, editable, hashes, constraint)


def _strip_per_requirement_options(line: str, where: str) -> tuple[str, tuple[str, ...]]:
    """Split `spec --hash=... --config-settings ...` into the spec and its hashes."""
    match = _PER_REQUIREMENT_START.search(line)
    if not match:
        return line.strip(), ()
    spec, words = line[: match.start()].strip(), shlex.split(line[match.start() :])
    hashes = []
    while words:
        opt, value, words = _split_option(words)
        if opt not in _PER_REQUIREMENT or not value:
            raise OptionAfterRequirement(
                "Only --hash, --config-settings, --global-option and --install-option may follow "
                "a requirement on the same line, each with a value.", location=where, option=opt)
        if opt == "--hash":
            if ":" not in value:
                raise InvalidHash(f"{value!r} has no algorithm prefix.", location=where)
            hashes.append(value)
    return spec, tuple(hashes)
