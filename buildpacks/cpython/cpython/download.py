"""Fetch a distribution into a scratch directory and verify its sha256 before anything uses it."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from pathlib import Path

from cpython.sources import Source
from seldon_detect.failures import PythonChecksumMismatch, PythonDownloadFailed
from seldon_detect.scribe import Scribe

CHUNK = 1 << 20
TIMEOUT = 60


def _cause(version: str, source: Source, why: str) -> str:
    """What every failure to get the file says first: which file, from where."""
    return f"Python {version} from {source.url} ({source.origin}): {why}"


def fetch_verified(source: Source, version: str, dest_dir: Path, scribe: Scribe) -> Path:
    """The downloaded file, whose sha256 equals `source.sha256` (else a `UserError` kind)."""
    dest = dest_dir / "python.tar.gz"
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(source.url, timeout=TIMEOUT) as response, \
                open(dest, "wb") as out:
            while True:
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
    except urllib.error.HTTPError as err:
        raise PythonDownloadFailed(
            _cause(version, source, f"the server answered HTTP {err.code} {err.reason}."),
            location=source.origin, version=version) from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise PythonDownloadFailed(
            _cause(version, source, f"{reason} (no network, or a wrong URL)."),
            location=source.origin, version=version) from None
    actual = digest.hexdigest()
    if actual != source.sha256:
        dest.unlink()
        raise PythonChecksumMismatch(
            _cause(version, source, f"expected sha256 {source.sha256}, got {actual} "
                   f"({size:,} bytes). The file was not used."), location=source.origin)
    scribe.info(f"{size / 1e6:.1f} MB, sha256 {actual} verified")
    return dest

