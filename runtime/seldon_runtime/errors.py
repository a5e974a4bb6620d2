"""Exceptions user code raises and the error bodies the server answers with.

The classes keep seldon-core's names and constructor signatures so code written
for `seldon_core.flask_utils` / `seldon_core.user_model` works unchanged.
"""

from __future__ import annotations

from typing import Any

FAILURE = 1


class SeldonMicroserviceException(Exception):
    """An error with an HTTP status and a Seldon `status` body."""

    status_code = 400

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        payload: Any = None,
        reason: str = "MICROSERVICE_BAD_DATA",
    ):
        # Passing the message to Exception keeps str(exc) meaningful (seldon-core
        # dropped it, so gRPC clients saw an empty error text).
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        self.payload = payload
        self.reason = reason

    def to_dict(self) -> dict:
        return status_body(self.message, self.reason)


class SeldonNotImplementedError(SeldonMicroserviceException):
    """Raised by a method that is not implemented: the caller falls back."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)


class BadMetricError(SeldonMicroserviceException):
    def __init__(self, message: str):
        super().__init__(message, status_code=500, reason="MICROSERVICE_BAD_METRIC")


def status_body(info: str, reason: str) -> dict:
    """The Seldon failure body; `code` is always -1 as in seldon-core."""
    return {"status": {"code": -1, "info": info, "reason": reason, "status": FAILURE}}


def internal_error(exc: BaseException) -> tuple[int, dict]:
    return 500, status_body(str(exc), "MICROSERVICE_INTERNAL_ERROR")


def _has_ancestor(exc: BaseException, name: str) -> bool:
    return any(cls.__name__ == name for cls in type(exc).__mro__)


def is_not_implemented(exc: BaseException) -> bool:
    """True for our SeldonNotImplementedError and for the real seldon-core one."""
    return isinstance(exc, SeldonNotImplementedError) or _has_ancestor(
        exc, "SeldonNotImplementedError"
    )


def as_seldon_error(exc: BaseException) -> tuple[int, dict] | None:
    """(HTTP status, body) for a Seldon exception, ours or seldon-core's; else None."""
    if not (
        isinstance(exc, SeldonMicroserviceException)
        or _has_ancestor(exc, "SeldonMicroserviceException")
    ):
        return None
    status = getattr(exc, "status_code", 400)
    try:
        body = exc.to_dict()  # type: ignore[attr-defined]
    except Exception:
        body = status_body(str(exc), getattr(exc, "reason", "MICROSERVICE_BAD_DATA"))
    if not isinstance(status, int) or not 100 <= status <= 599:
        status = 500
    return status, body
