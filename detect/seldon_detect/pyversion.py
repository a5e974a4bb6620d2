"""Which Python the app asks for, and where it says so.

Sources, strongest first (the first one present decides, and is named in the
build log): the `BP_CPYTHON_VERSION` build variable, `.python-version`,
`runtime.txt` (`python-3.8.18` / `python-3.8`), `requires-python` in
`pyproject.toml`, and the Python of the s2i builder image named on the
`seldon-s2i` command line (`SELDON_S2I_PYTHON`, set by seldon-s2i). The first
three name a version (`3.8` or `3.8.18`); `requires-python` is a range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from seldon_detect.failures import PythonVersionUnreadable, RequiresPythonUnreadable
from seldon_detect.project import load_pyproject

VERSION_ENV = "BP_CPYTHON_VERSION"
S2I_PYTHON_ENV = "SELDON_S2I_PYTHON"
S2I_BUILDER_SOURCE = "the s2i builder name"
_RUNTIME_TXT = re.compile(r"^python-(?P<v>\d+(\.\d+){0,2})$")
_PLAIN = re.compile(r"^(?P<v>\d+(\.\d+){0,2})$")


@dataclass(frozen=True)
class PythonHint:
    #: a version prefix (`3`, `3.8`, `3.8.18`), or a PEP 440 range when `is_range`
    version: str
    source: str
    is_range: bool = False

    def matches(self, actual: str) -> bool:
        if self.is_range:
            from packaging.specifiers import SpecifierSet

            return SpecifierSet(self.version).contains(actual, prereleases=True)
        want = self.version.split(".")
        return actual.split(".")[: len(want)] == want


def _first_line(path: Path) -> str:
    text = path.read_text(encoding="utf-8").strip().splitlines()
    return text[0].strip() if text else ""


def find_python_hint(app_dir: Path) -> PythonHint | None:
    """`.python-version`, then `runtime.txt`: a version the app's files name."""
    for name, pattern in ((".python-version", _PLAIN), ("runtime.txt", _RUNTIME_TXT)):
        path = app_dir / name
        if not path.is_file():
            continue
        value = _first_line(path)
        match = pattern.match(value)
        if not match:
            example = "python-3.11" if name == "runtime.txt" else "3.11"
            raise PythonVersionUnreadable(f"Found {value!r}.", location=f"{name}:1",
                                          source=name, example=example)
        return PythonHint(match.group("v"), name)
    return None


def _requires_python(app_dir: Path) -> PythonHint | None:
    path = app_dir / "pyproject.toml"
    if not path.is_file():
        return None
    spec = ((load_pyproject(path).get("project") or {}).get("requires-python") or "").strip()
    if not spec:
        return None
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        SpecifierSet(spec)
    except InvalidSpecifier:
        raise RequiresPythonUnreadable(
            f"Found {spec!r}.", location="pyproject.toml: project.requires-python") from None
    return PythonHint(spec, "pyproject.toml requires-python", is_range=True)


def _plain_setting(value: str, source: str) -> PythonHint:
    value = value.strip()
    if not _PLAIN.match(value):
        raise PythonVersionUnreadable(f"Found {value!r}.", location=source, source=source,
                                      example="3.8")
    return PythonHint(value, source)


def find_python_request(app_dir: Path, env: Mapping[str, str]) -> PythonHint | None:
    """The strongest Python version request of the app and its build settings, or None."""
    if env.get(VERSION_ENV, "").strip():
        return _plain_setting(env[VERSION_ENV], VERSION_ENV)
    hint = find_python_hint(app_dir) or _requires_python(app_dir)
    if hint:
        return hint
    if env.get(S2I_PYTHON_ENV, "").strip():
        return _plain_setting(env[S2I_PYTHON_ENV], f"{S2I_BUILDER_SOURCE} ({S2I_PYTHON_ENV})")
    return None
