"""The exported image's config: env, entrypoint, working dir, labels, history."""

from __future__ import annotations

import copy
import json
from typing import Any

from ..errors import ProcessTypeNotFound
from ..lifecycle.api import APP_DIR, LAYERS_DIR, PLATFORM_API

CREATED = "1980-01-01T00:00:01Z"
LIFECYCLE_LABEL = "io.buildpacks.lifecycle.metadata"
BUILD_LABEL = "io.buildpacks.build.metadata"
PROJECT_LABEL = "io.buildpacks.project.metadata"
LAUNCHER = "/cnb/lifecycle/launcher"
PROCESS_DIR = "/cnb/process"


def entrypoint(metadata: dict[str, Any], process_type: str | None) -> list[str]:
    """`/cnb/process/<type>` for the chosen or default process, else the bare launcher."""
    types = {p["type"] for p in metadata.get("processes", [])}
    wanted = process_type or metadata.get("buildpack-default-process-type")
    if process_type and process_type not in types:
        raise ProcessTypeNotFound(
            f"The buildpacks define {', '.join(sorted(types)) or 'no process types'}.",
            location="--default-process", type=process_type)
    if wanted and wanted in types:
        return [f"{PROCESS_DIR}/{wanted}"]
    return [LAUNCHER]


def image_env(run_env: list[str]) -> list[str]:
    env = dict(item.split("=", 1) for item in run_env if "=" in item)
    path = env.get("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    env.update(
        CNB_LAYERS_DIR=LAYERS_DIR,
        CNB_APP_DIR=APP_DIR,
        CNB_PLATFORM_API=PLATFORM_API,
        CNB_DEPRECATION_MODE="quiet",
        PATH=f"{PROCESS_DIR}:/cnb/lifecycle:{path}",
    )
    return [f"{k}={v}" for k, v in env.items()]


def build_metadata(metadata: dict[str, Any], version: str) -> dict[str, Any]:
    processes = [
        {
            "type": p["type"],
            "command": p["command"],
            "args": p.get("args", []),
            "direct": True,
            "buildpackID": p.get("buildpack-id", ""),
            "working-dir": p.get("working-dir", APP_DIR),
        }
        for p in metadata.get("processes", [])
    ]
    return {
        "processes": processes,
        "buildpacks": metadata.get("buildpacks", []),
        "launcher": {
            "version": version,
            "source": {"git": {"repository": "seldon-model-buildpacks"}},
        },
    }


#: a readable label: the tool and buildpack versions that made the image
VERSIONS_LABEL = "io.seldon.build.versions"


def versions_label(metadata: dict[str, Any], version: str) -> str:
    """`seldon-build 0.1.0; seldon/runtime 0.1.0, ...`: the tool, then each buildpack that ran."""
    bps = ", ".join(f"{bp.get('id')} {bp.get('version')}" for bp in metadata.get("buildpacks", []))
    return f"seldon-build {version}; {bps}"


def image_config(
    run_config: dict[str, Any],
    layers: list[tuple[str, str]],
    entry: list[str],
    labels: dict[str, Any],
) -> dict[str, Any]:
    """The run image's config with our layers (diff id, history text) and settings on top."""
    config = copy.deepcopy(run_config)
    config["created"] = CREATED
    inner = config.setdefault("config", {})
    inner["Env"] = image_env(inner.get("Env") or [])
    inner["Entrypoint"] = entry
    inner.pop("Cmd", None)
    inner["WorkingDir"] = APP_DIR
    merged = dict(inner.get("Labels") or {})
    merged.update(
        {
            k: v
            if isinstance(v, str)
            else json.dumps(v, sort_keys=True, separators=(",", ":"), default=str)
            for k, v in labels.items()
        }
    )
    inner["Labels"] = merged
    rootfs = config.setdefault("rootfs", {"type": "layers", "diff_ids": []})
    rootfs["diff_ids"] = list(rootfs.get("diff_ids", [])) + [d for d, _ in layers]
    history = list(config.get("history", []))
    history += [{"created": CREATED, "created_by": text} for _, text in layers]
    config["history"] = history
    return config
