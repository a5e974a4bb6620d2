"""Every service type, hooks, tags/metrics and user errors (§2.5-2.7, §5-§7, §9)."""

import json
import re

import pytest
import requests
from runtime_checks import error

PARAMS = json.dumps(
    [
        {"name": "offset", "value": "5", "type": "INT"},
        {"name": "label", "value": "lbl", "type": "STRING"},
        {"name": "flag", "value": "true", "type": "BOOL"},
    ]
)
ENV = {"PREDICTIVE_UNIT_ID": "node1", "PREDICTIVE_UNIT_IMAGE": "repo/img:1.2"}


@pytest.fixture(scope="module")
def full(server_factory):
    return server_factory("Full", "--parameters", PARAMS, "--workers", "2", env=ENV)


def act(action, data=None):
    return {"meta": {"tags": {"action": action}}, "data": data or {"ndarray": [[1, 2]]}}


USER_METRICS = [
    {"key": "my_counter", "type": "COUNTER", "value": 1},
    {"key": "my_timer", "tags": {"kind": "fast"}, "type": "TIMER", "value": 20.0},
]


def test_predict_meta_tags_metrics_request_path(full):
    body = full.post(
        "/predict",
        {
            "meta": {
                "puid": "p",
                "requestPath": {"up": "img0"},
                "metrics": [{"key": "m0", "value": 1}],
            },
            "data": {"ndarray": [[1, 2]]},
        },
    ).json()
    assert body["data"] == {"names": ["t:0", "t:1"], "ndarray": [[1, 2]]}
    meta = body["meta"]
    assert meta["puid"] == "p"
    assert meta["tags"] == {"mine": "tags", "model": "full"}
    assert meta["requestPath"] == {"node1": "repo/img:1.2", "up": "img0"}
    # request metrics first, then metrics(); the user's dicts are not mutated with `method`
    assert meta["metrics"] == [{"key": "m0", "value": 1}, *USER_METRICS]


def test_seldon_response_runtime_tags_and_metrics(full):
    meta = full.post("/predict", act("runtime")).json()["meta"]
    # request tags < tags() < runtime tags
    assert meta["tags"] == {
        "action": "runtime",
        "mine": "runtime",
        "model": "full",
        "runtime": "yes",
    }
    assert meta["metrics"] == [*USER_METRICS, {"key": "rt_gauge", "type": "GAUGE", "value": 7}]


def test_parameters_and_load(full):
    body = full.post("/predict", act("params")).json()
    assert body["jsonData"] == {"offset": 5, "label": "lbl", "flag": True, "loaded": True}


@pytest.mark.parametrize(
    "action, expected",
    [
        ("bool", {"names": ["t:0", "t:1"], "ndarray": [[True, False]]}),
        ("strings", {"names": ["t:0", "t:1"], "ndarray": [["a", "b"]]}),
        ("numpy_int", {"names": ["t:0", "t:1"], "tensor": {"shape": [1, 2], "values": [1, 2]}}),
    ],
)
def test_numpy_results_with_tensor_request(full, action, expected):
    body = full.post(
        "/predict", act(action, {"tensor": {"shape": [1, 2], "values": [1, 2]}})
    ).json()
    assert body["data"] == expected


def test_user_errors(full):
    error(full.post("/predict", act("forbidden")), 403, "NOPE", "not allowed")
    error(full.post("/predict", act("crash")), 500, "MICROSERVICE_INTERNAL_ERROR", "kaboom")
    error(
        full.post("/predict", act("tuple")),
        400,
        "MICROSERVICE_BAD_DATA",
        "Unknown data type returned as payload (must be list or np array):(1, 2)",
    )
    error(
        full.post("/predict", act("badmetric")),
        500,
        "MICROSERVICE_BAD_METRIC",
        "Bad metric created during request",
    )
    assert full.post("/predict", act("bytes")).json()["binData"] == "AAE="


def test_transformers(full):
    body = full.post("/transform-input", {"data": {"ndarray": [[1, 2]]}}).json()
    assert body["data"] == {"names": ["t:0", "t:1"], "ndarray": [[2, 3]]}
    assert body["meta"]["tags"] == {"mine": "tags", "model": "full"}
    body = full.post(
        "/transform-output", {"data": {"tensor": {"shape": [2], "values": [1.5, 2]}}}
    ).json()
    assert body["data"] == {"names": [], "tensor": {"shape": [2], "values": [3.0, 4.0]}}


def test_router(full):
    body = full.post(
        "/route", {"meta": {"puid": "x", "tags": {"dropped": 1}}, "data": {"ndarray": [[1, 9]]}}
    ).json()
    # numpy integers are accepted (seldon-core rejected them); request tags are dropped
    assert body["data"] == {"names": ["t:0"], "ndarray": [[1]]}
    assert body["meta"]["puid"] == "x" and "dropped" not in body["meta"]["tags"]
    body = full.post("/route", {"data": {"tensor": {"shape": [1, 1], "values": [0]}}}).json()
    assert body["data"]["tensor"] == {"shape": [1, 1], "values": [0]}


def test_combiner(full):
    msgs = [
        {"meta": {"puid": "first", "tags": {"x": 1}}, "data": {"ndarray": [[1]]}},
        {"meta": {"tags": {"y": 2}}, "data": {"ndarray": [[2]]}},
    ]
    for payload in (msgs, {"seldonMessages": msgs}):
        body = full.post("/aggregate", payload).json()
        assert body["data"] == {"names": ["t:0", "t:1"], "ndarray": [[1, 2]]}
        assert body["meta"]["puid"] == "first"
        assert body["meta"]["tags"] == {"x": 1, "y": 2, "mine": "tags", "model": "full"}
    error(
        full.post("/aggregate", {"data": {}}),
        400,
        "MICROSERVICE_BAD_DATA",
        "Invalid request data type",
    )
    error(full.post("/aggregate", []), 400, "MICROSERVICE_BAD_DATA")


def test_feedback(full):
    fb = {
        "request": {"data": {"ndarray": [[1, 2]]}},
        "response": {"meta": {"routing": {"node1": 3}}, "data": {"ndarray": [[1]]}},
        "reward": 0.5,
    }
    for path in ("/send-feedback", "/api/v1.0/feedback", "/api/v0.1/feedback"):
        body = full.post(path, fb).json()
        # built via the proto: numbers are floats; routing read under PREDICTIVE_UNIT_ID
        assert body["data"] == {"names": ["t:0", "t:1"], "ndarray": [[0.5, 3.0]]}
    error(
        full.post("/send-feedback", {"reward": 1, "bogus": 1}),
        400,
        "MICROSERVICE_BAD_DATA",
        "Invalid JSON",
    )


def test_health_and_metadata(full):
    health = full.get("/health/status").json()
    assert health["data"] == {"names": ["t:0", "t:1"],
                              "tensor": {"shape": [1, 2], "values": [1, 2]}}
    # this unit's requestPath as on every reply; tags()/metrics() are not called
    assert health["meta"] == {"requestPath": {"node1": "repo/img:1.2"}}
    assert full.get("/metadata").json() == {
        "custom": {},
        "inputs": [{"messagetype": "ndarray"}],
        "name": "full",
        "outputs": [],
        "platform": "",
        "versions": ["v1"],
    }


def test_identity_model_lacks_router_and_combiner(server_factory):
    server = server_factory("Identity")
    error(
        server.post("/route", {"data": {"ndarray": [[1]]}}),
        400,
        "MICROSERVICE_BAD_DATA",
        "Route not defined",
    )
    error(
        server.post("/aggregate", [{"data": {"ndarray": [[1]]}}]),
        400,
        "MICROSERVICE_BAD_DATA",
        "Aggregate not defined",
    )
    # absent transformers are the identity
    body = server.post("/transform-input", {"data": {"ndarray": [[7]]}}).json()
    assert body == {"data": {"names": ["t:0"], "ndarray": [[7]]}, "meta": {}}
    body = server.post(
        "/send-feedback", {"request": {"data": {"ndarray": [[1]]}}, "reward": 1}
    ).json()
    assert body == {"data": {"ndarray": []}, "meta": {}}


def test_bad_metadata_is_500(server_factory):
    server = server_factory("Identity", env={"MODEL_METADATA": '{"versions": "not-a-list"}'})
    error(server.get("/metadata"), 500, "MICROSERVICE_BAD_METADATA", "Model metadata unavailable")


def test_outlier_detector_scores_into_tags(server_factory):
    server = server_factory("Outlier", "--service-type", "OUTLIER_DETECTOR")
    request = {"data": {"ndarray": [[1, -2], [0, 0.5]]}}
    body = server.post("/transform-input", request).json()
    assert body == {"data": request["data"], "meta": {"tags": {"outlierScore": [3.0, 0.5]}}}
    body = requests.post(
        server.url + "/transform-input", data={"json": json.dumps(request)}, timeout=10
    ).json()
    assert body["meta"]["tags"]["outlierScore"] == [3.0, 0.5]


def _samples(text, name):
    return [line for line in text.splitlines() if line.startswith(name + "{")]


def _total(text, name, method):
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in _samples(text, name)
        if f'method="{method}"' in line
    )


def test_prometheus_with_two_workers(full):
    before = requests.get(full.metrics_url + "/metrics", timeout=10).text
    for _ in range(12):
        # new connections: gunicorn spreads them over both workers
        r = requests.post(full.url + "/predict", json=act("x"), timeout=10)
        assert r.status_code == 200
    full.post("/send-feedback", {"request": {"data": {"ndarray": [[1]]}}, "reward": 2.0})
    r = requests.get(full.metrics_url + "/metrics", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.headers["Content-Type"].count("charset") == 1
    text = r.text
    # one HELP/TYPE per family, whatever the number of workers and label sets
    for family in ("my_counter", "my_timer", "seldon_api_model_feedback", "rt_gauge"):
        assert len(re.findall(rf"^# TYPE {family}(_total)? ", text, re.M)) <= 1, text
    # (prometheus-client >= 0.10 names a counter family with its _total suffix)
    assert re.search(r"^# TYPE my_counter(_total)? counter$", text, re.M)
    assert "# TYPE my_timer histogram" in text
    delta = _total(text, "my_counter_total", "predict") - _total(
        before, "my_counter_total", "predict"
    )
    assert delta == 12
    for c in _samples(text, "my_counter_total"):
        for label in (
            'model_name="node1"',
            'model_image="repo/img"',
            'model_version="1.2"',
            'image_name="repo/img"',
            'deployment_name="NOT_IMPLEMENTED"',
            "worker_id=",
        ):
            assert label in c, c
    timer = _samples(text, "my_timer_bucket")
    assert any('le="0.001"' in t for t in timer) and any('le="+Inf"' in t for t in timer)
    assert len({re.search(r'le="([^"]+)"', t).group(1) for t in timer}) == 51
    assert 'kind="fast"' in timer[0]
    reward = "seldon_api_model_feedback_reward_total"
    assert _total(text, reward, "feedback") - _total(before, reward, "feedback") == 2.0
    count = "seldon_api_model_feedback_total"
    assert _total(text, count, "feedback") - _total(before, count, "feedback") == 1
    assert requests.get(full.metrics_url + "/prometheus", timeout=10).status_code == 200
    assert requests.get(full.metrics_url + "/other", timeout=10).status_code == 404


def test_model_error_handler_blueprint_answers_its_exceptions(server_factory):
    server = server_factory("ErrorHandler")
    handled = server.post("/predict", {"data": {"ndarray": [[1]]}},
                          headers={"Origin": "http://ui.example"})
    assert handled.status_code == 402
    assert handled.json() == {"status": {"status": 1, "info": "payment required",
                                         "code": 1402, "reason": "USER_EXCEPTION"}}
    assert handled.headers["X-Handled-By"] == "model_error_handler"
    assert handled.headers["Access-Control-Allow-Origin"] == "http://ui.example"
    # what the blueprint does not handle gets the usual Seldon error body
    other = server.post("/predict", {"data": {"ndarray": [[2]]}})
    assert other.status_code == 500
    assert other.json()["status"]["reason"] == "MICROSERVICE_INTERNAL_ERROR"
    assert server.post("/predict", {"data": {"ndarray": [[3]]}}).json()["data"]["ndarray"] \
        == [[3]]


def test_a_model_error_handler_that_is_not_a_blueprint_is_ignored_with_a_warning(caplog):
    from seldon_runtime.rest import error_handlers

    class Model:
        model_error_handler = "not a blueprint"

    with caplog.at_level("WARNING"):
        assert error_handlers.from_model(Model()) is None
    assert "model_error_handler is a str, not a Flask Blueprint: ignored" in caplog.text
    assert error_handlers.from_model(object()) is None
