"""Records custom metrics into Prometheus (multiprocess mode).

Each (type, key, label names) maps to one cached prometheus_client metric, so
an update is a dict lookup plus one write into this worker's mmap file — no
Manager process, no IPC. Label sets follow seldon-core: the user's tags, then
the default labels (which win), then `method` and `worker_id`.
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any, Iterable

from ..errors import BadMetricError
from . import COUNTER, GAUGE, TIMER

log = logging.getLogger(__name__)

UNSET = "NOT_IMPLEMENTED"


def _timer_buckets() -> list:
    # seldon-core's fixed edges: 50 log-spaced bounds from 1 ms to 30 s.
    import numpy as np

    return [float(b) for b in np.logspace(np.log10(0.001), np.log10(30), 50)] + [float("inf")]


def default_labels(env: dict[str, str] | None = None) -> dict:
    env = os.environ if env is None else env
    image = env.get("PREDICTIVE_UNIT_IMAGE", "")
    if image:
        name, _, version = image.rpartition(":")
        if not name:
            name, version = version, UNSET
    else:
        name = version = UNSET
    try:
        predictor_version = json.loads(env.get("PREDICTOR_LABELS", "{}")).get("version", UNSET)
    except (ValueError, AttributeError):
        predictor_version = UNSET
    deployment = env.get("SELDON_DEPLOYMENT_ID", UNSET)
    return {
        "deployment_name": deployment,
        "model_name": env.get("PREDICTIVE_UNIT_ID", UNSET),
        "model_image": name,
        "model_version": version,
        "predictor_name": env.get("PREDICTOR_ID", UNSET),
        "predictor_version": str(predictor_version),
        "seldon_deployment_name": deployment,
        "image_name": name,
        "image_version": version,
    }


_BAD_NAME = re.compile(r"[^a-zA-Z0-9_:]")
_BAD_LABEL = re.compile(r"[^a-zA-Z0-9_]")


def metric_name(key: str) -> str:
    name = _BAD_NAME.sub("_", str(key))
    return "_" + name if name[:1].isdigit() or not name else name


def label_name(key: str) -> str:
    name = _BAD_LABEL.sub("_", str(key))
    return "_" + name if name[:1].isdigit() or not name else name


class MetricsRecorder:
    def __init__(self, defaults: dict | None = None):
        self._defaults = default_labels() if defaults is None else defaults
        self._metrics: dict = {}
        self._buckets: list | None = None

    def _metric(self, kind: str, name: str, labelnames: tuple):
        cache_key = (kind, name, labelnames)
        metric = self._metrics.get(cache_key)
        if metric is None:
            import prometheus_client as pc

            # registry=None: in multiprocess mode the collector reads the
            # files, so nothing needs registering (and families sharing a name
            # with different label sets do not clash).
            if kind == COUNTER:
                metric = pc.Counter(name, "", labelnames, registry=None)
            elif kind == GAUGE:
                metric = pc.Gauge(name, "", labelnames, registry=None, multiprocess_mode="livesum")
            else:
                if self._buckets is None:
                    self._buckets = _timer_buckets()
                metric = pc.Histogram(name, "", labelnames, registry=None, buckets=self._buckets)
            self._metrics[cache_key] = metric
        return metric

    def record(self, metrics: Iterable[Any], method: str) -> None:
        for m in metrics:
            try:
                key = m["key"]
            except (KeyError, TypeError):
                raise BadMetricError(f"Bad metric created during request: {m}") from None
            kind = m.get("type", COUNTER)
            if kind not in (COUNTER, GAUGE, TIMER):
                log.error("Unknown metric type %r for metric %r: ignored", kind, key)
                continue
            labels = {label_name(k): str(v) for k, v in (m.get("tags") or {}).items()}
            labels.update(self._defaults)
            labels["method"] = method
            labels["worker_id"] = str(os.getpid())
            names = tuple(sorted(labels))
            metric = self._metric(kind, metric_name(key), names).labels(*[labels[n] for n in names])
            value = float(m.get("value", 0))
            if kind == COUNTER:
                metric.inc(value)
            elif kind == GAUGE:
                metric.set(value)
            else:
                metric.observe(value / 1000.0)
