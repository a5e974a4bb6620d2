"""Reading images from and writing images to the engine's image store.

With podman the store is containers-storage, read and written with `skopeo`
(installed with podman): layers there are uncompressed, so a layer's digest
is its diff id and an OCI layout that leaves out blobs the store already has
can still be copied in (they are reused, not copied). Docker is not supported
for export yet: use `--output oci-archive` and `docker load` cannot read it
before Docker 25, so this module says so plainly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from seldon_detect.errors import UserError

from .engine import Engine
from .exporter.export import RunImage
from .exporter.image import LIFECYCLE_LABEL
from .exporter.oci import Layout


def normalize_ref(ref: str) -> str:
    """`name` -> `localhost/name:latest`, the way podman names local images."""
    first, _, rest = ref.partition("/")
    if not rest or ("." not in first and ":" not in first and first != "localhost"):
        ref = f"localhost/{ref}"
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last and "@" not in last:
        ref += ":latest"
    return ref


class ImageStore:
    def __init__(self, engine: Engine):
        if engine.name != "podman":
            raise UserError(
                title="Export into docker is not supported yet",
                cause="seldon-build loads images through containers-storage (podman + skopeo).",
                fix=[
                    "Install podman and skopeo (`apt-get install podman skopeo runc`), "
                    "and set SELDON_ENGINE=podman,",
                    "or write the image with `--output oci-archive FILE`.",
                ],
            )
        self.engine = engine
        self.skopeo = shutil.which("skopeo", path=engine.env.get("PATH")) or "skopeo"

    def _skopeo(self, *args: str) -> bytes:
        proc = subprocess.run([self.skopeo, *args], env=self.engine.env, capture_output=True)
        if proc.returncode != 0:
            raise UserError(
                title=f"skopeo {args[0]} failed",
                cause=proc.stderr.decode(errors="replace").strip()[-2000:],
                fix=["Check that podman works (`podman images`) and that the image exists."],
            )
        return proc.stdout

    def run_image(self, ref: str) -> RunImage:
        if not self.engine.image_exists(ref):
            raise UserError(
                title=f"Run image {ref} not found",
                cause="The builder names a run image that is not in the engine's image store.",
                fix=["Build the stack images: `seldon-build stacks` (or `make stacks`)."],
            )
        ref = normalize_ref(ref)
        manifest = json.loads(self._skopeo("inspect", "--raw", f"containers-storage:{ref}"))
        config = json.loads(
            self._skopeo("inspect", "--config", "--raw", f"containers-storage:{ref}")
        )
        return RunImage(reference=ref, config=config, layers=list(manifest.get("layers", [])))

    def previous(self, ref: str) -> tuple[dict[str, Any], dict[str, int]]:
        """The previous image's lifecycle metadata and its layer sizes by digest (empty if none)."""
        ref = normalize_ref(ref)
        if not self.engine.image_exists(ref):
            return {}, {}
        labels = self.engine.image_labels(ref)
        try:
            metadata = json.loads(labels.get(LIFECYCLE_LABEL, "{}"))
        except json.JSONDecodeError:
            metadata = {}
        manifest = json.loads(self._skopeo("inspect", "--raw", f"containers-storage:{ref}"))
        sizes = {layer["digest"]: layer["size"] for layer in manifest.get("layers", [])}
        return metadata, sizes

    def load(self, layout: Path, tag: str, ref: str) -> None:
        """Copy the layout's image into the store; blobs missing from it must be in the store."""
        self._skopeo(
            "copy", "--quiet", f"oci:{layout}:{tag}", f"containers-storage:{normalize_ref(ref)}"
        )

    def fill_blobs(self, layout: Layout, ref: str, cache_dir: Path) -> None:
        """Put the blobs of image `ref` into `layout`, so the layout stands alone."""
        ref = normalize_ref(ref)
        image_id = (self.engine.image_inspect(ref) or {}).get("Id", "unknown")
        source = cache_dir / "images" / image_id
        if not (source / "index.json").is_file():
            tmp = source.with_name(source.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.parent.mkdir(parents=True, exist_ok=True)
            self._skopeo(
                "copy",
                "--quiet",
                "--dest-oci-accept-uncompressed-layers",
                f"containers-storage:{ref}",
                f"oci:{tmp}:image",
            )
            shutil.rmtree(source, ignore_errors=True)
            os.replace(tmp, source)
        for blob in sorted((source / "blobs" / "sha256").iterdir()):
            target = layout.blobs / blob.name
            if not target.exists():
                try:
                    os.link(blob, target)
                except OSError:
                    shutil.copyfile(blob, target)
