"""Fetch a distribution into a scratch directory and verify its sha256 before anything uses it."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from pathlib import Path

from cpython.sources import WAYS_TO_PROVIDE, Source
from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe

CHUNK = 1 << 20
TIMEOUT = 60


def _details(version: str, source: Source, cause: str) -> dict:
    """Cause, fixes and location shared by every failure to get the file."""
    return {"cause": f"Python {version} from {source.url} ({source.origin}): {cause}",
            "fix": list(WAYS_TO_PROVIDE), "location": source.origin}


def fetch_verified(source: Source, version: str, dest_dir: Path, scribe: Scribe) -> Path:
    """The downloaded file, whose sha256 equals `source.sha256` (else a UserError)."""
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
        raise UserError(f"Cannot download Python {version}", **_details(
            version, source, f"the server answered HTTP {err.code} {err.reason}.")) from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise UserError(f"Cannot download Python {version}", **_details(
            version, source, f"{reason} (no network, or a wrong URL).")) from None
    actual = digest.hexdigest()
    if actual != source.sha256:
        dest.unlink()
        raise UserError("The Python distribution's checksum does not match", **_details(
            version, source, f"expected sha256 {source.sha256}, got {actual} ({size:,} bytes). "
            "The file was not used."))
    scribe.info(f"{size / 1e6:.1f} MB, sha256 {actual} verified")
    return dest

