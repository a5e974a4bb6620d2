"""Reading images from and writing images to the engine's image store, with skopeo.

podman's store is containers-storage. Its layers are uncompressed, so a
layer's digest is its diff id, and an OCI layout that leaves out blobs the
store already has (run image layers, unchanged launch layers) can still be
copied in: those blobs are reused, never read. Docker's store is reached
through skopeo's `docker-daemon:` transport, which needs every blob, so for
docker the layout is filled from the run image and the previous image first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .engine import Engine, labels_of
from .errors import RunImageNotFound, SkopeoFailed, SkopeoMissing
from .exporter.export import RunImage
from .exporter.image import LIFECYCLE_LABEL
from .exporter.oci import Layout

TRANSPORTS = {"podman": "containers-storage", "docker": "docker-daemon"}


def normalize_ref(ref: str) -> str:
    """`name` -> `localhost/name:latest`, the way podman names local images."""
    first, _, rest = ref.partition("/")
    if not rest or ("." not in first and ":" not in first and first != "localhost"):
        ref = f"localhost/{ref}"
    return with_tag(ref)


def with_tag(ref: str) -> str:
    last = ref.rsplit("/", 1)[-1]
    return ref if ":" in last or "@" in last else ref + ":latest"


#: Docker's layer media types and their OCI names (the image we write is OCI)
_DOCKER, _OCI = "application/vnd.docker.image.rootfs.", "application/vnd.oci.image.layer."
OCI_LAYER_TYPES = {
    f"{_DOCKER}diff.tar.gzip": f"{_OCI}v1.tar+gzip",
    f"{_DOCKER}diff.tar": f"{_OCI}v1.tar",
    f"{_DOCKER}foreign.diff.tar.gzip": f"{_OCI}nondistributable.v1.tar+gzip",
}


def oci_layer(descriptor: dict[str, Any]) -> dict[str, Any]:
    """A base-image layer descriptor with the OCI media type (docker-daemon gives Docker's).

    An OCI manifest listing Docker media types cannot be converted back for
    `docker load` ("Unknown media type during manifest conversion").
    """
    kind = descriptor.get("mediaType", "")
    return {**descriptor, "mediaType": OCI_LAYER_TYPES.get(kind, kind)}


def daemon_host(engine: Engine) -> str | None:
    """The Docker daemon the docker CLI talks to: DOCKER_HOST, else the current context's.

    skopeo's docker-daemon transport reads neither, and would always go to
    /var/run/docker.sock (wrong for rootless Docker, a Docker context, or a
    podman service standing in for Docker).
    """
    host = engine.env.get("DOCKER_HOST", "").strip()
    if host:
        return host
    proc = engine.run("context", "inspect", "--format", "{{.Endpoints.docker.Host}}",
                      check=False, capture=True)
    found = proc.stdout.decode(errors="replace").strip() if proc.returncode == 0 else ""
    return found or None


class ImageStore:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.transport = TRANSPORTS[engine.name]
        #: docker-daemon takes whole images: every blob must be in the layout
        self.needs_all_blobs = engine.name == "docker"
        self.daemon_host = daemon_host(engine) if engine.name == "docker" else None
        self.skopeo = shutil.which("skopeo", path=engine.env.get("PATH"))
        if not self.skopeo:
            raise SkopeoMissing("seldon-build reads base images and loads the result with skopeo.")

    def ref(self, ref: str) -> str:
        """How the engine names `ref` (podman adds `localhost/`, docker only a tag)."""
        return normalize_ref(ref) if self.engine.name == "podman" else with_tag(ref)

    def _source(self, ref: str) -> str:
        return f"{self.transport}:{self.ref(ref)}"

    def _host(self, side: str = "") -> list[str]:
        """skopeo's option naming the Docker daemon (`side` is "src" or "dest" for copy)."""
        if self.daemon_host is None:
            return []
        return [f"--{side}-daemon-host" if side else "--daemon-host", self.daemon_host]

    def _skopeo(self, *args: str) -> bytes:
        proc = subprocess.run([self.skopeo, *args], env=self.engine.env, capture_output=True)
        if proc.returncode != 0:
            raise SkopeoFailed(
                proc.stderr.decode(errors="replace").strip()[-2000:],
                fix=[f"Check that {self.engine.name} works and that the image exists."],
                command=args[0],
            )
        return proc.stdout

    def run_image(self, ref: str) -> RunImage:
        if not self.engine.image_exists(ref):
            raise RunImageNotFound(
                "The builder names a run image that is not in the engine's image store.", image=ref
            )
        return self.read(ref)

    def read(self, ref: str) -> RunImage:
        """An image's config and (OCI) layer descriptors, as the store has them."""
        manifest = json.loads(self._skopeo("inspect", *self._host(), "--raw", self._source(ref)))
        config = json.loads(
            self._skopeo("inspect", *self._host(), "--config", "--raw", self._source(ref))
        )
        layers = [oci_layer(layer) for layer in manifest["layers"]]
        return RunImage(reference=self.ref(ref), config=config, layers=layers)

    def previous(self, ref: str) -> tuple[dict[str, Any], dict[str, int]]:
        """The previous image's lifecycle metadata and its layer sizes by digest (empty if none)."""
        info = self.engine.image_inspect(self.ref(ref))
        if info is None:
            return {}, {}
        labels = labels_of(info)
        try:
            metadata = json.loads(labels.get(LIFECYCLE_LABEL, "{}"))
        except json.JSONDecodeError:
            metadata = {}
        manifest = json.loads(self._skopeo("inspect", *self._host(), "--raw", self._source(ref)))
        sizes = {layer["digest"]: layer["size"] for layer in manifest.get("layers", [])}
        return metadata, sizes

    def load(self, layout: Path, tag: str, ref: str) -> None:
        """Copy the layout's image into the engine under `ref`."""
        self._skopeo("copy", "--quiet", *self._host("dest"), f"oci:{layout}:{tag}",
                     self._source(ref))

    def fill_blobs(self, layout: Layout, ref: str, cache_dir: Path | None = None) -> None:
        """Put the blobs of image `ref` into `layout`, so it stands alone.

        With `cache_dir` (for base images, which rarely change) the image is
        exported once per image id and kept; without, it is exported to a
        temporary directory.
        """
        if cache_dir is None:
            with tempfile.TemporaryDirectory(dir=layout.root.parent) as tmp:
                self._export(ref, Path(tmp) / "image")
                _link_blobs(Path(tmp) / "image", layout)
            return
        image_id = (self.engine.image_inspect(self.ref(ref)) or {}).get("Id", "unknown")
        source = cache_dir / "images" / image_id.replace("sha256:", "")
        if not (source / "index.json").is_file():
            tmp = source.with_name(source.name + ".tmp")
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.parent.mkdir(parents=True, exist_ok=True)
            self._export(ref, tmp)
            shutil.rmtree(source, ignore_errors=True)
            os.replace(tmp, source)
        _link_blobs(source, layout)

    def _export(self, ref: str, dest: Path) -> None:
        self._skopeo(
            "copy",
            "--quiet",
            *self._host("src"),
            "--dest-oci-accept-uncompressed-layers",
            self._source(ref),
            f"oci:{dest}:image",
        )


def _link_blobs(source: Path, layout: Layout) -> None:
    for blob in sorted((source / "blobs" / "sha256").iterdir()):
        target = layout.blobs / blob.name
        if not target.exists():
            try:
                os.link(blob, target)
            except OSError:
                shutil.copyfile(blob, target)
