"""Adapter around the user's object: which hooks it has and how to call them.

Looked up once at start-up rather than per request. A method inherited
unchanged from a `SeldonComponent` base (ours or seldon-core's) only raises
`SeldonNotImplementedError`, so it counts as absent where that leads to the
same outcome. Whether a method takes `meta` (or `routing`) is read from its
signature, so a `TypeError` raised inside user code is never retried with
fewer arguments (seldon-core did that, running the method twice).
"""

from __future__ import annotations

import inspect
import logging
from typing import Any, Callable

from .errors import is_not_implemented

log = logging.getLogger(__name__)


def _inherited_default(obj: Any, name: str) -> bool:
    func = getattr(getattr(obj, name, None), "__func__", None)
    return func is not None and getattr(func, "__qualname__", "") == f"SeldonComponent.{name}"


def method(obj: Any, name: str) -> Callable | None:
    """The bound method `name`, or None if absent or a base-class default."""
    attr = getattr(obj, name, None)
    if attr is None or not callable(attr) or _inherited_default(obj, name):
        return None
    return attr


def _accepts(func: Callable, keyword: str) -> bool | None:
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return None
    return any(
        p.kind is p.VAR_KEYWORD
        or (p.name == keyword and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
        for p in params
    )


def with_meta(func: Callable) -> Callable[[Any, list, Any], Any]:
    """Wrap `func(X, names[, meta=])` as a three-argument call."""
    accepts = _accepts(func, "meta")
    if accepts:
        return lambda X, names, meta: func(X, names, meta=meta)
    if accepts is False:
        return lambda X, names, meta: func(X, names)

    def guess(X, names, meta):  # signature unknown (C callables): seldon-core's way
        try:
            return func(X, names, meta=meta)
        except TypeError:
            return func(X, names)

    return guess


class Component:
    """The user's object with its hooks resolved for the REST transport."""

    def __init__(self, obj: Any):
        self.obj = obj
        m = lambda name: method(obj, name)  # noqa: E731
        self.load = m("load")
        self.custom_service = m("custom_service")
        self.predict_rest = m("predict_rest")
        self.predict_raw = m("predict_raw")
        predict = m("predict")
        self.predict = with_meta(predict) if predict else None
        self.transform_input_rest = m("transform_input_rest")
        self.transform_input_raw = m("transform_input_raw")
        ti = m("transform_input")
        self.transform_input = with_meta(ti) if ti else None
        self.transform_output_rest = m("transform_output_rest")
        self.transform_output_raw = m("transform_output_raw")
        to = m("transform_output")
        self.transform_output = with_meta(to) if to else None
        self.route_rest = m("route_rest")
        self.route_raw = m("route_raw")
        # route/aggregate keep the base default: its error text is the answer.
        route = getattr(obj, "route", None)
        self.route = with_meta(route) if callable(route) else None
        self.aggregate_rest = m("aggregate_rest")
        self.aggregate_raw = m("aggregate_raw")
        aggregate = getattr(obj, "aggregate", None)
        self.aggregate = aggregate if callable(aggregate) else None
        self.send_feedback_rest = m("send_feedback_rest")
        self.send_feedback_raw = m("send_feedback_raw")
        self.send_feedback = m("send_feedback")
        self.feedback_takes_routing = bool(
            self.send_feedback and _accepts(self.send_feedback, "routing") is not False
        )
        self.health_status_raw = m("health_status_raw")
        self.health_status = m("health_status")
        self.init_metadata = m("init_metadata")
        self.score = m("score")
        self._tags = m("tags")
        self._metrics = m("metrics")
        self._class_names = getattr(obj, "class_names", None)
        if _inherited_default(obj, "class_names"):
            self._class_names = None
        self._default_names: dict = {}

    def call_optional(self, func: Callable | None, default: Any) -> Any:
        if func is None:
            return default
        try:
            return func()
        except Exception as exc:
            if is_not_implemented(exc):
                return default
            raise

    def tags(self) -> dict:
        return self.call_optional(self._tags, None) or {}

    def metrics(self) -> Any:
        return self.call_optional(self._metrics, [])

    @property
    def has_metrics(self) -> bool:
        return self._metrics is not None

    def names_for(self, n: int) -> list:
        """Column names for a 2-D result with n columns."""
        cn = self._class_names
        if cn is not None:
            if callable(cn):
                try:
                    return cn()
                except Exception as exc:
                    if not is_not_implemented(exc):
                        raise
            else:
                return cn
        names = self._default_names.get(n)
        if names is None:
            names = self._default_names[n] = [f"t:{i}" for i in range(n)]
        return names
