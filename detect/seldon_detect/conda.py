"""Parse a conda `environment.yml`: channels, conda specs, the `pip:` section, Python."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from seldon_detect.failures import (
    CondaChannelsNotList,
    CondaDependenciesNotList,
    CondaEntriesRunTogether,
    CondaNotMapping,
    CondaNotYaml,
    CondaUnsupportedEntry,
)

ENV_FILE_NAMES = ("environment.yml", "environment.yaml")
_PYTHON_SPEC = re.compile(r"^python(?:\s*[=<>!~ ]\s*=?\s*(?P<version>[^\s=]+))?(?:[= ].*)?$")


@dataclass
class CondaEnvironment:
    path: Path
    name: str | None = None
    channels: list[str] = field(default_factory=list)
    specs: list[str] = field(default_factory=list)
    pip: list[str] = field(default_factory=list)
    python: str | None = None


def find_environment_file(app_dir: Path) -> Path | None:
    for name in ENV_FILE_NAMES:
        if (app_dir / name).is_file():
            return app_dir / name
    return None


#: `- python=3.11` followed by a deeper `   - numpy` folds into "python=3.11 - numpy"
_RUN_TOGETHER = re.compile(r"\s-\s+\S")


def _line_of(path: Path, entry: str) -> int:
    """The line of the file where a folded entry starts (0 when it cannot be found)."""
    first = entry.split(" - ")[0].strip()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().lstrip("-").strip() == first:
            return number
    return 0


def parse_environment(path: Path) -> CondaEnvironment:
    shown = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise CondaNotYaml(str(getattr(err, "problem", None) or err), location=where,
                           file=shown) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CondaNotMapping(f"The top level is a {type(data).__name__}.", location=shown,
                              file=shown)
    env = CondaEnvironment(path=path, name=data.get("name"))
    channels = data.get("channels") or []
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        raise CondaChannelsNotList(location=f"{shown}: channels")
    # `nodefaults` is an instruction to conda, not a channel
    env.channels = [c for c in channels if c != "nodefaults"]
    deps = data.get("dependencies") or []
    if not isinstance(deps, list):
        raise CondaDependenciesNotList(location=f"{shown}: dependencies")
    for dep in deps:
        if isinstance(dep, str) and _RUN_TOGETHER.search(dep):
            raise CondaEntriesRunTogether(
                f"The entry reads {dep!r}: the next line is indented deeper than this one, so "
                "YAML joined them.", location=f"{shown}:{_line_of(path, dep)}", file=shown,
                entry=dep)
        if isinstance(dep, str):
            env.specs.append(dep.strip())
            match = _PYTHON_SPEC.match(dep.strip())
            if match:
                env.python = match.group("version") or "*"
        elif isinstance(dep, dict) and set(dep) == {"pip"} and isinstance(dep["pip"], list):
            env.pip.extend(str(p) for p in dep["pip"])
        else:
            raise CondaUnsupportedEntry(f"{dep!r} is neither a conda spec nor a `pip:` list.",
                                        location=f"{shown}: dependencies")
    return env
