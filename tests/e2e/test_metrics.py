"""Custom metrics and tags: in the response's meta and on the Prometheus port (6000).

The container gets the environment the Seldon operator sets, so the default
labels and the request path can be checked against the protocol's rules.
"""

from __future__ import annotations

import re

import grpc
import pytest
import requests

from .containers import METRICS
from .expectations import example_request, mismatches

pytestmark = [pytest.mark.engine, pytest.mark.images("metrics-tags")]

OPERATOR_ENV = {
    "PREDICTIVE_UNIT_ID": "metrics",
    "PREDICTIVE_UNIT_IMAGE": "e2e/metrics-tags:0.1",
    "SELDON_DEPLOYMENT_ID": "sdep",
    "PREDICTOR_ID": "pred",
    "PREDICTOR_LABELS": '{"version": "v7"}',
}
DEFAULT_LABELS = {
    "deployment_name": "sdep", "seldon_deployment_name": "sdep", "model_name": "metrics",
    "model_image": "e2e/metrics-tags", "image_name": "e2e/metrics-tags",
    "model_version": "0.1", "image_version": "0.1", "predictor_name": "pred",
    "predictor_version": "v7",
}
SAMPLE = re.compile(r"^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$")
LABEL = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    out = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            match = SAMPLE.match(line)
            assert match, f"not a Prometheus sample line: {line!r}"
            name, labels, value = match.groups()
            out.append((name, dict(LABEL.findall(labels or "")), float(value)))
    return out


def total(found, name: str, **labels: str) -> float:
    return sum(v for n, ls, v in found if n == name
               and all(ls.get(k) == want for k, want in labels.items()))


@pytest.fixture(scope="module")
def container(images, runner):
    container = runner.serve(images.image("metrics-tags").image, env=OPERATOR_ENV)
    yield container
    container.remove()


def test_response_meta_carries_tags_metrics_and_request_path(container):
    reply = requests.post(container.url("/api/v1.0/predictions"),
                          json=example_request("metrics-tags"), timeout=30)
    assert reply.status_code == 200
    answer = reply.json()
    timer = answer["meta"]["metrics"][2]
    assert timer["key"] == "predict_time" and timer["type"] == "TIMER" and timer["value"] >= 0
    expected = {
        "data": {"names": ["t:0", "t:1"], "ndarray": [[1, 2], [3, 4], [5, 6]]},
        "meta": {
            "requestPath": {"metrics": "e2e/metrics-tags:0.1"},
            "tags": {"model_kind": "identity", "rows_seen": 3},
            "metrics": [
                {"key": "rows_processed", "type": "COUNTER", "value": 3.0},
                # seldon-core leaked its `method` label into these tags; our runtime
                # keeps it to Prometheus (docs/runtime.md, anchor quirk 11)
                {"key": "rows_in_last_request", "type": "GAUGE", "value": 3.0,
                 "tags": {"model": "identity"}},
                timer,
            ],
        },
    }
    assert mismatches(answer, expected, 1e-9) == []


def test_prometheus_scrape(container, grpc_client):
    def scrape():
        reply = requests.get(container.url("/metrics", port=METRICS), timeout=10)
        assert reply.status_code == 200
        assert reply.headers["Content-Type"].startswith("text/plain")
        return samples(reply.text)

    before = scrape()
    body = example_request("metrics-tags")
    for _ in range(2):
        assert requests.post(container.url("/api/v1.0/predictions"), json=body,
                             timeout=30).status_code == 200
    message = grpc_client.json_format.ParseDict(body, grpc_client.pb2.SeldonMessage())
    with grpc.insecure_channel(container.grpc_target()) as channel:
        grpc_client.grpc.ModelStub(channel).Predict(message, timeout=30)
    after = scrape()

    # 3 calls of 3 rows each, over REST and gRPC workers alike
    def delta(name, **labels):
        return total(after, name, **labels) - total(before, name, **labels)

    assert delta("rows_processed_total", method="predict") == 9
    assert delta("predict_time_count", method="predict") == 3
    assert delta("predict_time_bucket", method="predict", le="+Inf") == 3
    gauges = [(ls, v) for n, ls, v in after if n == "rows_in_last_request"]
    assert gauges and all(v == 3 and ls["model"] == "identity" for ls, v in gauges)
    # TIMER: a histogram in seconds with 50 finite buckets from 1 ms to 30 s, then +Inf
    series_le = [ls["le"] for n, ls, _ in after if n == "predict_time_bucket"
                 and ls.get("worker_id") == next(ls2["worker_id"] for n2, ls2, _ in after
                                                 if n2 == "predict_time_bucket")]
    finite = sorted(float(le) for le in series_le if le != "+Inf")
    assert len(finite) == 50 and "+Inf" in series_le
    assert finite[0] == pytest.approx(0.001) and finite[-1] == pytest.approx(30.0)
    for name, labels, _ in after:
        if name.startswith(("rows_", "predict_time")):
            assert {k: labels.get(k) for k in DEFAULT_LABELS} == DEFAULT_LABELS, (name, labels)
            assert labels["method"] == "predict" and labels["worker_id"]


def test_metadata_defaults_from_the_image_name(container):
    reply = requests.get(container.url("/metadata"), timeout=10)
    assert reply.status_code == 200
    assert reply.json() == {"custom": {}, "inputs": [], "name": "e2e/metrics-tags",
                            "outputs": [], "platform": "", "versions": ["0.1"]}
