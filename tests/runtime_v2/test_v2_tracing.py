"""Jaeger spans for V2 and KServe V1 calls (REST and gRPC), joined to the caller's trace."""

from __future__ import annotations

import grpc
import pytest

from seldon_runtime.v2.servicer import ModelInferRequest
from tests.runtime.conftest import free_port, start_server
from tests.runtime.test_tracing import PARENT, PARENT_SPAN, TRACE_ID, agent  # noqa: F401

pytestmark = pytest.mark.slow


def test_v2_and_kserve_calls_are_traced(tmp_path, agent):  # noqa: F811
    grpc_port = free_port()
    env = {"TRACING": "1", "JAEGER_AGENT_HOST": "127.0.0.1", "JAEGER_AGENT_PORT": str(agent.port),
           "GRPC_WORKERS": "1", "PREDICTIVE_UNIT_GRPC_SERVICE_PORT": str(grpc_port)}
    server = start_server(tmp_path, "Identity", env=env)
    body = {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1]}]}
    try:
        assert server.post("/v2/models/Identity/infer", body,
                           headers={"uber-trace-id": PARENT}).ok
        assert server.post("/v1/models/Identity:predict", {"instances": [1]}).ok
        assert server.post("/v2/models/Other/infer", body).status_code == 404
        request = ModelInferRequest(model_name="Identity")
        request.inputs.add(name="x", datatype="FP32", shape=[1]).contents.fp32_contents.append(1)
        with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
            infer = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer")
            infer(request.SerializeToString(), metadata=[("uber-trace-id", PARENT)], timeout=10)
        spans = sorted(agent.spans(4), key=lambda s: s["start"])
    finally:
        server.stop()
    rest, v1, missing, over_grpc = spans
    assert (rest["operation"], rest["tags"]["http.status_code"]) == ("ModelInfer", 200)
    assert (rest["trace_id"], rest["parent_id"]) == (TRACE_ID, PARENT_SPAN)
    assert v1["operation"] == "Predict" and v1["parent_id"] == 0
    assert (missing["operation"], missing["tags"]["http.status_code"]) == ("ModelInfer", 404)
    assert over_grpc["operation"] == "/inference.GRPCInferenceService/ModelInfer"
    assert (over_grpc["trace_id"], over_grpc["parent_id"]) == (TRACE_ID, PARENT_SPAN)
