"""How long and how much the REST worker waits for and holds per client.

Read from the runtime's `Settings` when the worker serves the runtime's app;
a bare `gunicorn -k seldon_runtime.worker.KeepAliveWorker app:app` gets the
defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_BODY_TIMEOUT = 30.0
DEFAULT_MAX_CONNECTIONS = 256
DEFAULT_MAX_BODY = 100 * 1024 * 1024
#: request line plus headers; larger heads get 431
MAX_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    header_timeout: float = DEFAULT_HEADER_TIMEOUT  # first byte of a request to its last header
    body_timeout: float = DEFAULT_BODY_TIMEOUT  # end of the headers to the end of the body
    max_connections: int = DEFAULT_MAX_CONNECTIONS  # open connections per worker
    max_body: int = DEFAULT_MAX_BODY


def from_application(app: Any) -> Limits:
    """The limits of gunicorn application `app` (the runtime's `RestServer` has settings)."""
    settings = getattr(app, "settings", None)
    if settings is None:
        return Limits()
    return Limits(
        header_timeout=settings.header_timeout,
        body_timeout=settings.body_timeout,
        max_connections=settings.max_connections,
        max_body=settings.max_body_size,
    )
