"""`project.toml` (project descriptor 0.2, and the legacy 0.1 keys pack still reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id

from .errors import (
    BuildpackUnusable,
    BuildpackUriNotBuildpack,
    BuildpackUriOtherId,
    BuildpackUriUnusable,
    InlineBuildpackWithoutApi,
    InlineBuildpackWithoutId,
    ProjectBuildpackWithoutId,
    ProjectIncludeAndExclude,
    ProjectNotToml,
)
from .lifecycle.api import PhaseError
from .lifecycle.descriptor import Buildpack, GroupEntry, load_descriptor


@dataclass(frozen=True)
class InlineBuildpack:
    """`[...script]` of a project entry: pack makes a buildpack of it, and so do we."""

    id: str
    version: str
    api: str
    shell: str
    inline: str

    def write(self, parent: Path) -> Buildpack:
        """The buildpack directory, as pack lays it out: detect passes, build runs the script."""
        bp_dir = parent / escape_id(self.id) / self.version
        (bp_dir / "bin").mkdir(parents=True, exist_ok=True)
        toml = (f'api = "{self.api}"\n\n[buildpack]\nid = "{self.id}"\n'
                f'version = "{self.version}"\n')
        (bp_dir / "buildpack.toml").write_text(toml, encoding="utf-8")
        for name, body in (("detect", "exit 0"), ("build", self.inline)):
            script = bp_dir / "bin" / name
            script.write_text(f"#!{self.shell}\n\n{body}\n", encoding="utf-8")
            script.chmod(0o755)
        bp_dir.chmod(0o755)
        return load_descriptor(bp_dir)


@dataclass
class Project:
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    build_env: dict[str, str] = field(default_factory=dict)
    #: replaces the builder's order when not empty
    group: list[GroupEntry] = field(default_factory=list)
    pre: list[GroupEntry] = field(default_factory=list)
    post: list[GroupEntry] = field(default_factory=list)
    #: buildpacks the project brings: directories of the source, and inline scripts
    buildpacks: list[Buildpack] = field(default_factory=list)
    inline: list[InlineBuildpack] = field(default_factory=list)

    def own_buildpacks(self, work: Path) -> list[Buildpack]:
        """Every buildpack of the project, the inline ones written under `work` first."""
        return self.buildpacks + [bp.write(work / "inline-buildpacks") for bp in self.inline]


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
    reader = _EntryReader(path, project)
    if io.get("group"):
        project.group = reader.entries(io["group"], "[[io.buildpacks.group]]")
    else:
        project.group = reader.entries(legacy.get("buildpacks") or [], "[[build.buildpacks]]")
    project.pre = reader.entries((io.get("pre") or {}).get("group", []),
                                 "[[io.buildpacks.pre.group]]")
    project.post = reader.entries((io.get("post") or {}).get("group", []),
                                  "[[io.buildpacks.post.group]]")
    return project


@dataclass
class _EntryReader:
    """Group entries as pack reads them: an inline script, a `uri`, or a builder id."""

    path: Path
    project: Project

    def entries(self, items: list[dict[str, Any]], table: str) -> list[GroupEntry]:
        return [self._entry(item, table) for item in items]

    def _entry(self, item: dict[str, Any], table: str) -> GroupEntry:
        bp_id, version = str(item.get("id", "")), str(item.get("version", ""))
        optional = bool(item.get("optional", False))
        uri = str(item.get("uri", ""))
        script = item.get("script") or {}
        if script.get("inline") and not uri:
            return self._inline(bp_id, version, optional, script, table)
        if uri:
            return self._from_uri(uri, bp_id, optional, table)
        if not bp_id:
            raise ProjectBuildpackWithoutId(
                f"An entry of {table} has no id, no uri and no inline script.",
                fix=[f"Give the {table} entry the id of a buildpack of the builder, the uri of "
                     "a buildpack directory, or a script table."],
                location=str(self.path),
            )
        return GroupEntry(bp_id, version, optional)

    def _inline(self, bp_id: str, version: str, optional: bool, script: dict[str, Any],
                table: str) -> GroupEntry:
        cause = f"An inline buildpack in {table} needs an id and script.api, as with pack."
        if not bp_id:
            raise InlineBuildpackWithoutId(cause, location=str(self.path))
        if not script.get("api"):
            raise InlineBuildpackWithoutApi(cause, location=str(self.path))
        inline = InlineBuildpack(bp_id, version or "0.0.0", str(script["api"]),
                                 str(script.get("shell") or "/bin/sh"), str(script["inline"]))
        self.project.inline.append(inline)
        return GroupEntry(inline.id, inline.version, optional)

    def _from_uri(self, uri: str, bp_id: str, optional: bool, table: str) -> GroupEntry:
        if uri.startswith("urn:cnb:builder:"):
            ref_id, _, ref_version = uri.removeprefix("urn:cnb:builder:").partition("@")
            return GroupEntry(ref_id, ref_version, optional)
        if "://" in uri or uri.startswith(("docker:", "from=")):
            raise BuildpackUriUnusable(
                f"The {table} entry points at a registry, URL or builder reference; "
                "seldon-build runs only buildpacks of its builder and directories of the source.",
                location=str(self.path), uri=uri)
        bp_dir = (self.path.parent / uri).resolve()
        if not (bp_dir / "buildpack.toml").is_file():
            raise BuildpackUriNotBuildpack(
                f"The {table} entry names {bp_dir}, which holds no buildpack.toml "
                "(archives are not unpacked).", location=str(self.path), uri=uri)
        try:
            bp = load_descriptor(bp_dir)
        except PhaseError as err:
            raise BuildpackUnusable(err.message, location=str(self.path), dir=bp_dir) from err
        if bp_id and bp_id != bp.id:
            raise BuildpackUriOtherId(
                f"The {table} entry says id {bp_id!r}, its buildpack.toml says {bp.id!r}.",
                location=str(self.path), uri=uri)
        self.project.buildpacks.append(bp)
        return GroupEntry(bp.id, bp.version, optional)


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
