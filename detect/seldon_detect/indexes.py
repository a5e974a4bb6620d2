"""Where pip looks for packages: wheel folders, private indexes, trusted hosts.

Settings come from the build environment (s2i's `EXTRA_INDEX_URL` and pip's own
`PIP_*` variables) and from `.s2i/environment`; the build environment wins.
The values may hold credentials: they are handed to pip only through the
environment of its process, and `fingerprint()` is the only form that may be
stored or logged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from seldon_detect.digests import digest_dir
from seldon_detect.envfile import EnvEntry
from seldon_detect.scribe import redact

#: the wheel folder of the s2i docs (`s2i build -i <dir>:/whl`)
DEFAULT_WHEEL_DIR = Path("/whl")


@dataclass
class IndexSettings:
    index_url: str | None = None
    extra_index_urls: list[str] = field(default_factory=list)
    trusted_hosts: list[str] = field(default_factory=list)
    wheel_dirs: list[Path] = field(default_factory=list)

    @classmethod
    def from_sources(
        cls, s2i_env: list[EnvEntry], build_env: Mapping[str, str], wheel_dirs: list[Path]
    ) -> IndexSettings:
        merged = {e.key: e.value for e in s2i_env}
        merged.update({k: v for k, v in build_env.items() if v is not None})
        extras: list[str] = []
        for key in ("EXTRA_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
            extras += [u for u in merged.get(key, "").split() if u not in extras]
        return cls(
            index_url=merged.get("PIP_INDEX_URL", "").strip() or None,
            extra_index_urls=extras,
            trusted_hosts=merged.get("PIP_TRUSTED_HOST", "").split(),
            wheel_dirs=[d for d in wheel_dirs if d.is_dir()],
        )

    def pip_env(self) -> dict[str, str]:
        """Environment variables that give pip these settings (may contain secrets)."""
        env = {}
        if self.index_url:
            env["PIP_INDEX_URL"] = self.index_url
        if self.extra_index_urls:
            env["PIP_EXTRA_INDEX_URL"] = " ".join(self.extra_index_urls)
        if self.trusted_hosts:
            env["PIP_TRUSTED_HOST"] = " ".join(self.trusted_hosts)
        if self.wheel_dirs:
            env["PIP_FIND_LINKS"] = " ".join(str(d) for d in self.wheel_dirs)
        return env

    def describe(self) -> list[str]:
        """Human-readable, redacted lines for the build log."""
        lines = [f"wheel folder: {d}" for d in self.wheel_dirs]
        if self.index_url:
            lines.append(f"index: {redact(self.index_url)}")
        lines += [f"extra index: {redact(u)}" for u in self.extra_index_urls]
        lines += [f"trusted host: {h}" for h in self.trusted_hosts]
        return lines

    def fingerprint(self) -> str:
        """A digest of the non-secret settings, for layer keys (credentials excluded)."""
        parts = [redact(self.index_url or ""), *map(redact, self.extra_index_urls),
                 *self.trusted_hosts]
        parts += [f"{d}:{digest_dir(d)}" for d in self.wheel_dirs]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def probe_index(url: str, project: str, timeout: float = 10.0) -> int | None:
    """HTTP status of `<index>/<project>/` (credentials in the URL sent as basic auth).

    pip hides a 401/403 behind "No matching distribution"; this tells the two apart.
    None when the index cannot be reached at all.
    """
    import base64
    import urllib.error
    import urllib.parse
    import urllib.request

    parts = urllib.parse.urlsplit(url)
    headers = {}
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username is not None:
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    path = parts.path.rstrip("/") + f"/{project}/"
    clean = urllib.parse.urlunsplit((parts.scheme, netloc, path, "", ""))
    try:
        with urllib.request.urlopen(urllib.request.Request(clean, headers=headers),
                                    timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code
    except (OSError, ValueError):
        return None
