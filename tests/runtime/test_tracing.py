"""Jaeger tracing (`TRACING=1`): spans reach a UDP agent in jaeger-client's wire format,
join the caller's trace, and look like seldon-core 1.18.2's for the same calls."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import grpc
import pytest

from seldon_runtime.tracing import thrift
from seldon_runtime.tracing.context import parse
from seldon_runtime.tracing.tracer import Sampler
from tests.runtime.conftest import free_port, start_server

HERE = Path(__file__).parent
PARENT = "7f0a2b3c4d5e6f70:1a2b3c4d5e6f7081:0:1"
TRACE_ID, PARENT_SPAN = 0x7F0A2B3C4D5E6F70, 0x1A2B3C4D5E6F7081
# SeldonMessage{data: {tensor: {shape: [1], values: [2.5]}}}, encoded by hand
TENSOR_MESSAGE = bytes.fromhex("1a0f120d0a010112080000000000000440")


class Agent:
    def __init__(self, python: Path, tmp: Path):
        port_file, self.out = tmp / "agent.port", tmp / "spans.jsonl"
        self.proc = subprocess.Popen([str(python), str(HERE / "jaeger_agent.py"),
                                      str(port_file), str(self.out)])
        deadline = time.monotonic() + 20
        while not (port_file.is_file() and port_file.read_text()):
            assert time.monotonic() < deadline and self.proc.poll() is None, "agent did not start"
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        self.seen = 0  # lines of `out` already returned

    def spans(self, count: int, timeout: float = 15) -> list[dict]:
        """The first `count` spans other than the readiness probe's /health/ping calls."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.out.read_text().splitlines() if self.out.is_file() else []
            found = [s for s in map(json.loads, lines[self.seen:])
                     if s["operation"] != "HealthPing"]
            if len(found) >= count:
                self.seen = len(lines)
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} spans, got {found}")

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def agent(seldon_core_venv, tmp_path):
    running = Agent(seldon_core_venv / "bin" / "python", tmp_path)
    yield running
    running.stop()


def _calls(tmp_path, agent, command=None) -> list[dict]:
    """A REST predict joined to a trace, a fresh REST predict, a gRPC predict joined to the
    trace and a failing REST call; returns the spans the agent got, by operation order."""
    grpc_port = free_port()
    env = {"TRACING": "1", "JAEGER_AGENT_HOST": "127.0.0.1",
           "JAEGER_AGENT_PORT": str(agent.port), "GRPC_WORKERS": "1",
           "PREDICTIVE_UNIT_GRPC_SERVICE_PORT": str(grpc_port),
           "JAEGER_EXTRA_TAGS": "path,remote_addr"}
    server = start_server(tmp_path, "Identity", env=env, command=command)
    try:
        joined = server.post("/predict", {"data": {"ndarray": [[1]]}},
                             headers={"uber-trace-id": PARENT})
        assert joined.status_code == 200, joined.text
        assert server.post("/api/v1.0/predictions", {"data": {"ndarray": [[2]]}}).ok
        with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            call = channel.unary_unary("/seldon.protos.Model/Predict")
            call(TENSOR_MESSAGE, metadata=[("uber-trace-id", PARENT)], timeout=10)
        assert server.post("/predict", {"bad": 1}).status_code == 400
        spans = agent.spans(4)
    finally:
        server.stop()
    return sorted(spans, key=lambda s: s["start"])


def _shape(span: dict) -> dict:
    """What must match between seldon-core and us (ids, times and ports vary)."""
    volatile = {"http.url", "peer.port"}
    return {"operation": span["operation"], "flags": span["flags"],
            "tags": {k: v for k, v in span["tags"].items() if k not in volatile},
            "joined": span["trace_id"] == TRACE_ID and span["parent_id"] == PARENT_SPAN,
            "root": span["parent_id"] == 0}


def test_spans_reach_the_agent_and_join_the_callers_trace(tmp_path, agent):
    rest_joined, rest_fresh, grpc_joined, rest_bad = _calls(tmp_path, agent)
    for span in (rest_joined, rest_fresh, grpc_joined, rest_bad):
        assert span["message"] == "emitBatch" and span["oneway"]
        assert span["service"] == "Identity"
        assert {"hostname", "ip", "jaeger.version"} <= set(span["process_tags"])
        assert span["duration"] >= 0 and span["span_id"] not in (0, PARENT_SPAN)
    assert rest_joined["trace_id"] == TRACE_ID and rest_joined["parent_id"] == PARENT_SPAN
    assert rest_joined["operation"] == "Predict" and rest_joined["flags"] == 1
    assert rest_joined["tags"]["http.status_code"] == 200
    assert rest_joined["tags"]["http.url"].endswith("/predict")
    assert rest_joined["tags"]["path"] == "/predict"
    assert rest_fresh["trace_id"] not in (0, TRACE_ID) and rest_fresh["parent_id"] == 0
    assert rest_fresh["tags"]["sampler.type"] == "const"
    assert grpc_joined["operation"] == "/seldon.protos.Model/Predict"
    assert grpc_joined["trace_id"] == TRACE_ID and grpc_joined["parent_id"] == PARENT_SPAN
    assert grpc_joined["tags"]["component"] == "grpc"
    assert grpc_joined["tags"]["peer.ipv4"] == "127.0.0.1"
    assert rest_bad["tags"]["http.status_code"] == 400


def test_spans_match_seldon_core(tmp_path, agent, seldon_core_venv):
    cli = [str(seldon_core_venv / "bin" / "seldon-core-microservice")]
    theirs = [_shape(s) for s in _calls(tmp_path, agent, command=cli)]
    ours = [_shape(s) for s in _calls(tmp_path, agent)]
    assert ours == theirs


def test_no_agent_never_breaks_serving(tmp_path):
    env = {"TRACING": "1", "JAEGER_AGENT_HOST": "no-such-host.invalid",
           "JAEGER_AGENT_PORT": "6831"}
    server = start_server(tmp_path, "Identity", env=env)
    try:
        for _ in range(3):
            assert server.post("/predict", {"data": {"ndarray": [[1]]}}).ok
        time.sleep(1.5)
        assert server.post("/predict", {"data": {"ndarray": [[1]]}}).ok
        time.sleep(1.5)
        log = server.log()
        assert re.search(r"Cannot send \d+ spans to the Jaeger agent at "
                         r"no-such-host.invalid:6831: .*; spans are dropped", log), log
        assert log.count("Cannot send") == 1  # once per outage, not once a second
    finally:
        server.stop()


def test_a_bad_configuration_stops_the_start(tmp_path):
    config = tmp_path / "jaeger.yaml"
    config.write_text("sampler:\n  type: adaptive\n  param: 1\n")
    server = start_server(tmp_path, "Identity", env={"TRACING": "1",
                                                     "JAEGER_CONFIG_PATH": str(config)},
                          wait=False)
    assert server.proc.wait(30) == 1
    assert "The Jaeger configuration has a bad value" in server.log()
    assert "unknown Jaeger sampler type 'adaptive'" in server.log()


@pytest.mark.parametrize("value, expected", [
    (PARENT, (TRACE_ID, PARENT_SPAN, 0, 1)),
    ("7f0a2b3c4d5e6f70%3A1a2b3c4d5e6f7081%3A0%3A1", (TRACE_ID, PARENT_SPAN, 0, 1)),
    ("00000000000000010000000000000002:3:1:0", ((1 << 64) | 2, 3, 1, 0)),
    ("", None), ("1:2:3", None), ("x:2:3:1", None), ("0:2:3:1", None),
])
def test_trace_header(value, expected):
    got = parse(value)
    assert (None if got is None else (got.trace_id, got.span_id, got.parent_id, got.flags)) \
        == expected


def test_samplers():
    assert Sampler("const", 0).sample() is False
    assert Sampler("const", 1).tags == {"sampler.type": "const", "sampler.param": True}
    assert sum(Sampler("probabilistic", 0.5).sample() for _ in range(2000)) in range(800, 1200)
    limited = Sampler("ratelimiting", 2)
    assert sum(limited.sample() for _ in range(50)) == 2
    with pytest.raises(ValueError):
        Sampler("adaptive", 1)


def test_batches_are_split_under_the_datagram_limit():
    from seldon_runtime.tracing.reporter import MAX_PACKET, UdpReporter

    sent: list[int] = []
    reporter = UdpReporter("127.0.0.1", 9, thrift.process("M", {}))
    reporter._send = lambda spans: sent.append(len(thrift.emit_batch(reporter.process, spans)))
    big = thrift.span(1, 2, 0, "Predict", 1, 0, 1, {"data": "x" * 1000}, max_length=1000)
    reporter.queue.extend([big] * 200)
    reporter.flush()
    assert len(sent) >= 4 and max(sent) <= MAX_PACKET and not reporter.queue


def test_every_rest_route_has_seldon_cores_operation_name():
    from types import SimpleNamespace

    from seldon_runtime.rest.app import RestApp
    from seldon_runtime.tracing.wsgi import OPERATIONS

    plane = SimpleNamespace(**{name: None for name in (
        "predict", "send_feedback", "transform_input", "transform_output", "route",
        "aggregate")})
    assert set(OPERATIONS) == set(RestApp(plane).routes)
