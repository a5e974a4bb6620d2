"""The REST server under real traffic: stalled clients, SIGTERM under load, overload, preload.

Real servers on 127.0.0.1 with short timeouts. Longer runs (100 stalled
clients with latency percentiles, a 1M-request soak, seldon-core alongside)
are in bench/reliability.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter

import requests
from conftest import start_server
from traffic_clients import (
    Drip,
    Steady,
    all_closed_by_server,
    closed_by_server,
    connect,
    request_bytes,
    stalled,
)

TIMEOUTS = ("--header-timeout", "1", "--body-timeout", "2")
SMALL = {"data": {"ndarray": [[0]]}}


def test_stalled_clients_never_block_a_good_client(server_factory):
    server = server_factory("Identity", *TIMEOUTS)
    port = int(server.url.rsplit(":", 1)[1])
    heads = [stalled(port, "head") for _ in range(10)]
    bodies = [stalled(port, "body") for _ in range(10)]
    drip = Drip(port, 0.2, count=5)
    drip.start()
    good = Steady(port, SMALL)
    good.start()
    time.sleep(1.5)  # the good client runs while every stalled one is still open
    good.stop.set()
    good.join(10)
    assert set(good.outcomes) == {"ok"} and good.outcomes["ok"] > 50, good.outcomes
    assert max(good.latencies) < 0.5  # nobody waited for a stalled client
    # each stalled connection is closed after its timeout (a drip is still sending)
    assert all_closed_by_server(heads + bodies, within=3) == 20
    drip.join(5)
    assert len(drip.closed_after) == 5 and max(drip.closed_after) < 4, drip.closed_after
    assert server.post("/predict", SMALL).status_code == 200


def test_sigterm_under_load_answers_what_it_received_and_exits_within_the_grace(tmp_path):
    server = start_server(tmp_path, "Sleepy", "--workers", "2", "--graceful-timeout", "5")
    port = int(server.url.rsplit(":", 1)[1])
    clients = [Steady(port, {"data": {"ndarray": [[0.002]]}}) for _ in range(4)]
    for client in clients:
        client.start()
    slow = connect(port)
    time.sleep(1.0)
    slow.sendall(request_bytes({"data": {"ndarray": [[1.5]]}}))  # in flight at SIGTERM
    time.sleep(0.2)
    started = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    try:
        server.proc.wait(5 + 2)
    except subprocess.TimeoutExpired:
        server.stop()
        raise AssertionError(f"still running after the grace period:\n{server.log()}") from None
    exited = time.monotonic() - started
    time.sleep(0.3)
    for client in clients:
        client.stop.set()
        client.join(10)
    outcomes = sum((c.outcomes for c in clients), start=Counter())
    assert outcomes["partial"] == 0, outcomes
    assert outcomes["ok"] > 100 and outcomes["refused"] > 0, outcomes
    assert set(outcomes) <= {"ok", "refused", "unanswered"}, outcomes
    slow.settimeout(5)
    assert slow.recv(4096).startswith(b"HTTP/1.1 200 OK")  # the in-flight request was answered
    assert 1.0 < exited < 5 + 1, exited  # waited for the slow request, not for the grace
    log = server.log()
    assert "Traceback" not in log, log


def test_connections_beyond_the_limit_are_refused(server_factory):
    server = server_factory("Identity", "--max-connections", "4", "--header-timeout", "30")
    port = int(server.url.rsplit(":", 1)[1])
    held = [connect(port) for _ in range(4)]
    time.sleep(0.3)
    extra = connect(port)  # the kernel completes it; the worker resets it at once
    assert closed_by_server(extra, within=3) is not None
    held.pop().close()
    time.sleep(0.3)
    assert server.post("/predict", SMALL).status_code == 200
    for sock in held:
        sock.close()


def test_preload_loads_once_before_the_fork_and_shares_it(server_factory):
    server = server_factory(
        "Preloaded", "--workers", "2", "--preload", "--parameters",
        '[{"name": "weights_mb", "value": "8", "type": "INT"}]',
    )
    seen = set()
    for _ in range(20):
        body = requests.post(server.url + "/predict", json=SMALL, timeout=10).json()["jsonData"]
        assert body["loaded_in"] == server.proc.pid != body["pid"]
        assert body["weights"] == 8 * 1024 * 1024 / 8
        seen.add(body["pid"])
    assert "--preload: the model is loaded once" in server.log()


def test_preload_warns_about_threads_left_by_load(server_factory):
    server = server_factory(
        "Preloaded", "--preload", "--parameters",
        '[{"name": "leave_thread", "value": "true", "type": "BOOL"}]',
    )
    assert server.post("/predict", SMALL).status_code == 200
    assert "load() left 1 Python thread(s) running (left-behind)" in server.log()


def test_without_preload_each_worker_loads(server_factory):
    server = server_factory("Preloaded", "--workers", "2")
    body = server.post("/predict", SMALL).json()["jsonData"]
    assert body["loaded_in"] == body["pid"] != server.proc.pid
