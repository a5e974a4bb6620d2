"""`Storage.download(uri)`: model files named by a `model_uri` parameter, made local.

Local paths and `file://` are linked as seldon-core 1.x does. `pvc://NAME/PATH`
is read where the Seldon operator mounts the claim (`/mnt/pvc/PATH`). `s3://`
and `gs://` download with minio / google-cloud-storage, as seldon-core 1.2
did; those libraries are the model's own dependencies, and their absence is
an error naming the package to add.
"""

from __future__ import annotations

import glob
import logging
import os
import tempfile
from urllib.parse import urlparse

log = logging.getLogger(__name__)

_LOCAL = "file://"
_PVC = "pvc://"
_S3 = "s3://"
_GCS = "gs://"
PVC_ROOT = "/mnt/pvc"


class MissingStorageLibrary(ModuleNotFoundError):
    pass


def _library(module: str, package: str, scheme: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError:
        raise MissingStorageLibrary(
            f"{scheme} model URIs need the {package!r} package, which is not installed: "
            f"add `{package}` to requirements.txt (or let the Seldon operator's storage "
            "initializer download the model and use the local path it gives)",
            name=module,
        ) from None


def _bucket_and_prefix(uri: str, scheme: str) -> tuple[str, str]:
    bucket, _, prefix = uri[len(scheme):].partition("/")
    return bucket, prefix


class Storage:
    @staticmethod
    def download(uri: str, out_dir: str | None = None) -> str:
        log.info("Copying contents of %s to local", uri)
        if uri.startswith(_PVC):
            claim_path = uri[len(_PVC):].partition("/")[2]
            uri = os.path.join(PVC_ROOT, claim_path)
            if not os.path.exists(uri):
                raise RuntimeError(
                    f"{uri} does not exist: pvc:// URIs are read where the Seldon operator "
                    f"mounts the claim ({PVC_ROOT}); outside Kubernetes mount it there or "
                    "give a local path"
                )
        is_local = uri.startswith(_LOCAL) or os.path.exists(uri)
        if is_local:
            return Storage._download_local(uri, out_dir)
        out_dir = out_dir or tempfile.mkdtemp()
        if uri.startswith(_S3):
            Storage._download_s3(uri, out_dir)
        elif uri.startswith(_GCS):
            Storage._download_gcs(uri, out_dir)
        else:
            raise Exception(
                f"Cannot recognize storage type for {uri}: use a local path, "
                f"{_LOCAL}, {_PVC}, {_S3} or {_GCS}"
            )
        log.info("Successfully copied %s to %s", uri, out_dir)
        return out_dir

    @staticmethod
    def _download_local(uri: str, out_dir: str | None = None) -> str:
        local_path = uri.replace(_LOCAL, "", 1)
        if not os.path.exists(local_path):
            raise RuntimeError(f"Local path {uri} does not exist.")
        if out_dir is None:
            return local_path
        os.makedirs(out_dir, exist_ok=True)
        pattern = os.path.join(local_path, "*") if os.path.isdir(local_path) else local_path
        for src in glob.glob(pattern):
            os.symlink(src, os.path.join(out_dir, os.path.basename(src)))
        return out_dir

    @staticmethod
    def _download_s3(uri: str, out_dir: str) -> None:
        minio = _library("minio", "minio", _S3)
        endpoint = urlparse(os.getenv("AWS_ENDPOINT_URL", "http://s3.amazonaws.com"))
        secure = endpoint.scheme == "https" if endpoint.scheme else (
            (os.getenv("USE_SSL") or os.getenv("S3_USE_HTTPS") or "").lower() in ("1", "true"))
        client = minio.Minio(
            endpoint.netloc or endpoint.path,
            access_key=os.getenv("AWS_ACCESS_KEY_ID", ""),
            secret_key=os.getenv("AWS_SECRET_ACCESS_KEY", ""),
            region=os.getenv("AWS_REGION", "") or None,
            secure=secure,
        )
        bucket, prefix = _bucket_and_prefix(uri, _S3)
        count = 0
        for obj in client.list_objects(bucket, prefix=prefix, recursive=True):
            count += 1
            if obj.is_dir:
                continue
            key = obj.object_name.replace(prefix, "", 1).strip("/") or obj.object_name
            client.fget_object(bucket, obj.object_name, os.path.join(out_dir, key))
        if count == 0:
            raise RuntimeError(f"Failed to fetch model. The path or model {uri} does not exist.")

    @staticmethod
    def _download_gcs(uri: str, out_dir: str) -> None:
        gcs = _library("google.cloud.storage", "google-cloud-storage", _GCS)
        try:
            client = gcs.Client()
        except Exception:  # no credentials: public buckets still work
            client = gcs.Client.create_anonymous_client()
        bucket_name, prefix = _bucket_and_prefix(uri, _GCS)
        listing = prefix if prefix.endswith("/") else prefix + "/"
        count = 0
        for blob in client.bucket(bucket_name).list_blobs(prefix=listing):
            count += 1
            key = blob.name.replace(prefix, "", 1).strip("/")
            if not key:
                continue
            dest = os.path.join(out_dir, key)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            blob.download_to_filename(dest)
        if count == 0:
            raise RuntimeError(f"Failed to fetch model. The path or model {uri} does not exist.")
