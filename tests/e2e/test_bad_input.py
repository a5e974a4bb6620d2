"""Bad input to a running image: a 4xx where the client is at fault, no worker lost, and
the next good request is answered."""

from __future__ import annotations

import random
import socket

import grpc
import pytest
import requests

from .expectations import call_for, request_of

pytestmark = [pytest.mark.engine, pytest.mark.images("numpy-setup-py")]

ROUTE = "/api/v1.0/predictions"
JSON = {"Content-Type": "application/json"}

# bodies a client could send by mistake; each is the client's fault
BAD_BODIES = [
    b"", b"{", b"null", b"[1, 2]", b'"text"', b"42", b"{}", b'{"meta": {}}',
    b'{"data": {"tensor": {"values": [1, 2, 3]}}}',  # no shape
    b'{"data": {"tensor": {"shape": [2, 2], "values": [1, 2, 3]}}}',  # size mismatch
    b'{"data": {"ndarray": [[1, 2, 3], [4]]}}',  # ragged
    b'{"binData": "not base64!"}',
    b'{"data": {"ndarray": [[1, 2, 3]]', b"\xff\xfe\x00garbage",
]


def fuzzed(seed: int, count: int) -> list[bytes]:
    """Random cuts and byte flips of a good request."""
    rng = random.Random(seed)
    good = bytearray(b'{"data": {"names": ["a", "b", "c"], "ndarray": [[1.0, 2.0, 3.0]]}}')
    out = []
    for _ in range(count):
        body = bytearray(good[: rng.randrange(1, len(good))])
        for _ in range(rng.randrange(0, 4)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        out.append(bytes(body))
    return out


@pytest.fixture(scope="module")
def model(served):
    return served("numpy-setup-py")


def good_request_works(model) -> None:
    call = call_for("numpy-setup-py")
    reply = requests.post(model.url(call.route), json=request_of(call), timeout=30)
    assert reply.status_code == 200, reply.text


def test_malformed_bodies_are_client_errors(model):
    workers = model.booted_workers()
    statuses = {}
    for body in BAD_BODIES + fuzzed(seed=8, count=60):
        reply = requests.post(model.url(ROUTE), data=body, headers=JSON, timeout=30)
        statuses[body] = reply.status_code
        assert reply.headers["Content-Type"].startswith("application/json"), body
    server_errors = {b: s for b, s in statuses.items() if s >= 500}
    assert server_errors == {}
    assert all(400 <= s < 500 or s == 200 for s in statuses.values()), statuses
    good_request_works(model)
    assert model.booted_workers() == workers, "a worker was lost or restarted"


def test_wrong_types_content_type_and_routes(model):
    # strings where the model needs numbers: the model's own error, reported not crashed
    strings = requests.post(model.url(ROUTE), json={"data": {"ndarray": [["a", "b", "c"]]}},
                            timeout=30)
    assert strings.status_code in (400, 500) and strings.json()["status"]["status"] == 1
    plain = requests.post(model.url(ROUTE), data=b'{"data": {"ndarray": [[1, 2, 3]]}}',
                          headers={"Content-Type": "text/plain"}, timeout=30)
    assert 400 <= plain.status_code < 500
    assert requests.get(model.url("/no/such/route"), timeout=30).status_code == 404
    assert 400 <= requests.put(model.url(ROUTE), json={}, timeout=30).status_code < 500
    good_request_works(model)


def test_ten_megabyte_body(model):
    big = b'{"data": {"ndarray": [' + b"[1.0, 2.0, 3.0]," * 650_000 + b"[1.0, 2.0, 3.0]]}}"
    assert len(big) > 10_000_000
    reply = requests.post(model.url(ROUTE), data=big, headers=JSON, timeout=120)
    # either served or refused as too large; never a server error
    assert reply.status_code in (200, 413), reply.text[:500]
    good_request_works(model)


def test_broken_grpc_frames(model, grpc_client):
    """Undecodable messages and a connection cut mid-frame leave gRPC serving."""
    target = model.grpc_target()
    with grpc.insecure_channel(target) as channel:
        raw = channel.unary_unary("/seldon.protos.Model/Predict",
                                  request_serializer=lambda b: b,
                                  response_deserializer=lambda b: b)
        for junk in (b"\x0a\xff\xff\xff", b"\x12\x05\x0a", b"\xff" * 64):
            with pytest.raises(grpc.RpcError) as failed:
                raw(junk, timeout=10)
            assert failed.value.code() != grpc.StatusCode.UNAVAILABLE
    host, port = target.split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        # the HTTP/2 preface, then half a frame header, then hang up
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00")
    pb2, json_format = grpc_client.pb2, grpc_client.json_format
    message = json_format.ParseDict(request_of(call_for("numpy-setup-py")), pb2.SeldonMessage())
    with grpc.insecure_channel(target) as channel:
        answer = grpc_client.grpc.ModelStub(channel).Predict(message, timeout=30)
    assert list(answer.data.names) == ["low", "high"]
