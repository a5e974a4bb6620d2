"""`pip install` into the app's Python environment with our index, cache and credential rules.

Credentials (index URLs with `user:pass@`, pip.conf and netrc from a `pip`
binding, CA certificates from a `ca-certificates` binding) reach pip only
through the environment of its process; output is redacted line by line.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from seldon_detect.cnb import pexec
from seldon_detect.cnb.bindings import Binding, bindings_of_type
from seldon_detect.cnb.context import Context
from seldon_detect.envfile import EnvEntry
from seldon_detect.indexes import DEFAULT_WHEEL_DIR, IndexSettings, probe_index
from seldon_detect.installfail import (
    classify_install_failure,
    credentials_error,
    missing_distribution,
)
from seldon_detect.scribe import Scribe, redact

#: fixed timestamp for reproducible `.pyc` files (pip/py_compile then write hash-based pycs)
REPRODUCIBLE_EPOCH = "315532801"
SYSTEM_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
#: pip settings this module decides; a value left in the environment must not leak through
MANAGED_KEYS = frozenset({
    "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "PIP_FIND_LINKS",
    "PIP_CERT", "PIP_CACHE_DIR", "PIP_NO_CACHE_DIR", "NETRC",
    "EXTRA_INDEX_URL", "PIP_TARGET", "PIP_PREFIX", "PIP_USER", "PIP_REQUIRE_VIRTUALENV",
})


@dataclass
class PipRunner:
    python: Path
    settings: IndexSettings
    bindings: list[Binding]
    cache_dir: Path | None = None

    def env(self, scratch: Path) -> dict[str, str]:
        extra = {
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_PROGRESS_BAR": "off",
            "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", REPRODUCIBLE_EPOCH),
            **self.settings.pip_env(),
        }
        if self.cache_dir:
            extra["PIP_CACHE_DIR"] = str(self.cache_dir)
        else:
            extra["PIP_NO_CACHE_DIR"] = "1"
        for binding in bindings_of_type(self.bindings, "pip"):
            conf = binding.entry("pip.conf")
            netrc = binding.entry("netrc") or binding.entry(".netrc")
            if conf:
                extra["PIP_CONFIG_FILE"] = str(conf)
            if netrc:
                extra["NETRC"] = str(netrc)
        bundle = ca_bundle(self.bindings, scratch)
        if bundle:
            extra["PIP_CERT"] = str(bundle)
            extra["SSL_CERT_FILE"] = str(bundle)
            extra["REQUESTS_CA_BUNDLE"] = str(bundle)
        # the user's other PIP_* settings (timeouts, ...) pass through; ours replace theirs
        env = pexec.clean_env(extra)
        for key in MANAGED_KEYS - extra.keys():
            env.pop(key, None)
        return env

    def install(self, args: Sequence[str], what: str, scribe: Scribe, python_version: str,
                cwd: Path | None = None, echo: bool = True) -> None:
        with tempfile.TemporaryDirectory(prefix="seldon-pip-") as scratch:
            result = pexec.run(
                [str(self.python), "-m", "pip", "install", *args], scribe,
                env=self.env(Path(scratch)), cwd=cwd, echo=echo,
            )
        if result.returncode != 0:
            self._raise_failure(result.output, result.returncode, what, python_version)

    def _raise_failure(self, output: str, returncode: int, what: str, python_version: str):
        missing = missing_distribution(output)
        if missing:
            name = re.split(r"[\s=<>!~\[;(]", missing, maxsplit=1)[0]
            indexes = [self.settings.index_url] if self.settings.index_url else []
            for url in indexes + self.settings.extra_index_urls:
                status = probe_index(url, name)
                if status in (401, 403):
                    raise credentials_error(what, redact(url), status)
        raise classify_install_failure(output, returncode, what, python_version)


def ca_bundle(bindings: list[Binding], scratch: Path) -> Path | None:
    """System CAs plus every certificate of the `ca-certificates` bindings, in `scratch`.

    With no binding it is the system bundle itself: pip inside a conda prefix and
    uv carry their own CA lists, which know nothing of a site's TLS proxy or the
    certificates the platform mounted into the build container.
    """
    certs = []
    for binding in bindings_of_type(bindings, "ca-certificates"):
        certs += sorted(p for p in binding.entries_dir.iterdir()
                        if p.is_file() and p.name not in ("type", "provider"))
    if not certs:
        return SYSTEM_CA_BUNDLE if SYSTEM_CA_BUNDLE.is_file() else None
    bundle = scratch / "ca-bundle.crt"
    parts = [SYSTEM_CA_BUNDLE.read_bytes()] if SYSTEM_CA_BUNDLE.is_file() else []
    parts += [p.read_bytes() for p in certs]
    bundle.write_bytes(b"\n".join(parts))
    return bundle


def index_settings(ctx: Context, s2i_env: list[EnvEntry]) -> IndexSettings:
    """Index settings from `.s2i/environment` and the user's build env, wheel folders first."""
    wheel_dirs = [DEFAULT_WHEEL_DIR] + [b.entries_dir for b in bindings_of_type(ctx.bindings,
                                                                                "wheels")]
    keys = ("EXTRA_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_INDEX_URL", "PIP_TRUSTED_HOST")
    build_env = {k: ctx.env(k) for k in keys if ctx.env(k)}
    return IndexSettings.from_sources(s2i_env, build_env, wheel_dirs)
