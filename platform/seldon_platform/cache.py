"""The per-image build cache: `cache = true` layers of the last build, plus work dirs.

Layout under `<root>/<image key>/`: `layers/` mirrors the layers dir for
cached layers (with `cache.toml` holding their digests) and is mounted
read-only into the build; `work-*` dirs hold one build each. A new cache is
written beside the old one and swapped in with renames, so an interrupted
build leaves the previous cache intact.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterator

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id

from .exporter.tarlayer import fingerprint
from .lifecycle.layers import read_layers, sbom_files
from .lifecycle.restorer import CACHE_INDEX, CACHE_VERSION


def default_root() -> Path:
    env = os.environ.get("SELDON_BUILD_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seldon-build"


class Cache:
    def __init__(self, root: Path, image: str):
        key = re.sub(r"[^A-Za-z0-9_.-]+", "_", image)
        self.dir = root / key
        self.layers = self.dir / "layers"
        self.dir.mkdir(parents=True, exist_ok=True)
        self._tidy()

    def _tidy(self) -> None:
        """Remove what an interrupted build left behind."""
        for stale in self.dir.glob("layers.*"):
            shutil.rmtree(stale, ignore_errors=True)
        leftovers = [str(p) for p in self.dir.glob("trash-*")]
        if leftovers:
            _remove_in_background(leftovers)

    def discard(self, path: Path) -> None:
        """Delete `path` in the background: a big cache tree takes seconds to unlink.

        The tree is renamed out of the way first; if the deleting process dies,
        the next build's tidy-up finishes the job.
        """
        if not path.exists():
            return
        trash = Path(tempfile.mkdtemp(prefix="trash-", dir=self.dir))
        os.replace(path, trash / "x")
        _remove_in_background([str(trash)])

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cache for one build; a second build of the same image waits."""
        with open(self.dir / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def clear(self) -> None:
        shutil.rmtree(self.layers, ignore_errors=True)

    def work_dir(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="work-", dir=self.dir))

    def ensure(self) -> Path:
        self.layers.mkdir(parents=True, exist_ok=True)
        return self.layers

    def entries(self) -> dict[tuple[str, str], dict[str, str]]:
        """(buildpack id, layer) -> {"sha", "fingerprint"} of the committed cache."""
        data = tomlfile.read(self.layers / CACHE_INDEX)
        index = data.get("buildpacks", {}) if data.get("version") == CACHE_VERSION else {}
        return {(bp, name): info for bp, layers in index.items() for name, info in layers.items()}

    def commit(
        self, layers_dir: Path, group: list[dict[str, Any]], digests: dict[tuple[str, str], str]
    ) -> list[str]:
        """Move this build's cache layers in (same filesystem: renames only); return their names."""
        new = self.dir / "layers.new"
        shutil.rmtree(new, ignore_errors=True)
        new.mkdir()
        index: dict[str, dict[str, dict[str, str]]] = {}
        names = []
        for bp in group:
            esc = escape_id(bp["id"])
            bp_dir = layers_dir / esc
            for layer in read_layers(bp_dir) if bp_dir.is_dir() else []:
                if not layer.types.cache or not layer.has_contents:
                    continue
                target = new / esc
                target.mkdir(exist_ok=True)
                os.replace(layer.path, target / layer.name)
                tomlfile.write(
                    target / f"{layer.name}.toml",
                    {"types": layer.types.to_toml(), "metadata": layer.metadata},
                )
                for path, _ in sbom_files(bp_dir, layer.name):
                    shutil.copyfile(path, target / path.name)
                index.setdefault(bp["id"], {})[layer.name] = {
                    "sha": digests.get((bp["id"], layer.name), ""),
                    "fingerprint": fingerprint(target / layer.name),
                }
                names.append(f"{bp['id']}:{layer.name}")
        tomlfile.write(new / CACHE_INDEX, {"version": CACHE_VERSION, "buildpacks": index})
        self.discard(self.layers)
        os.replace(new, self.layers)
        return names


def _remove_in_background(paths: list[str]) -> None:
    subprocess.Popen(
        ["rm", "-rf", *paths],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
