"""The optional base class and response wrapper model code imports.

Mirrors `seldon_core.user_model`: every method of `SeldonComponent` raises
`SeldonNotImplementedError`, so a subclass falls back exactly as if the method
were absent; `load()` does nothing and the constructor ignores its arguments.
"""

from __future__ import annotations

from typing import Any

from .errors import SeldonMicroserviceException, SeldonNotImplementedError

__all__ = [
    "SeldonComponent",
    "SeldonResponse",
    "SeldonNotImplementedError",
    "SeldonMicroserviceException",
]


class SeldonResponse:
    """A payload plus runtime tags and metrics for this one response."""

    def __init__(self, data: Any, tags: dict | None = None, metrics: list | None = None):
        self.data = data
        self.tags = tags if tags is not None else {}
        self.metrics = metrics if metrics is not None else []

    @classmethod
    def create(cls, data: Any) -> SeldonResponse:
        return data if isinstance(data, cls) else cls(data)


def _not_implemented(name: str):
    def method(self, *args, **kwargs):
        raise SeldonNotImplementedError(f"{name} is not implemented")

    method.__name__ = name
    method.__qualname__ = f"SeldonComponent.{name}"
    return method


class SeldonComponent:
    def __init__(self, **kwargs):
        pass

    def load(self) -> None:
        pass


for _name in (
    "tags",
    "class_names",
    "health_status",
    "health_status_raw",
    "metadata",
    "init_metadata",
    "predict",
    "predict_raw",
    "send_feedback",
    "send_feedback_raw",
    "transform_input",
    "transform_input_raw",
    "transform_output",
    "transform_output_raw",
    "metrics",
    "feature_names",
    "route",
    "route_raw",
    "aggregate",
    "aggregate_raw",
):
    setattr(SeldonComponent, _name, _not_implemented(_name))
del _name
