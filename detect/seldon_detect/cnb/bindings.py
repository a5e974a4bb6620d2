"""Service bindings mounted at `<platform>/bindings/<name>/` (Kubernetes and legacy CNB forms).

A `SERVICE_BINDING_ROOT` in the user's build env (`<platform>/env`, as Paketo's
docs have pack users pass it with `-e`) names another root; the lifecycle
itself drops that variable from the env it hands buildpacks.

Bindings hold credentials: their files are read in place and their paths handed
to installers; nothing from them is copied into layers, logs or metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class Binding:
    name: str
    type: str
    path: Path
    #: directory holding the entries (`<binding>` or, for the legacy form, `<binding>/secret`)
    entries_dir: Path

    def entry(self, name: str) -> Path | None:
        path = self.entries_dir / name
        return path if path.is_file() else None


def read_bindings(platform_dir: Path, platform_env: Mapping[str, str] | None = None
                  ) -> list[Binding]:
    """Those under the user's `SERVICE_BINDING_ROOT` if set, else `<platform>/bindings`."""
    custom = (platform_env or {}).get("SERVICE_BINDING_ROOT", "").strip()
    root = Path(custom) if custom else platform_dir / "bindings"
    if not root.is_dir():
        return []
    found = []
    for path in sorted(p for p in root.iterdir() if p.is_dir()):
        if (path / "type").is_file():
            kind = (path / "type").read_text(encoding="utf-8").strip()
            found.append(Binding(path.name, kind.lower(), path, path))
        elif (path / "metadata" / "kind").is_file():
            kind = (path / "metadata" / "kind").read_text(encoding="utf-8").strip()
            found.append(Binding(path.name, kind.lower(), path, path / "secret"))
    return found


def bindings_of_type(bindings: list[Binding], kind: str) -> list[Binding]:
    return [b for b in bindings if b.type == kind.lower()]
