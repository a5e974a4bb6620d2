"""Spans, sampling and the tracer's configuration (seldon-core's defaults, or the
jaeger-client YAML file named by `JAEGER_CONFIG_PATH`)."""

from __future__ import annotations

import logging
import os
import random
import socket
import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from .. import __version__
from . import thrift
from .context import HEADER, SAMPLED, SpanContext, parse
from .reporter import UdpReporter

log = logging.getLogger(__name__)
#: seldon-core's defaults when no configuration file is given
DEFAULT_HOST, DEFAULT_PORT = "0.0.0.0", 5775
_KNOWN = {"sampler", "local_agent", "logging", "trace_id_header", "generate_128bit_trace_id",
          "reporter_batch_size", "reporter_flush_interval", "reporter_queue_size",
          "max_tag_value_length", "tags", "enabled"}


class Sampler:
    """jaeger-client's const, probabilistic and rate-limiting samplers; `remote` is taken as
    probabilistic (its starting point in jaeger-client) since no agent is polled."""

    def __init__(self, kind: str = "const", param: float = 1):
        if kind == "remote":
            log.warning("Jaeger sampler 'remote' is not polled; sampling with probability %s",
                        param)
            kind = "probabilistic"
        if kind not in ("const", "probabilistic", "ratelimiting"):
            raise ValueError(f"unknown Jaeger sampler type {kind!r}")
        self.kind, self.param = kind, param
        self.tags: dict[str, Any] = {"sampler.type": kind,
                                     "sampler.param": bool(param) if kind == "const" else param}
        self._credit, self._last = float(param), time.monotonic()

    def sample(self) -> bool:
        if self.kind == "const":
            return bool(self.param)
        if self.kind == "probabilistic":
            return random.random() < float(self.param)
        now = time.monotonic()  # token bucket: `param` traces per second
        self._credit = min(float(self.param), self._credit + (now - self._last) * self.param)
        self._last = now
        if self._credit >= 1:
            self._credit -= 1
            return True
        return False


@dataclass
class Span:
    tracer: Tracer
    operation: str
    context: SpanContext
    start: float
    tags: dict[str, Any] = field(default_factory=dict)
    logs: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def log_kv(self, fields: dict[str, Any]) -> None:
        self.logs.append((int(time.time() * 1e6), fields))

    def finish(self) -> None:
        if self.context.sampled:
            self.tracer.report(self, time.time())


class Tracer:
    def __init__(self, service_name: str, sampler: Sampler, reporter: UdpReporter,
                 trace_id_header: str = HEADER, bits: int = 64, max_tag_length: int = 1024):
        self.service_name = service_name
        self.sampler = sampler
        self.reporter = reporter
        self.header = trace_id_header.lower()
        self.bits = bits
        self.max_tag_length = max_tag_length

    def extract(self, value: str | None) -> SpanContext | None:
        return parse(value)

    def start_span(self, operation: str, parent: SpanContext | None,
                   tags: dict[str, Any]) -> Span:
        span_id = random.getrandbits(64) or 1
        if parent is None:
            trace_id = random.getrandbits(self.bits) or 1
            sampled = self.sampler.sample()
            if sampled:
                tags = {**tags, **self.sampler.tags}
            context = SpanContext(trace_id, span_id, 0, SAMPLED if sampled else 0)
        else:
            context = SpanContext(parent.trace_id, span_id, parent.span_id, parent.flags)
        return Span(self, operation, context, time.time(), tags)

    def report(self, span: Span, end: float) -> None:
        c = span.context
        start_us = int(span.start * 1e6)
        self.reporter.report(thrift.span(
            c.trace_id, c.span_id, c.parent_id, span.operation, c.flags, start_us,
            max(0, int(end * 1e6) - start_us), span.tags, span.logs, self.max_tag_length))


def _local_ip() -> str:
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def from_config(service_name: str, config: Mapping[str, Any],
                env: Mapping[str, str] = os.environ) -> Tracer:
    """A tracer from jaeger-client's configuration keys (unknown keys are warned about)."""
    for key in sorted(set(config) - _KNOWN):
        log.warning("Jaeger configuration key %r is not supported; ignored", key)
    sampler_conf = config.get("sampler") or {}
    sampler = Sampler(str(sampler_conf.get("type", "const")),
                      float(sampler_conf.get("param", 1)))
    agent = config.get("local_agent") or {}
    host = str(agent.get("reporting_host") or env.get("JAEGER_AGENT_HOST") or DEFAULT_HOST)
    port = int(agent.get("reporting_port") or env.get("JAEGER_AGENT_PORT") or DEFAULT_PORT)
    tags = {"jaeger.version": f"Python-seldon-runtime-{__version__}",
            "hostname": socket.gethostname(), "ip": _local_ip(),
            **dict(config.get("tags") or {})}
    reporter = UdpReporter(host, port, thrift.process(service_name, tags),
                           float(config.get("reporter_flush_interval", 1)),
                           int(config.get("reporter_queue_size", 10000)))
    log.info("Tracing to the Jaeger agent at %s:%d (sampler %s, %s)", host, port,
             sampler.kind, sampler.param)
    return Tracer(service_name, sampler, reporter,
                  str(config.get("trace_id_header", HEADER)),
                  128 if config.get("generate_128bit_trace_id") else 64,
                  int(config.get("max_tag_value_length", 1024)))
