"""V2 and KServe V1 over plain HTTP: datatypes, binary extension, tags, metrics, errors."""

from __future__ import annotations

import re
import struct

import grpc
import numpy as np
import pytest
import requests

from .conftest import Ours

pytestmark = pytest.mark.slow

DATATYPES = {
    "BOOL": [True, False, True, True], "INT8": [-128, 0, 1, 127], "INT16": [-32768, 0, 1, 32767],
    "INT32": [-(2**31), 0, 1, 2**31 - 1], "INT64": [-(2**63), 0, 1, 2**63 - 1],
    "UINT8": [0, 1, 254, 255], "UINT16": [0, 1, 2, 65535], "UINT32": [0, 1, 2, 2**32 - 1],
    "UINT64": [0, 1, 2, 2**64 - 1], "FP16": [0.5, -1.0, 2.0, 65504.0],
    "FP32": [0.25, -1.5, 3.0, 1e30], "FP64": [0.1, -1e300, 3.0, 2.5],
}
NUMPY = {"BOOL": "?", "INT8": "<i1", "INT16": "<i2", "INT32": "<i4", "INT64": "<i8",
         "UINT8": "<u1", "UINT16": "<u2", "UINT32": "<u4", "UINT64": "<u8", "FP16": "<f2",
         "FP32": "<f4", "FP64": "<f8"}


def infer(server, body, name=None, **kwargs):
    return requests.post(f"{server.url}/v2/models/{name or server.name}/infer", json=body,
                         timeout=30, **kwargs)


@pytest.mark.parametrize("datatype", list(DATATYPES))
def test_every_datatype_in_json(ours, datatype):
    values = DATATYPES[datatype]
    body = {"id": "dt", "inputs": [{"name": "x", "datatype": datatype, "shape": [2, 2],
                                    "data": values}]}
    reply = infer(ours("Echo"), body)
    assert reply.status_code == 200, reply.text
    out = reply.json()["outputs"][0]
    assert (out["datatype"], out["shape"], out["data"]) == (datatype, [2, 2], values)
    assert reply.json()["id"] == "dt"


def _binary_request(header: dict, chunks: list[bytes]) -> tuple[bytes, dict]:
    import json

    head = json.dumps(header).encode()
    return head + b"".join(chunks), {"Inference-Header-Content-Length": str(len(head)),
                                     "Content-Type": "application/octet-stream"}


def _split_reply(reply) -> tuple[dict, bytes]:
    n = int(reply.headers["Inference-Header-Content-Length"])
    import json

    return json.loads(reply.content[:n]), reply.content[n:]


@pytest.mark.parametrize("datatype", [*DATATYPES, "BYTES"])
def test_every_datatype_in_the_binary_extension(ours, datatype):
    if datatype == "BYTES":
        elements = [b"a", b"", "é".encode(), b"\x00\xff"]
        raw = b"".join(struct.pack("<I", len(e)) + e for e in elements)
    else:
        raw = np.array(DATATYPES[datatype], dtype=NUMPY[datatype]).tobytes()
    data, headers = _binary_request(
        {"inputs": [{"name": "x", "datatype": datatype, "shape": [4],
                     "parameters": {"binary_data_size": len(raw)}}],
         "parameters": {"binary_data_output": True}}, [raw])
    reply = requests.post(f"{ours('Echo').url}/v2/models/Echo/infer", data=data,
                          headers=headers, timeout=30)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"] == "application/octet-stream"
    header, body = _split_reply(reply)
    out = header["outputs"][0]
    assert out["parameters"]["binary_data_size"] == len(raw) == len(body)
    assert "data" not in out and body == raw


def test_binary_output_chosen_per_output(ours):
    body = {"inputs": [{"name": "a", "datatype": "FP32", "shape": [1, 2], "data": [2, 3]}],
            "outputs": [{"name": "sum", "parameters": {"binary_data": True}},
                        {"name": "product", "parameters": {"binary_data": False}}]}
    header, raw = _split_reply(infer(ours("SumProduct"), body))
    assert [o["name"] for o in header["outputs"]] == ["sum", "product"]
    assert np.frombuffer(raw, "<f8").tolist() == [5.0]
    assert header["outputs"][1]["data"] == [6.0]


def test_bad_binary_sizes_are_400(ours):
    data, headers = _binary_request(
        {"inputs": [{"name": "x", "datatype": "FP32", "shape": [2],
                     "parameters": {"binary_data_size": 12}}]}, [b"\0" * 8])
    reply = requests.post(f"{ours('Echo').url}/v2/models/Echo/infer", data=data,
                          headers=headers, timeout=30)
    assert reply.status_code == 400 and "binary_data_size" in reply.json()["error"]
    headers["Inference-Header-Content-Length"] = "100000"
    reply = requests.post(f"{ours('Echo').url}/v2/models/Echo/infer", data=data,
                          headers=headers, timeout=30)
    assert reply.status_code == 400 and "Inference-Header-Content-Length" in reply.json()["error"]


def test_tags_come_back_as_parameters_and_metrics_reach_prometheus(ours):
    server = ours("Tagged")
    metrics_url = f"http://127.0.0.1:{server.metrics}/metrics"

    def calls() -> float:
        text = requests.get(metrics_url, timeout=10).text
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("v2_calls_total{") and 'method="predict"' in line)

    before = calls()
    body = {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 2], "data": [1, 2]}]}
    reply = infer(server, body)
    assert reply.json()["parameters"] == {"model": "tagged", "nested": '{"a":1}'}
    assert reply.json()["outputs"][0]["data"] == [2.0, 4.0]
    requests.post(f"{server.url}/v1/models/Tagged:predict", json={"instances": [[1, 2]]},
                  timeout=30)
    assert calls() - before == 2


def test_model_metadata_from_init_metadata(ours):
    meta = requests.get(f"{ours('Tagged').url}/v2/models/Tagged", timeout=30).json()
    assert meta == {"name": "Tagged", "versions": [], "platform": "seldon-test",
                    "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 2]}],
                    "outputs": [{"name": "output-0", "datatype": "FP32", "shape": [-1, 2]}],
                    "parameters": {"owner": "tests"}}


@pytest.mark.parametrize("method,path,status", [
    ("GET", "/v2/models/Echo/infer", 405),
    ("POST", "/v2/health/live", 405),
    ("GET", "/v2/models/Echo/explain", 404),
    ("GET", "/v2/models/Echo/versions/1/ready", 404),
    ("GET", "/v1/models/Other", 404),
    ("GET", "/v1/models/Echo:explain", 404),
])
def test_protocol_errors_have_v2_error_bodies(ours, method, path, status):
    reply = requests.request(method, ours("Echo").url + path, timeout=30)
    assert reply.status_code == status
    assert set(reply.json()) == {"error"}


def test_not_json_and_no_inputs_are_400(ours):
    url = f"{ours('Echo').url}/v2/models/Echo/infer"
    for data in (b"{nope", b"[]", b'{"inputs": [{"datatype": "FP32", "shape": [1]}]}',
                 b'{"inputs": [{"name": "x", "datatype": "FP32", "shape": [-1], "data": []}]}',
                 b'{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1]}]}',
                 b'{"inputs": [{"name": "x", "datatype": "INT8", "shape": [1], "data": [300]}]}'):
        reply = requests.post(url, data=data, timeout=30)
        assert reply.status_code == 400, (data, reply.text)
        assert reply.json()["error"]


def test_outputs_selection_of_an_unknown_output_is_400(ours):
    body = {"inputs": [{"name": "a", "datatype": "FP32", "shape": [1, 2], "data": [2, 3]}],
            "outputs": [{"name": "mean"}]}
    reply = infer(ours("SumProduct"), body)
    assert reply.status_code == 400
    assert "'mean'" in reply.json()["error"] and "'sum'" in reply.json()["error"]


def test_several_inputs_of_different_rows_are_400(ours):
    body = {"inputs": [{"name": "a", "datatype": "FP32", "shape": [2], "data": [2, 3]},
                       {"name": "b", "datatype": "FP32", "shape": [1], "data": [1]}]}
    reply = infer(ours("SumProduct"), body)
    assert reply.status_code == 400 and "v2_dict_inputs" in reply.json()["error"]


def test_router_has_no_v2_inference_but_answers_health(tmp_path):
    server = Ours(tmp_path, "Router", args=["--service-type", "ROUTER"])
    try:
        server.wait_rest()
        assert requests.get(f"{server.url}/v2/models/Router/ready", timeout=30).ok
        body = {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1]}]}
        reply = infer(server, body)
        assert reply.status_code == 501 and "Seldon protocol" in reply.json()["error"]
        reply = requests.post(f"{server.url}/v1/models/Router:predict",
                              json={"instances": [1]}, timeout=30)
        assert reply.status_code == 501
    finally:
        server.stop()


def test_name_version_and_switches(tmp_path):
    server = Ours(tmp_path, "Echo", env={"SELDON_SERVED_MODEL_NAME": "iris",
                                         "SELDON_SERVED_MODEL_VERSION": "3",
                                         "SELDON_KSERVE_V1_PROTOCOL": "false"})
    try:
        server.wait_rest()
        body = {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1]}]}
        for path in ("/v2/models/iris/infer", "/v2/models/iris/versions/3/infer"):
            reply = requests.post(server.url + path, json=body, timeout=30)
            assert reply.json()["model_version"] == "3" and reply.json()["model_name"] == "iris"
        assert requests.get(f"{server.url}/v2/models/iris", timeout=30).json()["versions"] == ["3"]
        assert infer(server, body, name="Echo").status_code == 404
        off = requests.post(f"{server.url}/v1/models/iris:predict", json={"instances": [1]},
                            timeout=30)
        assert off.status_code == 404 and "status" in off.json()  # the Seldon 404 body
    finally:
        server.stop()


def test_v2_off_leaves_the_seldon_protocol(tmp_path):
    server = Ours(tmp_path, "Echo", env={"SELDON_V2_PROTOCOL": "false"})
    try:
        server.wait_rest()
        assert requests.get(f"{server.url}/v2/health/live", timeout=30).status_code == 404
        reply = requests.post(f"{server.url}/api/v1.0/predictions",
                              json={"data": {"ndarray": [[1, 2]]}}, timeout=30)
        assert reply.json()["data"]["ndarray"] == [[1, 2]]
        channel = server.channel()
        live = channel.unary_unary("/inference.GRPCInferenceService/ServerLive")
        with pytest.raises(grpc.RpcError) as failed:
            live(b"", timeout=10)
        assert failed.value.code() == grpc.StatusCode.UNIMPLEMENTED
        channel.close()
    finally:
        server.stop()


# -- KServe V1 -------------------------------------------------------------------------

def test_kserve_v1_predict_with_instances_and_inputs(ours):
    server = ours("SumProduct")
    for key in ("instances", "inputs"):
        reply = requests.post(f"{server.url}/v1/models/SumProduct:predict",
                              json={key: [[1, 2], [3, 4]]}, timeout=30)
        assert reply.status_code == 200
        assert reply.json() == {"predictions": [[3.0, 2.0], [7.0, 12.0]]}


def test_kserve_v1_model_status_and_errors(ours):
    server = ours("Echo")
    assert requests.get(f"{server.url}/v1/models/Echo", timeout=30).json() == {
        "name": "Echo", "ready": True}
    assert requests.get(f"{server.url}/v1/models", timeout=30).json() == {"models": ["Echo"]}
    reply = requests.post(f"{server.url}/v1/models/Echo:predict", json={"rows": []}, timeout=30)
    assert reply.status_code == 400 and "instances" in reply.json()["error"]
    reply = requests.post(f"{server.url}/v1/models/Other:predict", json={"instances": [1]},
                          timeout=30)
    assert reply.status_code == 404
    reply = requests.post(f"{ours('Fails').url}/v1/models/Fails:predict",
                          json={"instances": [1, 2, 3, 4]}, timeout=30)
    assert reply.status_code == 400 and reply.json() == {"error": "at most 3 values, please"}


def test_kserve_v1_texts(ours):
    reply = requests.post(f"{ours('Echo').url}/v1/models/Echo:predict",
                          json={"instances": ["a", "b"]}, timeout=30)
    assert reply.json() == {"predictions": ["a", "b"]}


def test_seldon_routes_are_unchanged(ours):
    reply = requests.post(f"{ours('SumProduct').url}/api/v1.0/predictions",
                          json={"data": {"ndarray": [[1, 2]]}}, timeout=30)
    assert reply.json()["data"] == {"names": ["sum", "product"], "ndarray": [[3.0, 2.0]]}
    assert re.fullmatch(r"pong", requests.get(f"{ours('Echo').url}/health/ping",
                                              timeout=30).text)


def test_grpc_health_and_reflection_list_the_v2_service(ours):
    from seldon_runtime.proto.pool import message_class

    channel = ours("Echo").channel()
    try:
        request = message_class("grpc.health.v1.HealthCheckRequest")(
            service="inference.GRPCInferenceService")
        check = channel.unary_unary("/grpc.health.v1.Health/Check")
        reply = message_class("grpc.health.v1.HealthCheckResponse").FromString(
            check(request.SerializeToString(), timeout=10))
        assert reply.status == 1  # SERVING
        reflect = message_class("grpc.reflection.v1.ServerReflectionRequest")
        answers = channel.stream_stream("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo")
        listed = [message_class("grpc.reflection.v1.ServerReflectionResponse").FromString(a)
                  for a in answers(iter([reflect(list_services="").SerializeToString()]),
                                   timeout=10)]
        names = [s.name for s in listed[0].list_services_response.service]
        assert "inference.GRPCInferenceService" in names and "seldon.protos.Model" in names
    finally:
        channel.close()


def test_transformer_answers_v2_with_transform_input(tmp_path):
    server = Ours(tmp_path, "Scaler", args=["--service-type", "TRANSFORMER"])
    try:
        server.wait_rest()
        body = {"inputs": [{"name": "x", "datatype": "FP64", "shape": [1, 2], "data": [10, 30]}]}
        assert infer(server, body).json()["outputs"][0]["data"] == [1.0, 3.0]
    finally:
        server.stop()


def test_grpc_typed_contents_are_answered_with_typed_contents(ours):
    from seldon_runtime.v2.servicer import ModelInferRequest, ModelInferResponse

    request = ModelInferRequest(model_name="Words", id="typed")
    text = request.inputs.add(name="text", datatype="BYTES", shape=[2])
    text.contents.bytes_contents.extend([b"ab", b"c"])
    count = request.inputs.add(name="count", datatype="INT32", shape=[2])
    count.contents.int_contents.extend([2, 5])
    channel = ours("Words").channel()
    try:
        infer = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer")
        reply = ModelInferResponse.FromString(infer(request.SerializeToString(), timeout=10))
    finally:
        channel.close()
    assert reply.id == "typed" and not reply.raw_output_contents
    outputs = {o.name: o for o in reply.outputs}
    assert list(outputs["upper"].contents.bytes_contents) == [b"AB", b"C"]
    assert list(outputs["total"].contents.int64_contents) == [7]
    assert outputs["total"].datatype == "INT64" and list(outputs["total"].shape) == [1]
