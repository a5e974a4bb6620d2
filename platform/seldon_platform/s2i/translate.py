"""Turn an s2i command line into what `seldon-build` should do.

`translate(argv)` is pure: it reads no files and runs nothing. It returns a
`BuildPlan` (the `seldon-build` arguments, the info lines to print, and the
injected directories that still have to become service bindings), a `Usage`,
a `Help` or a `Version`; anything it cannot honour is a `UserError`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Sequence, Union

from seldon_platform.s2i.builders import SeldonBuilder, python_options, seldon_builder
from seldon_platform.s2i.flags import ACCEPT, HELP, REJECT, Given, Parsed, parse

from ..errors import (
    S2iBuildOperandsMissing,
    S2iBuildUidRefused,
    S2iCommandUnsupported,
    S2iEnvNotPair,
    S2iFlagRefused,
    S2iInjectionNotPair,
    S2iLogLevelNotNumber,
    S2iNetworkRefused,
    S2iNotPullPolicy,
    S2iSecondWheelFolder,
    S2iTooManyOperands,
    S2iUidRangesInvalid,
    S2iUnknownCommand,
    S2iUsageArguments,
)

#: where the Seldon builder's assemble script looks for wheels (`pip --find-links /whl`)
WHEELS_DEST = "/whl"
#: injection targets whose files are CA certificates in the usual Linux images
CA_DESTS = frozenset({
    "/etc/pki/ca-trust/source/anchors",
    "/etc/pki/ca-trust/source",
    "/etc/pki/tls/certs",
    "/etc/ssl/certs",
    "/usr/local/share/ca-certificates",
})
#: our buildpacks read pip settings from a `pip` binding; these are pip's own config dirs
_PIP_DEST = re.compile(r"(?:.*/\.pip|.*/\.config/pip|/etc/xdg/pip)")
#: `https://`, `git://`, `ssh://`, and scp-like `git@host:org/repo.git`
_REMOTE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|[\w.-]+@[\w.-]+:)")
_PULL_POLICIES = ("always", "never", "if-not-present")
#: the build phases run as the stack's user `cnb`
BUILD_UID = 1000


@dataclass(frozen=True)
class Injection:
    """An `-i SRC:DEST` that becomes a build-only service binding of `kind`.

    `kind` is "" when DEST says nothing we understand: then SRC must already be a
    binding directory (with a `type` file), which is checked when it is read."""

    source: str
    destination: str
    kind: str


@dataclass(frozen=True)
class BuildPlan:
    #: arguments for `seldon_platform.cli.main`, without the bindings made from injections
    argv: list[str]
    notes: list[str] = field(default_factory=list)
    injections: list[Injection] = field(default_factory=list)
    quiet: bool = False
    #: s2i's own image labels, passed as `--label` (kept out of `argv` for readability)
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Usage:
    builder: SeldonBuilder
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Help:
    #: "" for the overview, else a sub-command name
    topic: str = ""


@dataclass(frozen=True)
class Version:
    pass


Translation = Union[BuildPlan, Usage, Help, Version]

_UNSUPPORTED_COMMANDS = {
    "create": "it writes s2i script skeletons for a new builder image",
    "rebuild": "it re-runs a build from the s2i labels of an image",
    "generate": "it writes a Dockerfile for an s2i build",
    "completion": "it prints shell completion code for s2i",
}


def translate(argv: Sequence[str]) -> Translation:
    """What `seldon-s2i ARGV...` asks for."""
    parsed = parse(argv)
    command, *operands = parsed.positionals or [""]
    wants_help = any(g.flag.fate == HELP and g.on for g in parsed.given)
    if command == "help":
        return Help(operands[0] if operands else "")
    if wants_help or not command:
        return Help(command)
    if command == "version":
        return Version()
    if command == "usage":
        return _usage(operands, parsed)
    if command == "build":
        return _build(operands, parsed)
    if command in _UNSUPPORTED_COMMANDS:
        raise S2iCommandUnsupported(
            f"`s2i {command}` is about s2i builder images ({_UNSUPPORTED_COMMANDS[command]}); "
            "seldon-s2i only stands in for building Seldon models.", command=command)
    raise S2iUnknownCommand("seldon-s2i understands: build, usage, version, help.",
                            command=command)


def _usage(operands: list[str], parsed: Parsed) -> Usage:
    if len(operands) != 1:
        raise S2iUsageArguments(
            f"Got {len(operands)} arguments after `usage`: {' '.join(operands) or 'none'}.")
    notes = [f"{g.spelled} has no effect on usage." for g in parsed.given]
    return Usage(seldon_builder(operands[0]), notes)


def _build(operands: list[str], parsed: Parsed) -> BuildPlan:
    if len(operands) < 3:
        raise S2iBuildOperandsMissing(_missing_operands(operands))
    if len(operands) > 3:
        raise S2iTooManyOperands("build takes SRC BUILDER TAG; everything else must be a flag.",
                                 extra=" ".join(operands[3:]))
    src, builder_name, tag = operands
    builder = seldon_builder(builder_name)
    source, local = _source(src)
    notes = _builder_notes(builder)
    options: list[str] = python_options(builder)
    injections: list[Injection] = []
    verbose = quiet = copy = False
    wheels = ""
    last: dict[str, str | bool] = {}  # flags where s2i keeps only the last value
    for given in parsed.given:
        name = given.flag.name
        if given.flag.fate == REJECT:
            if given.flag.boolean and not given.on:
                continue  # `--run=false` asks for nothing
            raise _rejected(given)
        if given.flag.fate == ACCEPT:
            if name.endswith("pull-policy"):
                _check_pull_policy(given)
            if not given.flag.boolean or given.on:
                notes.append(f"{given.spelled}: {given.flag.why}")
        elif name == "env":
            options += ["--env", _env_pair(given)]
        elif name == "inject":
            folder, injection = _injection(given)
            if injection:
                injections.append(injection)
            elif wheels:
                raise _second_wheel_folder(given)
            else:
                wheels = folder
        elif name in ("environment-file", "context-dir", "ref", "application-name",
                      "description"):
            last[name] = given.value
        elif name == "incremental":
            last[name] = given.on
        elif name == "quiet":
            quiet = given.on
        elif name == "loglevel":
            verbose = _loglevel(given) >= 2
        elif name == "copy":
            copy = given.on
        elif name == "allowed-uids":
            _check_allowed_uids(given)
        elif name == "network":
            notes.append(_network_note(given))
    if wheels:
        options += ["--wheels", wheels]
    for name, option in (("environment-file", "--env-file"), ("context-dir", "--context-dir"),
                         ("ref", "--ref")):
        if name in last:
            options += [option, str(last[name])]
    notes.append(_cache_note(last.get("incremental")))
    if last.get("incremental") is False:
        options.append("--clear-cache")
    if local:
        notes.append(_local_source_note(copy))
    prefix = ["-q"] if quiet else ["-v"] if verbose else []
    argv = [*prefix, "build", source, "-t", tag, *options]
    return BuildPlan(argv=argv, notes=_unique(notes), injections=injections, quiet=quiet,
                     labels=_s2i_labels(tag, builder_name, last))


def _s2i_labels(tag: str, builder_name: str, last: dict[str, str | bool]) -> dict[str, str]:
    """The labels s2i puts on every image it builds (OpenShift shows them)."""
    labels = {
        "io.k8s.display-name": str(last.get("application-name") or tag),
        "io.openshift.s2i.build.image": builder_name,
    }
    if last.get("description"):
        labels["io.k8s.description"] = str(last["description"])
    return labels


def _missing_operands(operands: list[str]) -> str:
    if len(operands) == 2:
        return (
            "No image name (TAG) was given. s2i would leave an untagged image behind; "
            "seldon-s2i needs a name to give the result."
        )
    return f"Got {len(operands)} of the 3 arguments SRC BUILDER TAG."


def _source(src: str) -> tuple[str, bool]:
    """The source for seldon-build and whether it is on this machine."""
    if src.startswith("file://"):
        return src[len("file://"):] or "/", True
    return src, not _REMOTE.match(src)


def _builder_notes(builder: SeldonBuilder) -> list[str]:
    notes = [f"builder {builder.name}: building with the Seldon model buildpacks instead"]
    if builder.python:
        notes.append(
            f"that builder carried Python {builder.python}: seldon/cpython provides it unless "
            "the app asks for another (.python-version, runtime.txt, requires-python)"
        )
    if builder.gpu:
        notes.append(
            "the run image has no CUDA libraries; GPU packages that ship their own "
            "(e.g. torch wheels from PyPI) still work"
        )
    return notes


def _rejected(given: Given) -> S2iFlagRefused:
    return S2iFlagRefused(f"In s2i, {given.spelled} means: {given.flag.does}. {given.flag.why}",
                          fix=[given.flag.fix], flag=given.spelled)


def _env_pair(given: Given) -> str:
    name, eq, value = given.value.partition("=")
    if not eq or not name.strip():
        raise S2iEnvNotPair("Each environment flag sets one variable, written NAME=VALUE.",
                            flag=given.spelled, value=given.value)
    # s2i trims both sides of the pair
    return f"{name.strip()}={value.strip()}"


def _injection(given: Given) -> tuple[str, Injection | None]:
    """(`--wheels` directory, "") for `DIR:/whl`, else ("", the binding to make)."""
    source, colon, dest = given.value.rpartition(":")
    source, dest = source.strip("\"'"), dest.strip("\"'")
    if not colon or not source or not dest.startswith("/"):
        raise S2iInjectionNotPair(
            "An injection names a local directory and the absolute path it would have "
            "in the build container.", flag=given.spelled, value=given.value)
    dest = posixpath.normpath(dest)
    if dest == WHEELS_DEST:
        return source, None
    if dest in CA_DESTS:
        return "", Injection(source, dest, "ca-certificates")
    if _PIP_DEST.fullmatch(dest):
        return "", Injection(source, dest, "pip")
    return "", Injection(source, dest, "")


def _second_wheel_folder(given: Given) -> S2iSecondWheelFolder:
    return S2iSecondWheelFolder(
        f"{given.spelled} {given.value} is the second folder for {WHEELS_DEST}; a build takes "
        "one wheel folder.", dest=WHEELS_DEST)


def _check_pull_policy(given: Given) -> None:
    if given.value not in _PULL_POLICIES:
        raise S2iNotPullPolicy(f"s2i accepts {', '.join(_PULL_POLICIES)}.",
                               flag=given.spelled, value=given.value)


def _loglevel(given: Given) -> int:
    try:
        return int(given.value)
    except ValueError:
        raise S2iLogLevelNotNumber("The log level is a number from 0 (least) to 5 (most).",
                                   flag=given.spelled, value=given.value) from None


def _check_allowed_uids(given: Given) -> None:
    """s2i checks the builder's user against the ranges; ours is always `BUILD_UID`."""
    for part in given.value.split(","):
        low, dash, high = part.strip().partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise S2iUidRangesInvalid(
                "Each range is N, N- (N and above) or N-M, separated by commas.",
                flag=given.spelled, value=given.value)
        top = int(high) if high else (int(low) if not dash else None)
        if int(low) <= BUILD_UID and (top is None or BUILD_UID <= top):
            return
    raise S2iBuildUidRefused(
        f"Every build phase runs as the stack user cnb, uid {BUILD_UID}, and so does the image.",
        uid=BUILD_UID, flag=given.spelled, ranges=given.value)


def _network_note(given: Given) -> str:
    if given.value != "host":
        raise S2iNetworkRefused(
            "Build containers always use the host's network, so that pip reaches the same "
            "package indexes and proxies as this machine.", flag=given.spelled, value=given.value)
    return f"{given.spelled}: build containers already use the host's network."


def _cache_note(incremental: bool | None) -> str:
    if incremental is False:
        return (
            "--incremental=false: clearing the build cache, so every layer is built afresh "
            "(--clear-cache)"
        )
    # s2i's default is a clean build; our layers are keyed on all their inputs (see docs/s2i.md)
    return (
        "cached layers are reused only when every input they were built from is unchanged; "
        "pass --incremental=false for a clean build"
    )


def _local_source_note(copy: bool) -> str:
    if copy:
        return "--copy: the local files are built as they are on disk."
    return (
        "the local files are built as they are on disk, uncommitted changes included "
        "(for a git repository, s2i without --copy would build only its last commit; "
        "add --ref HEAD for that)"
    )


def _unique(notes: list[str]) -> list[str]:
    return list(dict.fromkeys(notes))
