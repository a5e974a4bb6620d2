"""MODEL predict over real servers: every payload kind and request form.

Expected bodies are the reference's observed examples (§2.3, §2.4, §8).
"""

import json

import pytest
import requests
from runtime_checks import error


@pytest.fixture(scope="module")
def identity(server_factory):
    return server_factory("Identity")


@pytest.mark.parametrize("path", ["/predict", "/api/v1.0/predictions", "/api/v0.1/predictions"])
def test_ndarray_identity(identity, path):
    r = identity.post(path, {"data": {"names": ["a", "b"], "ndarray": [[1, 2]]}})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    assert r.json() == {"data": {"names": ["t:0", "t:1"], "ndarray": [[1, 2]]}, "meta": {}}
    # keys sorted, compact, trailing newline, like Flask's jsonify
    assert r.text == '{"data":{"names":["t:0","t:1"],"ndarray":[[1,2]]},"meta":{}}\n'


@pytest.mark.parametrize(
    "request_body, expected",
    [
        (
            {"data": {"tensor": {"shape": [1, 2], "values": [1, 2]}}},
            {
                "data": {"names": ["t:0", "t:1"], "tensor": {"shape": [1, 2], "values": [1, 2]}},
                "meta": {},
            },
        ),
        ({"strData": "hello"}, {"meta": {}, "strData": "hello"}),
        ({"binData": "YWJj"}, {"binData": "YWJj", "meta": {}}),
        ({"jsonData": {"k": [1, 2]}}, {"jsonData": {"k": [1, 2]}, "meta": {}}),
        (
            {"jsonData": [1, 2]},
            {"data": {"names": [], "tensor": {"shape": [2], "values": [1, 2]}}, "meta": {}},
        ),
        (
            {
                "meta": {"puid": "p1", "tags": {"t": 1}, "routing": {"r": 1}},
                "data": {"ndarray": [[1]]},
            },
            {
                "data": {"names": ["t:0"], "ndarray": [[1]]},
                "meta": {"puid": "p1", "tags": {"t": 1}},
            },
        ),
        (
            {"data": {"ndarray": [[1, "b"]]}},
            {"data": {"names": ["t:0", "t:1"], "ndarray": [["1", "b"]]}, "meta": {}},
        ),
        ({"data": {"ndarray": [1, 2]}}, {"data": {"names": [], "ndarray": [1, 2]}, "meta": {}}),
    ],
)
def test_payload_kinds(identity, request_body, expected):
    r = identity.post("/predict", request_body)
    assert r.status_code == 200, r.text
    assert r.json() == expected


def test_tftensor_mirrors(identity):
    tensor = {
        "dtype": "DT_FLOAT",
        "tensorShape": {"dim": [{"size": "1"}, {"size": "2"}]},
        "floatVal": [1, 2],
    }
    body = identity.post("/predict", {"data": {"tftensor": tensor}}).json()
    out = body["data"]["tftensor"]
    assert body["data"]["names"] == ["t:0", "t:1"]
    assert out["dtype"] == "DT_FLOAT" and out["tensorShape"] == tensor["tensorShape"]


def test_json_form_field_and_query_parameter(identity):
    msg = json.dumps({"data": {"names": ["a", "b"], "ndarray": [[1.0, 2.0]]}})
    expected = {"data": {"names": ["t:0", "t:1"], "ndarray": [[1.0, 2.0]]}, "meta": {}}
    r = requests.post(identity.url + "/predict", data={"json": msg}, timeout=10)
    assert r.status_code == 200 and r.json() == expected
    r = requests.get(identity.url + "/predict", params={"json": msg}, timeout=10)
    assert r.status_code == 200 and r.json() == expected
    # form field wins over the query parameter
    other = json.dumps({"strData": "query"})
    r = requests.post(
        identity.url + "/predict", params={"json": other}, data={"json": msg}, timeout=10
    )
    assert r.json() == expected


def test_multipart_form(identity):
    files = {
        "data": (None, json.dumps({"ndarray": [[5, 6]]})),
        "meta": (None, json.dumps({"puid": "1234"})),
    }
    r = requests.post(identity.url + "/predict", files=files, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "data": {"names": ["t:0", "t:1"], "ndarray": [[5, 6]]},
        "meta": {"puid": "1234"},
    }
    r = requests.post(
        identity.url + "/predict", files={"binData": ("f.bin", b"\x00\xff")}, timeout=10
    )
    assert r.json() == {"binData": "AP8=", "meta": {}}
    r = requests.post(identity.url + "/predict", files={"strData": ("f.txt", b"text")}, timeout=10)
    assert r.json() == {"meta": {}, "strData": "text"}


@pytest.mark.parametrize("raw", [b"{not json", b"", b"null"])
def test_unparsable_body_is_400(identity, raw):
    r = requests.post(
        identity.url + "/predict",
        data=raw,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    error(r, 400, "MICROSERVICE_BAD_DATA", "Can't find JSON in data")


def test_bad_requests(identity):
    error(
        identity.post("/predict", [1, 2]), 400, "MICROSERVICE_BAD_DATA", "Invalid request data type"
    )
    error(
        identity.post("/predict", {"meta": {}}),
        400,
        "MICROSERVICE_BAD_DATA",
        "Invalid request data type",
    )
    r = requests.post(identity.url + "/predict", data={"json": "{broken"}, timeout=10)
    error(r, 400, "MICROSERVICE_BAD_DATA", "json parameter")
    r = requests.post(
        identity.url + "/predict",
        data=b'{"strData":"x"}',
        headers={"Content-Type": "text/plain"},
        timeout=10,
    )
    error(r, 415, "MICROSERVICE_UNSUPPORTED_MEDIA_TYPE", "415")
    error(identity.get("/nonexistent"), 404, "MICROSERVICE_NOT_FOUND")
    r = identity.get("/api/v1.0/predictions")
    error(r, 405, "MICROSERVICE_METHOD_NOT_ALLOWED")
    assert "POST" in r.headers["Allow"]
    # and the worker is still fine
    assert identity.post("/predict", {"strData": "ok"}).json()["strData"] == "ok"


def test_huge_body_is_413(server_factory):
    small = server_factory("Identity", "--max-body-size", "1000")
    r = small.post("/predict", {"strData": "x" * 2000})
    error(r, 413, "MICROSERVICE_PAYLOAD_TOO_LARGE")
    assert r.headers["Connection"] == "close"  # the unread body is not drained
    assert small.post("/predict", {"strData": "x" * 100}).status_code == 200


def test_connections_are_kept_alive(identity):
    with requests.Session() as session:
        for _ in range(3):
            r = session.post(identity.url + "/predict", json={"strData": "x"}, timeout=10)
            assert r.status_code == 200 and r.headers["Connection"] == "keep-alive"


def test_health_cors_and_openapi(identity):
    r = identity.get("/health/ping")
    assert r.status_code == 200 and r.text == "pong"
    assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    r = identity.get("/health/status")
    assert r.json() == {"meta": {}, "strData": "healthy"}
    assert identity.get("/api/v1.0/health/status").json() == r.json()
    r = identity.post("/predict", {"strData": "x"}, headers={"Origin": "http://example.com"})
    assert r.headers["Access-Control-Allow-Origin"] == "http://example.com"
    assert r.headers["Vary"] == "Origin"
    doc = identity.get("/seldon.json").json()
    assert doc["openapi"] == "3.0.0" and doc["info"]["title"] == "Seldon External API"
    assert {
        "/aggregate",
        "/predict",
        "/route",
        "/send-feedback",
        "/transform-input",
        "/transform-output",
    } <= set(doc["paths"])


def test_metadata_defaults(identity):
    assert identity.get("/metadata").json() == {
        "custom": {},
        "inputs": [],
        "name": "",
        "outputs": [],
        "platform": "",
        "versions": [""],
    }


def test_two_argument_predict_runs_once(server_factory):
    server = server_factory("TwoArgs")
    assert server.post("/predict", {"strData": "x"}).json()["jsonData"] == {"calls": 1}
    r = server.post("/predict", {"strData": "typeerror"})
    error(r, 500, "MICROSERVICE_INTERNAL_ERROR", "raised inside user code")
    # a TypeError inside user code is not retried (seldon-core ran it twice)
    assert server.post("/predict", {"strData": "x"}).json()["jsonData"] == {"calls": 3}


def test_class_names_and_dotted_model_name(server_factory):
    named = server_factory("Named")
    body = named.post("/predict", {"data": {"ndarray": [[1, 2]]}}).json()
    assert body["data"]["names"] == ["low", "high"]
    deep = server_factory("pkg.sub.deep.Deep")
    assert deep.post("/predict", {"strData": "x"}).json() == {"meta": {}, "strData": "deep"}


def test_raw_and_status_code(server_factory):
    raw = server_factory("Raw")
    r = raw.post("/predict", {"jsonData": {"code": 201}})
    assert r.status_code == 201
    body = r.json()
    assert body["jsonData"] == {"got": {"jsonData": {"code": 201}}}
    assert body["meta"]["metrics"] == [{"key": "raw_counter", "type": "COUNTER", "value": 2}]
    # invalid codes do not become the HTTP status
    assert raw.post("/predict", {"jsonData": {"code": -1}}).status_code == 200
    # the status rule applies to predict only
    r = raw.post("/transform-input", {"strData": "x"})
    assert r.status_code == 200 and r.json() == {"strData": "raw-transform"}


def test_payload_passthrough(server_factory):
    server = server_factory("Raw", env={"PAYLOAD_PASSTHROUGH": "true"})
    r = requests.post(server.url + "/predict", data=b"anything at all", timeout=10)
    assert r.status_code == 200 and r.text == "raw:anything at all"
    assert r.headers["Content-Type"] == "application/json"
    r = requests.post(server.url + "/predict", data={"json": "{x"}, timeout=10)
    assert r.text == "raw:{x"
    # other routes still decode
    assert server.post("/transform-input", {"strData": "x"}).json() == {"strData": "raw-transform"}
