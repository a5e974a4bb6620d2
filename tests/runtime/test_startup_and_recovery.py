"""Start-up failures and worker recovery on real processes."""

import os
import signal
import subprocess
import threading
import time

import pytest
import requests
from conftest import MODELS, RUNTIME_PYTHON, free_port, start_server


def run_cli(*args, env=None, timeout=30):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PREDICTIVE_UNIT")}
    full_env.update(env or {})
    return subprocess.run(
        [RUNTIME_PYTHON, "-m", "seldon_runtime", *args],
        cwd=MODELS,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_missing_module_names_model_and_file():
    result = run_cli("NoSuchModel")
    assert result.returncode == 1
    assert "MODEL_NAME=NoSuchModel" in result.stderr
    assert str(MODELS / "NoSuchModel.py") in result.stderr
    assert "Traceback" not in result.stderr


def test_module_import_error_names_file_and_cause():
    result = run_cli("Broken")
    assert result.returncode == 1
    assert "MODEL_NAME=Broken" in result.stderr
    assert str(MODELS / "Broken.py") in result.stderr
    assert "a_module_that_is_not_installed" in result.stderr


def test_missing_class():
    result = run_cli("Identity.Nope")
    assert result.returncode == 1
    assert "defines no attribute 'Nope'" in result.stderr


def test_bad_parameter_is_named():
    result = run_cli("Full", "--parameters", '[{"name":"offset","value":"abc","type":"INT"}]')
    assert result.returncode == 1
    assert "'offset'" in result.stderr and "Traceback" not in result.stderr


def test_a_command_given_to_the_image_runs_instead_of_the_server():
    # `podman run IMAGE bash -c ...` reaches the server as its arguments
    result = run_cli("sh", "-c", 'echo "$MODEL_NAME"; exit 3', env={"MODEL_NAME": "Full"})
    assert (result.returncode, result.stdout) == (3, "Full\n")
    # a model named like a program is still the model: its file is in the app dir
    assert run_cli("Broken").returncode == 1


def test_a_model_whose_service_is_down_says_so():
    result = run_cli("NeedsService", env={"SERVICE_PORT_FOR_TEST": str(free_port())})
    assert result.returncode == 1
    assert "The model NeedsService needs a service that is not reachable" in result.stderr
    assert "ConnectionRefusedError" in result.stderr and "REDIS_SERVICE_HOST" in result.stderr


def test_a_failing_constructor_names_the_models_line_not_the_runtimes():
    result = run_cli("NeedsWeights")
    assert result.returncode == 1
    head = result.stderr[result.stderr.index("ERROR: "):].splitlines()[0]
    assert head == (f"ERROR: Creating the model NeedsWeights failed "
                    f"({MODELS / 'NeedsWeights.py'}:6)")
    assert "seldon_runtime" not in result.stderr and "FileNotFoundError" in result.stderr
    assert "mounted volume" in result.stderr


def test_unknown_positional_exits_255():
    result = run_cli("Identity", "REST")
    assert result.returncode == 255
    assert "API type" in result.stderr


def test_invalid_service_type_exits_2():
    assert run_cli("Identity", "--service-type", "NOPE").returncode == 2


def test_start_up_is_fast(tmp_path):
    started = time.monotonic()
    server = start_server(tmp_path, "Identity")
    elapsed = time.monotonic() - started
    server.stop()
    assert elapsed < 5, f"first /health/ping after {elapsed:.2f}s"


def test_killed_worker_is_replaced(tmp_path):
    server = start_server(tmp_path, "Slow", "--workers", "1")
    try:
        worker_pid = server.post("/predict", {"data": {"ndarray": [[1]]}}).json()["data"][
            "ndarray"
        ][0][0]
        pending = {}

        def slow_request():
            try:
                pending["r"] = server.post("/predict", {"data": {"ndarray": [[99]]}})
            except requests.RequestException as exc:
                pending["r"] = exc

        thread = threading.Thread(target=slow_request)
        thread.start()
        time.sleep(0.5)
        os.kill(worker_pid, signal.SIGKILL)
        thread.join(20)
        assert not thread.is_alive()
        # the in-flight request fails, the server keeps serving with a new worker
        assert (
            isinstance(pending["r"], requests.RequestException) or pending["r"].status_code >= 500
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                r = server.post("/predict", {"data": {"ndarray": [[1]]}})
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert r.status_code == 200
        assert r.json()["data"]["ndarray"][0][0] != worker_pid
    finally:
        server.stop()


@pytest.mark.parametrize("bad", ['[{"name":"flag","value":"maybe","type":"BOOL"}]'])
def test_env_parameters_are_read(bad):
    result = run_cli("Full", env={"PREDICTIVE_UNIT_PARAMETERS": bad})
    assert result.returncode == 1 and "'flag'" in result.stderr


def test_custom_service_runs_in_its_own_process_and_stops_with_the_server(tmp_path):
    port = free_port()
    server = start_server(tmp_path, "CustomService", env={"CUSTOM_SERVICE_PORT": str(port)})
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/", timeout=2).text
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, server.log()
                time.sleep(0.1)
        pid = int(answer.split()[0].removeprefix("pid="))
        # its own process, given the object as constructed (no load(), as seldon-core)
        assert pid != server.proc.pid and answer.endswith("loaded=False")
        assert server.post("/predict", {"data": {"ndarray": [[2]]}}).status_code == 200
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and os.path.exists(f"/proc/{pid}"):
        time.sleep(0.1)
    assert not os.path.exists(f"/proc/{pid}")


def test_a_failing_custom_service_is_logged_and_the_model_keeps_serving(tmp_path):
    server = start_server(tmp_path, "CustomServiceFails")
    try:
        deadline = time.monotonic() + 10
        while "custom_service() failed" not in server.log():
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.1)
        assert "the side service cannot start" in server.log()
        assert server.post("/predict", {"data": {"ndarray": [[5]]}}).json()["data"]["ndarray"] \
            == [[5]]
    finally:
        server.stop()
