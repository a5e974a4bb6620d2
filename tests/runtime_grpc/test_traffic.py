"""The gRPC side under real traffic: stalled HTTP/2 clients, SIGTERM with calls in flight."""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter

import grpc

from .conftest import client

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame(kind: int, flags: int, stream: int, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(
        ">I", stream) + payload


def _string(text: bytes) -> bytes:
    return bytes([len(text)]) + text


def half_sent_call() -> bytes:
    """Preface, SETTINGS, the HEADERS of a Predict call and 10 of its 100 message bytes."""
    headers = (
        b"\x83\x86"  # :method POST, :scheme http (static table)
        + b"\x04" + _string(b"/seldon.protos.Model/Predict")
        + b"\x01" + _string(b"127.0.0.1")
        + b"\x0f\x10" + _string(b"application/grpc")  # content-type (index 31)
        + b"\x00" + _string(b"te") + _string(b"trailers")
    )
    message = b"\x00" + struct.pack(">I", 100) + b"\x0a" * 10
    return (PREFACE + frame(4, 0, 0, b"") + frame(1, 0x4, 1, headers)
            + frame(0, 0, 1, message))


def test_stalled_http2_clients_do_not_hold_the_server(runtime, generated):
    rt = runtime("GrpcModels.Everything")
    rt.wait_rest()
    stub = client(rt.channel(), generated)
    stalled = []
    for payload in (PREFACE[:10], half_sent_call()):
        for _ in range(5):
            sock = socket.create_connection(("127.0.0.1", rt.grpc_port))
            sock.sendall(payload)
            stalled.append(sock)
    started = time.monotonic()
    for _ in range(50):
        reply = stub.model.Predict(stub.pb.SeldonMessage(strData="x"), timeout=3)
        assert reply.strData == "x"
    assert time.monotonic() - started < 5
    for sock in stalled:
        sock.close()


def test_sigterm_lets_calls_in_flight_finish_and_exits_within_the_grace(runtime, generated):
    rt = runtime("GrpcModels.Everything", "--graceful-timeout", "5")
    rt.wait_rest()
    stub = client(rt.channel(), generated)
    outcomes: Counter = Counter()
    stop = threading.Event()

    def steady() -> None:
        quick = client(grpc.insecure_channel(f"127.0.0.1:{rt.grpc_port}"), generated)
        while not stop.is_set():
            try:
                quick.model.Predict(quick.pb.SeldonMessage(strData="q"), timeout=3)
                outcomes["ok"] += 1
            except grpc.RpcError as exc:
                outcomes[exc.code().name] += 1
                time.sleep(0.01)

    worker = threading.Thread(target=steady, daemon=True)
    worker.start()
    time.sleep(0.5)
    # one model call at a time per gRPC worker: the steady client waits behind this one
    in_flight = stub.model.Predict.future(stub.pb.SeldonMessage(strData="sleep:1.5"), timeout=10)
    time.sleep(0.2)
    started = time.monotonic()
    rt.proc.terminate()  # SIGTERM to the main process only, as a container stop does
    assert in_flight.result().strData == "sleep:1.5"  # answered, not cancelled
    rt.proc.wait(5 + 2)
    exited = time.monotonic() - started
    time.sleep(0.3)
    stop.set()
    worker.join(10)
    assert exited < 5 + 1, exited
    assert outcomes["ok"] > 10, outcomes
    # calls after the shutdown began are refused, never cut off mid-way
    assert set(outcomes) <= {"ok", "UNAVAILABLE"}, outcomes
    assert "Traceback" not in rt.log(), rt.log()
