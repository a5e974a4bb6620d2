"""A warning when the model's requirements installed seldon-core itself."""

from __future__ import annotations

from typing import Any

from seldon_detect.scribe import Scribe

# From this release on seldon-core is under the Business Source License.
_NOT_OPEN_SOURCE = (1, 18)


def _release(version: str) -> tuple[int, ...]:
    parts = []
    for part in version.split(".")[:2]:
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def warn_if_installed(components: list[dict[str, Any]], scribe: Scribe) -> None:
    found = [c for c in components if c["name"].lower().replace("_", "-") == "seldon-core"]
    if not found:
        return
    version = found[0]["version"]
    licence = (" seldon-core 1.18 and later are not open source (Business Source License)."
               if _release(version) >= _NOT_OPEN_SOURCE else "")
    scribe.warn(
        f"seldon-core {version} was installed by the model's requirements, but the Seldon "
        "runtime in this image does not need it: it serves the model and provides "
        "`seldon_core` imports itself." + licence + " It also pins older gunicorn and "
        "prometheus-client. Remove seldon-core from requirements.txt (or setup.py) unless "
        "the model uses a part of it the runtime lacks; if you keep it, pin a version."
    )
