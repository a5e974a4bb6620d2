"""The gRPC side started by the real `seldon-runtime` command, as images run it."""

from __future__ import annotations

import os
import socket
import sys
import time

import grpc
import pytest
import requests

from .conftest import client
from .processes import Runtime, alive, children_of, free_port


def test_workers_threads_load_metrics_and_clean_shutdown(runtime, generated):
    rt = runtime("GrpcModels.Everything", "--grpc-workers", "2", "--grpc-threads", "2")
    rt.wait_rest()
    channel = rt.channel()
    stub = client(channel, generated)
    reply = stub.model.Predict(stub.pb.SeldonMessage(strData="loads"), timeout=10)
    # load() ran once in this worker, after the fork (the main process never loads)
    assert list(reply.data.tensor.values) == [1.0]
    tensor = stub.pb.SeldonMessage()
    tensor.data.tensor.shape.extend([1, 4])
    tensor.data.tensor.values.extend([1, 2, 3, 4])
    for _ in range(3):
        assert list(stub.model.Predict(tensor, timeout=10).data.tensor.values) == [1, 2, 3, 4]
    channel.close()

    # custom metrics of gRPC calls land in the runtime's one Prometheus endpoint
    text = requests.get(f"http://127.0.0.1:{rt.metrics}/metrics", timeout=10).text
    counts = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith("grpc_test_calls_total{") and 'method="predict"' in line]
    assert sum(counts) == 4.0, text

    # main -> gRPC supervisor -> 2 servers; SIGTERM to main stops every process
    family = set(rt.children())
    for pid in list(family):
        family |= set(children_of(pid))
    assert len(family) >= 5  # metrics, REST worker, gRPC supervisor and its 2 servers
    rt.proc.terminate()  # SIGTERM to the main process only, as a container stop does
    rt.proc.wait(20)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(p) for p in family):
        time.sleep(0.1)
    assert not [p for p in family if alive(p)], rt.log()


def test_grpc_workers_zero_disables_grpc(runtime):
    rt = runtime("GrpcModels.Everything", env={"GRPC_WORKERS": "0"})
    rt.wait_rest()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", rt.grpc_port)) != 0
    assert "gRPC on" not in rt.log()


def test_port_flag_and_message_size_env(runtime, generated):
    port = free_port()
    rt = runtime("GrpcModels.Everything", "--grpc-port", str(port),
                 env={"GRPC_MAX_MESSAGE_SIZE": "2000"})
    rt.wait_rest()
    stub = client(rt.channel(port), generated)
    assert stub.model.Predict(stub.pb.SeldonMessage(strData="small"), timeout=10).strData == "small"
    with pytest.raises(grpc.RpcError) as err:
        stub.model.Predict(stub.pb.SeldonMessage(strData="x" * 5000), timeout=10)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    stub.channel.close()


def test_busy_port_fails_start_up(runtime):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        rt = runtime("GrpcModels.Everything", "--grpc-port", str(taken.getsockname()[1]))
        assert rt.proc.wait(30) == 1
    assert "ERROR: Cannot serve gRPC" in rt.log() and "Traceback" not in rt.log()
    assert "--grpc-port" in rt.log()


def test_seldon_core_proto_import_works_without_seldon_core(runtime, generated):
    # CoreRaw builds its reply with `seldon_core.proto.prediction_pb2`: the
    # runtime's stand-in provides it, with the classes the server uses.
    rt = runtime("GrpcModels.CoreRaw")
    rt.wait_rest()
    stub = client(rt.channel(), generated)
    reply = stub.model.Predict(stub.pb.SeldonMessage(strData="x", meta=stub.pb.Meta(puid="q")),
                               timeout=10)
    assert (reply.strData, reply.meta.puid) == ("seldon-core class: True", "q")
    stub.channel.close()


# Adopts the runtime's orphans (PR_SET_CHILD_SUBREAPER), so that what happens to them
# does not depend on this host's init, and reaps until none is left.
SUBREAPER = """
import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)
subprocess.Popen(sys.argv[1:])
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
"""


def test_grpc_processes_leave_when_the_main_process_is_killed(tmp_path):
    argv = [sys.executable, "-c", SUBREAPER, sys.executable, "-m", "seldon_runtime",
            "GrpcModels.Everything", "--grpc-workers", "2"]
    rt = Runtime(tmp_path, argv)
    grpc_family: list[int] = []
    try:
        rt.wait_rest()
        rt.channel().close()
        (main,) = rt.children()
        family = set(children_of(main))
        for pid in list(family):
            family |= set(children_of(pid))
        # the two server processes: they hold a listening socket on the gRPC port
        grpc_family = [p for p in family if _serves(p, rt.grpc_port)]
        assert len(grpc_family) == 2, rt.log()
        os.kill(main, 9)  # no chance to clean up
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(alive(p) for p in grpc_family):
            time.sleep(0.1)
        assert not [p for p in grpc_family if alive(p)], rt.log()
    finally:
        for pid in grpc_family:  # leave nothing behind if the test failed
            if alive(pid):
                os.kill(pid, 9)
        rt.stop()


def _serves(pid: int, port: int) -> bool:
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return False
    rows = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):  # grpc may use a v4-mapped v6 socket
        with open(table) as fh:
            rows += [line.split() for line in fh.readlines()[1:]]
    return any(r[1].endswith(f":{port:04X}") and r[3] == "0A" and r[9] in inodes for r in rows)


def test_rest_worker_recycling_leaves_grpc_running(runtime, generated):
    # a recycled gunicorn worker unwinds through the start-up code; it must not
    # stop the gRPC (or metrics) process on its way out
    rt = runtime("GrpcModels.Everything", "--max-requests", "1")
    rt.wait_rest()
    stub = client(rt.channel(), generated)
    for i in range(3):
        reply = requests.post(f"http://127.0.0.1:{rt.http}/predict", json={"strData": f"r{i}"},
                              timeout=10)
        assert reply.json()["strData"] == f"r{i}"
        time.sleep(0.3)
    assert "Worker exiting" in rt.log()
    assert stub.model.Predict(stub.pb.SeldonMessage(strData="still"), timeout=10).strData == "still"
    assert requests.get(f"http://127.0.0.1:{rt.metrics}/metrics", timeout=10).status_code == 200
    stub.channel.close()


def _grpc_servers(rt: Runtime) -> list[int]:
    family = set(rt.children())
    for pid in list(family):
        family |= set(children_of(pid))
    return [p for p in family if _serves(p, rt.grpc_port)]


def test_a_dead_grpc_worker_is_replaced(runtime, generated):
    rt = runtime("GrpcModels.Everything")
    rt.wait_rest()
    rt.channel().close()
    (first,) = _grpc_servers(rt)
    assert "uvloop event loop" in rt.log()  # the default loop when uvloop is installed
    os.kill(first, 9)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and [p for p in _grpc_servers(rt) if p != first] == []:
        time.sleep(0.1)
    (second,) = _grpc_servers(rt)
    assert second != first
    assert f"gRPC worker {first} was killed by signal 9" in rt.log()
    channel = rt.channel()
    stub = client(channel, generated)
    assert stub.model.Predict(stub.pb.SeldonMessage(strData="back"), timeout=10).strData == "back"
    channel.close()


def test_standard_event_loop_on_request(runtime, generated):
    rt = runtime("GrpcModels.Everything", env={"SELDON_GRPC_EVENT_LOOP": "asyncio"})
    rt.wait_rest()
    channel = rt.channel()
    stub = client(channel, generated)
    assert stub.model.Predict(stub.pb.SeldonMessage(strData="std"), timeout=10).strData == "std"
    channel.close()
    assert "asyncio event loop" in rt.log()


def test_restart_delays_grow_for_workers_that_die_young():
    from seldon_runtime.grpc.server import RESTART_DELAYS, _restart_delay

    assert _restart_delay(0) == 0.0  # the worker had been serving: replace it at once
    young = [_restart_delay(n) for n in range(1, len(RESTART_DELAYS) + 3)]
    assert young == sorted(young) and young[0] > 0 and young[-1] == RESTART_DELAYS[-1]
