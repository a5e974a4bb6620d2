"""`project.toml` (project descriptor 0.2, and the legacy 0.1 keys pack still reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seldon_detect import tomlfile

from .errors import ProjectBuildpackWithoutId, ProjectIncludeAndExclude, ProjectNotToml
from .lifecycle.descriptor import GroupEntry


@dataclass
class Project:
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    build_env: dict[str, str] = field(default_factory=dict)
    #: replaces the builder's order when not empty
    group: list[GroupEntry] = field(default_factory=list)
    pre: list[GroupEntry] = field(default_factory=list)
    post: list[GroupEntry] = field(default_factory=list)


def load_project(source: Path) -> Project:
    path = source / "project.toml"
    if not path.is_file():
        return Project()
    try:
        data = tomlfile.read(path)
    except tomlfile.TOMLDecodeError as err:
        raise ProjectNotToml(str(err), location=str(path)) from err
    io = (data.get("io") or {}).get("buildpacks") or {}
    legacy = data.get("build") or {}
    project = Project(
        include=list(io.get("include", legacy.get("include", []))),
        exclude=list(io.get("exclude", legacy.get("exclude", []))),
    )
    if project.include and project.exclude:
        raise ProjectIncludeAndExclude(
            "The project descriptor allows only one of them.", location=str(path)
        )
    env_items = (
        (io.get("build") or {}).get("env")
        or (io.get("env") or {}).get("build")
        or legacy.get("env")
        or []
    )
    project.build_env = {str(e["name"]): str(e.get("value", "")) for e in env_items}
    project.group = _entries(io.get("group") or legacy.get("buildpacks") or [], path)
    project.pre = _entries((io.get("pre") or {}).get("group", []), path)
    project.post = _entries((io.get("post") or {}).get("group", []), path)
    return project


def _entries(items: list[dict[str, Any]], path: Path) -> list[GroupEntry]:
    entries = []
    for item in items:
        if not item.get("id"):
            raise ProjectBuildpackWithoutId(
                "seldon-build only runs buildpacks of the builder, found by id.",
                location=str(path),
            )
        entries.append(
            GroupEntry(
                str(item["id"]), str(item.get("version", "")), bool(item.get("optional", False))
            )
        )
    return entries


def apply_to_order(order: list[list[GroupEntry]], project: Project) -> list[list[GroupEntry]]:
    """The project's group replaces the order; pre/post buildpacks wrap every group."""
    groups = [project.group] if project.group else order
    out = []
    for group in groups:
        ids = {e.id for e in group}
        pre = [e for e in project.pre if e.id not in ids]
        post = [e for e in project.post if e.id not in ids]
        out.append(pre + list(group) + post)
    return out
