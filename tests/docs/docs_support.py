"""Shared facts for the docs tests: our buildpacks, the files we document, secrets."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"

#: the project's buildpacks in builder order, used while buildpacks/ is not there yet
DESIGNED_IDS = (
    "seldon/s2i-environment",
    "seldon/debian-packages",
    "seldon/conda-environment",
    "seldon/cpython",
    "seldon/python-venv",
    "seldon/pip-requirements",
    "seldon/setup-py",
    "seldon/runtime",
)
#: the stack every manifest must name
STACK_ID = "io.seldon.stacks.bookworm"


def buildpacks() -> dict[str, str]:
    """Buildpack id -> version, from buildpacks/*/buildpack.toml when present."""
    found = {}
    for descriptor in sorted((ROOT / "buildpacks").glob("*/buildpack.toml")):
        info = tomllib.loads(descriptor.read_text())["buildpack"]
        found[info["id"]] = info["version"]
    return found or {bp_id: "" for bp_id in DESIGNED_IDS}


def buildpack_dirs() -> dict[str, str]:
    """Buildpack id -> its folder name under buildpacks/ (the designed names as a fallback)."""
    found = {}
    for descriptor in sorted((ROOT / "buildpacks").glob("*/buildpack.toml")):
        found[tomllib.loads(descriptor.read_text())["buildpack"]["id"]] = descriptor.parent.name
    return found or {bp_id: bp_id.split("/", 1)[1] for bp_id in DESIGNED_IDS}


def yaml_documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


_CREDENTIAL_URL = re.compile(r"://([^/\s:@]+):([^/\s@]+)@")
_PLACEHOLDER = re.compile(r"^(<[^>]+>|\$\{?\w+\}?|\$\{\{.*\}\}|[A-Z][A-Z_-]*|\.\.\.)$")


def literal_credentials(text: str) -> list[str]:
    """user:password@ pairs in URLs that are real values rather than placeholders or variables."""
    return [
        match.group(0)
        for match in _CREDENTIAL_URL.finditer(text)
        if not (_PLACEHOLDER.match(match.group(1)) and _PLACEHOLDER.match(match.group(2)))
    ]
