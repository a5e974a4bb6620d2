"""Kubernetes pod annotations from the downward-API file seldon-core reads."""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)

PATH = "/etc/podinfo/annotations"


def read(path: str = PATH) -> dict[str, str]:
    """`key="value"` lines; a missing file is simply empty."""
    out: dict[str, str] = {}
    if not os.path.isfile(path):
        return out
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            key, sep, value = line.partition("=")
            if not sep or len(value) < 2:
                log.warning("Ignoring malformed annotation line %r in %s", line, path)
                continue
            out[key] = value[1:-1]
    return out


def rest_timeout_seconds(annotations: dict[str, str]) -> int | None:
    raw = annotations.get("seldon.io/rest-timeout")
    if raw is None:
        return None
    try:
        return max(1, int(int(raw) / 1000))
    except ValueError:
        log.warning("Ignoring seldon.io/rest-timeout=%r: not a number of milliseconds", raw)
        return None
