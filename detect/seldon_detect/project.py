"""Recognise an installable project: `setup.py` or a `pyproject.toml` with a build system."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from seldon_detect import tomlfile
from seldon_detect.failures import NotToml


@dataclass(frozen=True)
class Project:
    #: the files that define the project, for layer keys
    files: tuple[Path, ...]
    #: "setup.py", "pyproject" (PEP 517 build system) or "pyproject+setup.py"
    kind: str
    name: str | None = None
    build_backend: str | None = None


def find_project(app_dir: Path) -> Project | None:
    setup_py = app_dir / "setup.py"
    pyproject = app_dir / "pyproject.toml"
    data = load_pyproject(pyproject) if pyproject.is_file() else None
    has_build = bool(data and ("build-system" in data or "project" in data))
    if setup_py.is_file():
        files = (setup_py,) + ((pyproject,) if data is not None else ())
        setup_cfg = app_dir / "setup.cfg"
        files += (setup_cfg,) if setup_cfg.is_file() else ()
        return Project(files, "pyproject+setup.py" if has_build else "setup.py",
                       _project_name(data), _backend(data))
    if has_build:
        return Project((pyproject,), "pyproject", _project_name(data), _backend(data))
    return None


def load_pyproject(path: Path) -> dict:
    try:
        return tomlfile.load_path(path)
    except tomlfile.TOMLDecodeError as err:
        raise NotToml(str(err), location="pyproject.toml", file="pyproject.toml") from None


def _project_name(data: dict | None) -> str | None:
    return ((data or {}).get("project") or {}).get("name")


def _backend(data: dict | None) -> str | None:
    return ((data or {}).get("build-system") or {}).get("build-backend")
