"""OCI image layouts: content-addressed blobs, manifest, index, and tar archives of them."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from .tarlayer import Blob, Entry, tree, write_layer

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
REF_NAME = "org.opencontainers.image.ref.name"


def canonical_json(data: Any) -> bytes:
    """JSON with sorted keys and no spaces: the same data always hashes the same."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


class Layout:
    """An OCI image layout directory being written."""

    def __init__(self, root: Path):
        self.root = root
        self.blobs = root / "blobs" / "sha256"
        self.blobs.mkdir(parents=True, exist_ok=True)

    def blob_path(self, digest: str) -> Path:
        return self.blobs / digest.split(":", 1)[1]

    def has_blob(self, digest: str) -> bool:
        return self.blob_path(digest).is_file()

    def add_bytes(self, data: bytes) -> Blob:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        path = self.blob_path(digest)
        if not path.exists():
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return Blob(digest, len(data), path)

    def add_layer(self, entries: list[Entry]) -> Blob:
        """Write a tar layer straight into the blob store under its digest."""
        tmp = self.blobs / f".layer-{os.getpid()}-{id(entries)}.tmp"
        blob = write_layer(entries, tmp)
        final = self.blob_path(blob.digest)
        os.replace(tmp, final)
        blob.path = final
        return blob

    def add_image(self, config: dict[str, Any], layers: list[dict[str, Any]], tag: str) -> Blob:
        """Write config and manifest blobs and point `index.json` at the manifest under `tag`."""
        config_blob = self.add_bytes(canonical_json(config))
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": config_blob.descriptor(CONFIG_TYPE),
            "layers": layers,
        }
        manifest_blob = self.add_bytes(canonical_json(manifest))
        index = {
            "schemaVersion": 2,
            "manifests": [
                {**manifest_blob.descriptor(MANIFEST_TYPE), "annotations": {REF_NAME: tag}}
            ],
        }
        (self.root / "index.json").write_bytes(canonical_json(index))
        (self.root / "oci-layout").write_bytes(canonical_json({"imageLayoutVersion": "1.0.0"}))
        return config_blob


def write_archive(layout: Path, out: Path) -> Blob:
    """A reproducible tar of an OCI layout directory (an `oci-archive`)."""
    entries = [e for e in tree(layout, "", 0, 0, include_root=False)]
    for e in entries:
        e.path = e.path.lstrip("/")
        e.mode = 0o755 if e.kind == "dir" else 0o644
    return write_layer(entries, out)
