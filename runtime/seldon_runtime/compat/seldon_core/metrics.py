from seldon_runtime.metrics import (
    COUNTER,
    GAUGE,
    TIMER,
    create_counter,
    create_gauge,
    create_timer,
    validate_metrics,
)

__all__ = [
    "COUNTER",
    "GAUGE",
    "TIMER",
    "create_counter",
    "create_gauge",
    "create_timer",
    "validate_metrics",
]
