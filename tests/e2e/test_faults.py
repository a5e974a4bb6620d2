"""Faults a user meets: stop signals, a model that cannot load, a dependency that is missing."""

from __future__ import annotations

import re
import time

import pytest
import requests

from .containers import HTTP, NotReady
from .expectations import call_for, example_request, request_of
from .images import BROKEN_LOAD_MARKER

pytestmark = pytest.mark.engine
GRACE = 10.0  # podman's (and Kubernetes' 30 s is longer) grace before SIGKILL


@pytest.mark.images("router")
def test_sigterm_stops_the_container_within_the_grace_period(images, runner, engine):
    container = runner.serve(images.image("router").image)
    reply = requests.post(container.url("/route"), json=request_of(call_for("router")),
                          timeout=30)
    assert reply.status_code == 200
    started = time.monotonic()
    engine.run("kill", "--signal", "TERM", container.id, capture=True)
    code = container.wait_exit(GRACE)
    took = time.monotonic() - started
    assert code is not None, f"still running {GRACE:.0f}s after SIGTERM:\n{container.logs()}"
    # 137 would mean it had to be killed; a clean shutdown is 0 (or 143 for "terminated")
    assert code in (0, 143), f"exit {code} after SIGTERM:\n{container.logs()}"
    assert took < GRACE


@pytest.mark.images("broken-load")
def test_model_whose_load_raises_stops_the_container(images, runner):
    container = runner.start(images.image("broken-load").image)
    with pytest.raises(NotReady):
        container.wait_ready(timeout=60)
    code = container.wait_exit(30)
    logs = container.logs()
    assert code not in (None, 0), f"exit {code}; logs:\n{logs}"
    assert BROKEN_LOAD_MARKER in logs


@pytest.mark.images("wheel-folder-missing")
def test_missing_dependency_fails_the_build_with_a_classified_message(images):
    build = images.get("wheel-folder-missing")
    assert not build.ok, "the build passed although no index or folder has the package"
    log = build.log
    assert "Traceback (most recent call last)" not in log
    # the error block starts a line; pip's own ERROR lines are indented in the build log
    start = re.search(r"^ERROR: ", log, re.M)
    error = log[start.start():] if start else ""
    assert error, f"no classified ERROR: message in the build log:\n{log[-3000:]}"
    assert "sbp-example-wheelfeatures" in error
    # the line that asks for the package is named, as the buildpack wrote it
    assert error.splitlines()[0].endswith("(requirements.txt:1)"), error.splitlines()[0]
    assert "To fix it" in error


@pytest.mark.images("metrics-tags")
def test_killed_worker_is_replaced_and_requests_keep_working(images, runner, engine):
    """SIGKILL one REST worker under load: another is started, the container stays up."""
    container = runner.serve(images.image("metrics-tags").image,
                             env={"GUNICORN_WORKERS": "2"})
    body = example_request("metrics-tags")
    url = container.url("/api/v1.0/predictions")
    assert requests.post(url, json=body, timeout=30).status_code == 200
    workers = container.booted_workers()
    assert len(workers) == 2, f"expected two REST workers:\n{container.logs()}"
    engine.run("exec", container.id, "python3", "-c",
               f"import os, signal; os.kill({workers[0]}, signal.SIGKILL)", capture=True)
    for _ in range(50):  # requests during the restart may fail; the container must not
        try:
            requests.post(url, json=body, timeout=5)
        except requests.RequestException:
            pass
    deadline = time.monotonic() + 20
    while len(container.booted_workers()) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert container.running(), container.logs()
    assert len(container.booted_workers()) == 3, container.logs()
    replies = [requests.post(url, json=body, timeout=30).status_code for _ in range(10)]
    assert replies == [200] * 10


@pytest.mark.images("metrics-tags")
def test_podman_stop_under_load_cuts_no_response_in_the_middle(images, runner, engine):
    """`stop` (SIGTERM, SIGKILL after the timeout) while clients send requests back to back."""
    from traffic_clients import Crowd

    container = runner.serve(images.image("metrics-tags").image,
                             env={"GUNICORN_WORKERS": "2"})
    port = container.ports[HTTP]
    crowd = Crowd(port, example_request("metrics-tags"), 3)
    time.sleep(2)
    started = time.monotonic()
    engine.run("stop", "--time", str(int(GRACE)), container.id, capture=True)
    took = time.monotonic() - started
    time.sleep(0.3)
    outcomes = crowd.finish()
    assert outcomes["partial"] == 0, outcomes
    assert outcomes["ok"] > 50, outcomes
    # refused, or (through the engine's port forwarder) closed before any byte: never cut
    assert set(outcomes) <= {"ok", "refused", "unanswered"}, outcomes
    assert container.exit_code() in (0, 143), f"{container.exit_code()}:\n{container.logs()}"
    assert took < GRACE
