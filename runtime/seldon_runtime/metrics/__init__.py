"""Custom metrics: the dict format user code returns, helpers and validation.

Same names as `seldon_core.metrics` so model code can keep importing them.
"""

from __future__ import annotations

from typing import Any

COUNTER = "COUNTER"
GAUGE = "GAUGE"
TIMER = "TIMER"
METRIC_TYPES = (COUNTER, GAUGE, TIMER)


def _create(kind: str, key: str, value: Any) -> dict:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value + 1  # numpy scalars and other number-likes are fine
        except TypeError:
            raise TypeError(f"Metric value must be a number, got {value!r}") from None
    return {"type": kind, "key": key, "value": value}


def create_counter(key: str, value: Any) -> dict:
    return _create(COUNTER, key, value)


def create_gauge(key: str, value: Any) -> dict:
    return _create(GAUGE, key, value)


def create_timer(key: str, value: Any) -> dict:
    """A timer observation; `value` is in milliseconds."""
    return _create(TIMER, key, value)


def _valid_metric(metric: Any) -> bool:
    if not isinstance(metric, dict):
        return False
    if "key" not in metric or "value" not in metric or metric.get("type") not in METRIC_TYPES:
        return False
    tags = metric.get("tags")
    if tags is not None and not isinstance(tags, dict):
        return False
    try:
        metric["value"] + 1
    except TypeError:
        return False
    return True


def validate_metrics(metrics: Any) -> bool:
    return isinstance(metrics, list) and all(_valid_metric(m) for m in metrics)
