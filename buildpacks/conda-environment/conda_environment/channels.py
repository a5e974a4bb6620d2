"""Channel names to URLs, as conda resolves them (optionally with a binding's channel_alias)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from seldon_detect.cnb.bindings import Binding, bindings_of_type

DEFAULT_ALIAS = "https://conda.anaconda.org"
#: what `defaults` means for conda
DEFAULTS = ("https://repo.anaconda.com/pkgs/main", "https://repo.anaconda.com/pkgs/r")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://")


def condarc(bindings: list[Binding]) -> Path | None:
    for binding in bindings_of_type(bindings, "conda"):
        found = binding.entry(".condarc") or binding.entry("condarc")
        if found:
            return found
    return None


def channel_alias(bindings: list[Binding]) -> str:
    rc = condarc(bindings)
    if rc:
        data = yaml.safe_load(rc.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and data.get("channel_alias"):
            return str(data["channel_alias"]).rstrip("/")
    return DEFAULT_ALIAS


def resolve_channels(names: list[str], alias: str) -> list[str]:
    urls: list[str] = []
    for name in names or ["conda-forge"]:
        if name == "defaults":
            urls += DEFAULTS
        elif _URL.match(name):
            urls.append(name.rstrip("/"))
        elif name.startswith("/"):
            urls.append(Path(name).as_uri())
        else:
            urls.append(f"{alias}/{name}")
    return urls
