"""Custom-metric helpers and the label/method names of seldon-core's metrics module."""

from __future__ import annotations

from seldon_runtime.metrics import (
    COUNTER,
    GAUGE,
    TIMER,
    create_counter,
    create_gauge,
    create_timer,
    validate_metrics,
)
from seldon_runtime.metrics.recorder import default_labels

FEEDBACK_KEY = "seldon_api_model_feedback"
FEEDBACK_REWARD_KEY = "seldon_api_model_feedback_reward"
FEEDBACK_METRIC_METHOD_TAG = "feedback"
PREDICT_METRIC_METHOD_TAG = "predict"
INPUT_TRANSFORM_METRIC_METHOD_TAG = "inputtransform"
OUTPUT_TRANSFORM_METRIC_METHOD_TAG = "outputtransform"
ROUTER_METRIC_METHOD_TAG = "router"
AGGREGATE_METRIC_METHOD_TAG = "aggregate"
HEALTH_METRIC_METHOD_TAG = "health"

# The labels the runtime puts on every metric (read from the operator's variables).
DEFAULT_LABELS = default_labels()


def split_image_tag(tag: str) -> tuple[str, str]:
    """(name, version) of an image reference, split at its last colon."""
    name, _, version = tag.rpartition(":")
    return name, version


__all__ = [
    "AGGREGATE_METRIC_METHOD_TAG",
    "COUNTER",
    "DEFAULT_LABELS",
    "FEEDBACK_KEY",
    "FEEDBACK_METRIC_METHOD_TAG",
    "FEEDBACK_REWARD_KEY",
    "GAUGE",
    "HEALTH_METRIC_METHOD_TAG",
    "INPUT_TRANSFORM_METRIC_METHOD_TAG",
    "OUTPUT_TRANSFORM_METRIC_METHOD_TAG",
    "PREDICT_METRIC_METHOD_TAG",
    "ROUTER_METRIC_METHOD_TAG",
    "TIMER",
    "create_counter",
    "create_gauge",
    "create_timer",
    "split_image_tag",
    "validate_metrics",
]
