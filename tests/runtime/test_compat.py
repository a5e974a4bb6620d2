"""User code written for seldon-core: with and without seldon-core installed."""

import importlib.util
import os

import pytest
import requests
from conftest import REPO, start_server
from runtime_checks import error

RUNTIME_SRC = REPO / "runtime"


def test_shims_resolve_to_runtime_classes_without_seldon_core(server_factory):
    if importlib.util.find_spec("seldon_core") is not None:
        pytest.skip("seldon-core is installed in the test environment")
    server = server_factory("WhichCore")
    path = server.post("/predict", {"strData": "x"}).json()["jsonData"]["seldon_core"]
    assert "seldon_runtime" in path
    # user exceptions raised through the shim keep their status and reason
    full = server_factory("Full")
    error(
        full.post("/predict", {"meta": {"tags": {"action": "forbidden"}}, "strData": "x"}),
        403,
        "NOPE",
    )


@pytest.fixture(scope="module")
def anchor_python(seldon_core_venv):
    return seldon_core_venv / "bin" / "python"


@pytest.mark.slow
def test_runtime_serves_next_to_seldon_core_and_its_old_pins(tmp_path, anchor_python):
    env = {
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(RUNTIME_SRC), os.environ.get("PYTHONPATH")])
        )
    }
    server = start_server(
        tmp_path, "WhichCore", "--workers", "2", env=env, python=str(anchor_python)
    )
    try:
        path = server.post("/predict", {"strData": "x"}).json()["jsonData"]["seldon_core"]
        assert "site-packages" in path and "seldon_runtime" not in path
        log = server.log()
        assert "Starting gunicorn 20.1.0" in log
    finally:
        server.stop()
    full = start_server(tmp_path, "Full", "--workers", "2", env=env, python=str(anchor_python))
    try:
        # seldon-core's own exception class and SeldonResponse are understood
        error(
            full.post("/predict", {"meta": {"tags": {"action": "forbidden"}}, "strData": "x"}),
            403,
            "NOPE",
        )
        body = full.post(
            "/predict", {"meta": {"tags": {"action": "runtime"}}, "data": {"ndarray": [[1]]}}
        ).json()
        assert body["meta"]["tags"]["runtime"] == "yes"
        assert body["data"] == {"names": ["t:0"], "ndarray": [[1]]}
        # prometheus-client 0.8 multiprocess mode
        text = requests.get(full.metrics_url + "/metrics", timeout=10).text
        assert "my_counter_total{" in text and 'method="predict"' in text
    finally:
        full.stop()


def test_model_error_handler_answers_as_in_seldon_core(tmp_path, seldon_core_venv):
    """The same blueprint, served by seldon-core 1.18.2 and by us: same status, body, header."""
    cli = str(seldon_core_venv / "bin" / "seldon-core-microservice")
    answers = []
    for command in ([cli], None):
        server = start_server(tmp_path, "ErrorHandler", command=command)
        try:
            reply = server.post("/predict", {"data": {"ndarray": [[1]]}})
            answers.append((reply.status_code, reply.json(), reply.headers.get("X-Handled-By")))
        finally:
            server.stop()
    theirs, ours = answers
    assert theirs[0] == 402 and theirs[2] == "model_error_handler"
    assert ours == theirs


FEEDBACK = {"request": {"data": {"ndarray": [[1, 2]]}}, "reward": 0.5,
            "truth": {"data": {"tensor": {"shape": [1], "values": [3]}}}}


def test_send_feedback_raw_gets_a_feedback_message_on_rest_as_in_seldon_core(
        tmp_path, seldon_core_venv):
    cli = str(seldon_core_venv / "bin" / "seldon-core-microservice")
    answers = []
    for command in ([cli], None):
        server = start_server(tmp_path, "FeedbackRaw", command=command)
        try:
            answers.append(server.post("/api/v1.0/feedback", FEEDBACK).json())
            bad = server.post("/api/v1.0/feedback", {"reward": 1, "truth": {"data": "x"}})
            answers.append((bad.status_code, bad.json()["status"]["reason"]))
        finally:
            server.stop()
    theirs, ours = answers[:2], answers[2:]
    assert theirs[0]["strData"] == "reward=0.5 truth=[3.0] kind=Feedback"
    assert ours == theirs
