"""`seldon-build inspect IMAGE`: processes, buildpacks, layers (size, origin), SBOM summary."""

from __future__ import annotations

import json
from typing import Any

from .engine import Engine
from .errors import ImageNotFound, NotBuiltWithBuildpacks
from .exporter.image import BUILD_LABEL, LIFECYCLE_LABEL, PROJECT_LABEL
from .imagestore import ImageStore

#: run inside the image: one line per SBOM file with its format and component count
_SBOM_SCRIPT = """
import json, pathlib
for p in sorted(pathlib.Path('/layers/sbom/launch').rglob('sbom.*')):
    try:
        d = json.loads(p.read_text())
    except Exception:
        continue
    n = len(d.get('components') or d.get('packages') or d.get('artifacts') or [])
    print(json.dumps([str(p.parent.relative_to('/layers/sbom/launch')), p.name[5:], n]))
"""


def describe(engine: Engine, image: str) -> str:
    info = engine.image_inspect(image)
    if info is None:
        raise ImageNotFound("The engine's image store has no such image.", image=image)
    labels = (info.get("Config") or {}).get("Labels") or info.get("Labels") or {}
    if LIFECYCLE_LABEL not in labels:
        raise NotBuiltWithBuildpacks(f"It has no {LIFECYCLE_LABEL} label.", image=image)
    lifecycle = json.loads(labels[LIFECYCLE_LABEL])
    build = json.loads(labels.get(BUILD_LABEL, "{}"))
    project = json.loads(labels.get(PROJECT_LABEL, "{}"))
    sizes = ImageStore(engine).previous(image)[1]
    lines = [f"Image: {image}  id {info.get('Id', '')[:12]}"]
    run = lifecycle.get("runImage", {})
    lines.append(f"Run image: {run.get('reference', '?')}")
    source = project.get("source") or {}
    if source:
        commit = (source.get("version") or {}).get("commit", "")
        lines.append(f"Source: {source.get('type', '?')} {commit}".rstrip())
    entry = ((info.get("Config") or {}).get("Entrypoint") or [""])[0]
    default = entry.rsplit("/", 1)[-1] if entry.startswith("/cnb/process/") else ""
    lines += ["", "Processes:"]
    for proc in build.get("processes", []):
        mark = " (default)" if proc["type"] == default else ""
        cmd = " ".join(proc.get("command", []) + proc.get("args", []))
        lines.append(f"  {proc['type']}{mark}: {cmd}  [{proc.get('buildpackID', '')}]")
    lines += ["", "Buildpacks:"]
    lines += [f"  {bp['id']}@{bp['version']}" for bp in build.get("buildpacks", [])]
    lines += ["", "Layers (ours, bottom to top):"]
    for name, sha, origin in _our_layers(lifecycle):
        lines.append(f"  {_size(sizes.get(sha))}  {name:32} {sha[7:19]}  {origin}")
    run_total = sum(sizes.get(d, 0) for d in _run_layers(info, lifecycle))
    lines.append(f"  {_size(run_total)}  run image layers")
    lines += ["", "SBOM:"]
    lines += _sbom_lines(engine, image) if "sbom" in lifecycle else ["  none"]
    return "\n".join(lines)


def _our_layers(lifecycle: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for bp in lifecycle.get("buildpacks", []):
        for name, layer in sorted(bp.get("layers", {}).items()):
            flags = ",".join(k for k in ("launch", "build", "cache") if layer.get(k))
            out.append(
                (
                    f"{bp['key']}:{name}",
                    layer.get("sha", ""),
                    f"buildpack {bp['key']}@{bp.get('version')} ({flags})",
                )
            )
    if "sbom" in lifecycle:
        out.append(("sbom", lifecycle["sbom"]["sha"], "software bill of materials"))
    for app in lifecycle.get("app", []):
        out.append(("app", app["sha"], "application source (/workspace)"))
    for key, origin in (
        ("launcher", "launcher"),
        ("config", "process config"),
        ("process-types", "process entry points"),
    ):
        if key in lifecycle:
            out.append((key, lifecycle[key]["sha"], origin))
    return out


def _run_layers(info: dict[str, Any], lifecycle: dict[str, Any]) -> list[str]:
    layers = (info.get("RootFS") or {}).get("Layers") or []
    top = (lifecycle.get("runImage") or {}).get("topLayer")
    return layers[: layers.index(top) + 1] if top in layers else []


def _sbom_lines(engine: Engine, image: str) -> list[str]:
    """One line per SBOM file in the image: where, format, number of components."""
    proc = engine.run(
        "run",
        "--rm",
        "--entrypoint",
        "/usr/bin/python3",
        image,
        "-I",
        "-c",
        _SBOM_SCRIPT,
        check=False,
        capture=True,
    )
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace").strip().splitlines()
        return [f"  could not be read: {err[-1] if err else f'exit {proc.returncode}'}"]
    lines = []
    for raw in proc.stdout.decode(errors="replace").splitlines():
        try:
            where, fmt, n = json.loads(raw)
        except ValueError:
            continue
        lines.append(f"  {where}: {fmt}, {n} components")
    return lines or ["  none"]


def _size(n: int | None) -> str:
    if n is None:
        return "      ?"
    return f"{n / 1e6:6.1f}M" if n >= 100_000 else f"{n / 1e3:6.1f}K"
