"""Next to real seldon-core 1.18.2 (cached venv, protobuf 3.20): coexistence and parity.

The anchor venv is shared with the REST compatibility tests and the benchmarks
(`bench/runtime/anchor_venv.py`); our runtime runs there from source
(PYTHONPATH), as it would in an image whose requirements pin seldon-core.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .processes import Runtime

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def anchor(seldon_core_venv):
    return seldon_core_venv


def _env() -> dict:
    return {"PYTHONPATH": str(REPO / "runtime")}


def _run(anchor, code: str) -> str:
    env = {**os.environ, **_env()}
    out = subprocess.run([str(anchor / "bin" / "python"), "-c", code], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


COEXIST = """
import google.protobuf, {first}, {second}
from google.protobuf import json_format, symbol_database
from seldon_core.proto import prediction_pb2 as core
from seldon_runtime.proto import messages as ours
from seldon_runtime.grpc import convert
assert google.protobuf.__version__.startswith("3.20"), google.protobuf.__version__
body = {{"data": {{"tensor": {{"shape": [1, 2], "values": [1, 2]}}}},
        "meta": {{"puid": "p", "tags": {{"a": "b"}}}}}}
theirs = json_format.ParseDict(body, core.SeldonMessage())
mine = convert.coerce(theirs, ours.SeldonMessage)
assert json_format.MessageToDict(mine) == json_format.MessageToDict(theirs)
back = core.SeldonMessage.FromString(mine.SerializeToString())
assert back == theirs
# protobuf's default pool still resolves Seldon's names to seldon-core's classes
found = symbol_database.Default().GetSymbol("seldon.protos.SeldonMessage")
assert found is core.SeldonMessage, found
assert ours.SeldonMessage is not core.SeldonMessage
print("ok")
"""


@pytest.mark.slow
@pytest.mark.parametrize("order", [
    ("seldon_core.proto.prediction_pb2", "seldon_runtime.grpc.server"),
    ("seldon_runtime.grpc.server", "seldon_core.proto.prediction_pb2"),
])
def test_both_protocol_modules_live_in_one_process(anchor, order):
    assert _run(anchor, COEXIST.format(first=order[0], second=order[1])).strip() == "ok"


def _client(anchor, port: int, only_first: int = 0) -> list[dict]:
    out = subprocess.run(
        [str(anchor / "bin" / "python"), str(HERE / "anchor_client.py"), str(port),
         str(only_first)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def _start(tmp_path, argv, env=None) -> Runtime:
    rt = Runtime(tmp_path, argv, env={**_env(), **(env or {})})
    rt.wait_rest(timeout=60)
    return rt


@pytest.mark.slow
def test_same_replies_as_seldon_core_field_by_field(anchor, tmp_path):
    model = "GrpcModels.Everything"
    core = _start(tmp_path, [str(anchor / "bin" / "seldon-core-microservice"), model])
    ours = _start(tmp_path, [str(anchor / "bin" / "python"), "-m", "seldon_runtime", model])
    try:
        theirs = _client(anchor, core.grpc_port)
        mine = _client(anchor, ours.grpc_port)
    finally:
        core.stop(grace=1)  # seldon-core's gRPC parent ignores SIGTERM
        ours.stop()
    assert [c["case"] for c in mine] == [c["case"] for c in theirs]
    successes = [(t, m) for t, m in zip(theirs, mine) if "reply" in t]
    assert len(successes) == 17
    for t, m in successes:
        assert m == t
    # failures: seldon-core says UNKNOWN with no text; we say what went wrong
    failures = {m["case"]: (m["code"], m["details"]) for t, m in zip(theirs, mine) if "code" in t}
    assert all(t["code"] == "UNKNOWN" for t in theirs if "code" in t)
    assert list(failures.values()) == [
        ("INVALID_ARGUMENT", "Invalid request data type: {'meta': {}}"),
        ("INTERNAL", "kaboom"),
        ("PERMISSION_DENIED", "not for you"),
    ]


@pytest.mark.slow
def test_raw_hooks_get_seldon_cores_own_classes(anchor, tmp_path):
    ours = _start(tmp_path, [str(anchor / "bin" / "python"), "-m", "seldon_runtime",
                             "GrpcModels.CoreRaw"])
    try:
        code = (
            "import grpc\n"
            "from seldon_core.proto import prediction_pb2 as pb, prediction_pb2_grpc as g\n"
            f"ch = grpc.insecure_channel('127.0.0.1:{ours.grpc_port}')\n"
            "r = g.ModelStub(ch).Predict(pb.SeldonMessage(strData='x', meta=pb.Meta(puid='q')),"
            " timeout=30)\n"
            "print(r.strData, r.meta.puid)\n"
        )
        assert _run(anchor, code).strip() == "seldon-core class: True q"
    finally:
        ours.stop()
