"""Every example image built, started and asked over REST and gRPC what its README promises."""

from __future__ import annotations

import json

import grpc
import pytest
import requests
from google.protobuf import empty_pb2

from .builds import EXAMPLES
from .expectations import CALLS, as_grpc, call_for, mismatches, request_of

pytestmark = pytest.mark.engine


def cases(calls):
    return [pytest.param(c, marks=pytest.mark.images(c.image), id=c.image) for c in calls]


def rest(container, route, body):
    return requests.post(container.url(route), json=body, timeout=30)


@pytest.mark.parametrize("call", cases(CALLS))
def test_rest_answer(served, call):
    reply = rest(served(call.image), call.route, request_of(call))
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("application/json")
    assert mismatches(reply.json(), call.expected, call.tolerance) == []


GRPC_CALLS = [c for c in CALLS if c.grpc]


@pytest.mark.parametrize("call", cases(GRPC_CALLS))
def test_grpc_answer(served, grpc_client, call):
    pb2, json_format = grpc_client.pb2, grpc_client.json_format
    service, method = call.grpc
    body = request_of(call)
    if method == "Aggregate":
        message = json_format.ParseDict({"seldonMessages": body}, pb2.SeldonMessageList())
    else:
        message = json_format.ParseDict(body, pb2.SeldonMessage())
    with grpc.insecure_channel(served(call.image).grpc_target()) as channel:
        stub = getattr(grpc_client.grpc, f"{service}Stub")(channel)
        answer = getattr(stub, method)(message, timeout=30)
    got = json_format.MessageToDict(answer)
    expected = as_grpc(call.expected)
    if not expected["data"]["names"]:
        del expected["data"]["names"]  # an empty repeated field is not in proto JSON
    assert mismatches(got, expected, call.tolerance) == []


@pytest.mark.images("sklearn-iris")
def test_health_and_metadata(served, grpc_client):
    iris = served("sklearn-iris")
    ping = requests.get(iris.url("/health/ping"), timeout=10)
    assert (ping.status_code, ping.text.strip()) == (200, "pong")
    status = requests.get(iris.url("/health/status"), timeout=10)
    assert status.status_code == 200
    assert status.json() == {"meta": {}, "strData": "healthy"}
    # no init_metadata() and no PREDICTIVE_UNIT_IMAGE: the protocol's defaults
    expected = {"custom": {}, "inputs": [], "name": "", "outputs": [], "platform": "",
                "versions": [""]}
    for path in ("/metadata", "/api/v1.0/metadata"):
        reply = requests.get(iris.url(path), timeout=10)
        assert reply.status_code == 200
        assert reply.json() == expected
    pb2 = grpc_client.pb2
    with grpc.insecure_channel(iris.grpc_target()) as channel:
        model = grpc_client.grpc.ModelStub(channel).Metadata(empty_pb2.Empty(), timeout=30)
        seldon = grpc_client.grpc.SeldonStub(channel).ModelMetadata(
            pb2.SeldonModelMetadataRequest(name="x"), timeout=30)
    for answer in (model, seldon):
        assert (answer.name, list(answer.versions), answer.platform) == ("", [""], "")


@pytest.mark.images("sklearn-iris")
def test_form_and_errors(served):
    """The request forms of the protocol and its 4xx answers for bad input."""
    iris = served("sklearn-iris")
    body = request_of(call_for("sklearn-iris"))
    form = requests.post(iris.url("/predict"), data={"json": json.dumps(body)}, timeout=30)
    assert form.status_code == 200
    assert form.json()["data"]["names"] == ["setosa", "versicolor", "virginica"]
    broken = requests.post(iris.url("/api/v1.0/predictions"), data=b"{not json",
                           headers={"Content-Type": "application/json"}, timeout=30)
    assert broken.status_code == 400
    assert broken.json()["status"]["status"] == 1
    assert broken.json()["status"]["reason"] == "MICROSERVICE_BAD_DATA"
    no_payload = rest(iris, "/api/v1.0/predictions", {"meta": {}})
    assert no_payload.status_code == 400
    # the server is still fine afterwards
    assert rest(iris, "/api/v1.0/predictions", body).status_code == 200


@pytest.mark.images("raw-model")
def test_raw_model_status_code_becomes_http_status(served):
    reply = rest(served("raw-model"), "/api/v1.0/predictions", {"strData": "no json"})
    assert reply.status_code == 400
    assert reply.json()["status"]["info"] == "send a jsonData object"


@pytest.mark.images("passthrough")
def test_passthrough_gets_the_body_as_sent(served):
    body = (EXAMPLES / "passthrough" / "request.csv").read_bytes()
    reply = requests.post(served("passthrough").url("/api/v1.0/predictions"), data=body,
                          headers={"Content-Type": "text/csv"}, timeout=30)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.json() == {"sums": [6.0, 10.0]}


@pytest.mark.images("router")
def test_router_feedback(served):
    feedback = {"request": request_of(call_for("router")), "reward": 1.0,
                "response": {"meta": {"routing": {"0": 0}}}}
    reply = rest(served("router"), "/send-feedback", feedback)
    assert reply.status_code == 200
    # feedback answers are built as protos: empty names are left out
    assert reply.json() == {"data": {"ndarray": []}, "meta": {}}


@pytest.mark.images("parameters")
def test_parameters_are_replaced_at_run_time(images, runner):
    """`-e PREDICTIVE_UNIT_PARAMETERS` beats the value from .s2i/environment."""
    container = runner.serve(
        images.image("parameters").image,
        env={"PREDICTIVE_UNIT_PARAMETERS": '[{"name":"invert","value":"true","type":"BOOL"}]'})
    try:
        reply = rest(container, "/api/v1.0/predictions", request_of(call_for("parameters")))
        assert reply.status_code == 200
        # defaults threshold 0.5, scale 1.0, label "positive"; flags inverted
        expected = {"data": {"names": ["score", "positive"],
                             "ndarray": [[0.5, 1.0], [1.5, 0.0]]},
                    "meta": {"tags": {"invert": True, "label": "positive", "max_rows": 100,
                                      "scale": 1.0, "threshold": 0.5}}}
        assert mismatches(reply.json(), expected, 1e-9) == []
    finally:
        container.remove()
