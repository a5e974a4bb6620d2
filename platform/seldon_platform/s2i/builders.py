"""Which s2i builder image names select our buildpacks.

Any name of the Seldon Core Python s2i builders (`seldonio/seldon-core-s2i-python3`,
`...-python36`, `...-python312-gpu`, any tag or digest, optionally behind a
registry host or mirror) means "build a Seldon Python model", which is exactly
what our buildpacks do. Other builders run their own assemble scripts, which we
cannot reproduce, so they are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from seldon_detect.pyversion import S2I_PYTHON_ENV

from ..errors import NotSeldonBuilder

ACCEPTED = "seldonio/seldon-core-s2i-python*[:TAG]"

_NAME = re.compile(
    r"(?:(?P<host>[^/]+)/)?"
    r"seldonio/seldon-core-s2i-python(?P<variant>[a-z0-9._-]*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?"
    r"(?:@sha256:[0-9a-f]{64})?"
)
# "3", "36", "312": the Python the builder image carried
_PYTHON = re.compile(r"3(?P<minor>\d{0,2})")


@dataclass(frozen=True)
class SeldonBuilder:
    name: str
    #: "3.6" for `...-python36`, "" when the name does not say
    python: str
    gpu: bool


def seldon_builder(name: str) -> SeldonBuilder:
    """The Seldon builder `name` designates; any other name is a `NotSeldonBuilder` error."""
    match = _NAME.fullmatch(name)
    if not match or not _is_registry_host(match["host"]):
        raise NotSeldonBuilder(
            "seldon-s2i builds Seldon Core Python models with its own buildpacks, standing in "
            f"for the builder images named {ACCEPTED} (python3, python36, python37, python38, "
            "python312, -gpu and other variants, any tag). Other builders run their own "
            "assemble scripts, which it does not run.", name=name)
    variant = match["variant"]
    version = _PYTHON.match(variant)
    python = ""
    if version and version["minor"]:
        python = f"3.{version['minor']}"
    return SeldonBuilder(name=name, python=python, gpu="gpu" in variant)


def python_options(builder: SeldonBuilder) -> list[str]:
    """seldon-build options handing the builder's Python (`...-python38` -> 3.8) to
    seldon/cpython, as its weakest version source; none for `...-python3` (the stack's)."""
    return ["--env", f"{S2I_PYTHON_ENV}={builder.python}"] if builder.python else []


def _is_registry_host(host: str | None) -> bool:
    # `docker.io/seldonio/...`, `mirror.example.com:5000/seldonio/...`, `localhost/seldonio/...`;
    # a plain path component in front would be another image namespace
    return host is None or "." in host or ":" in host or host == "localhost"
