"""One image built by `seldon-build` answers the Seldon protocol, V2 and KServe V1 in one run."""

from __future__ import annotations

import grpc
import numpy as np
import pytest
import requests

from .expectations import example_request

pytestmark = [pytest.mark.engine, pytest.mark.images("metrics-tags")]


def test_one_image_speaks_seldon_v2_and_kserve_v1(served, grpc_client):
    import tritonclient.grpc as triton_grpc
    import tritonclient.http as triton_http

    container = served("metrics-tags")
    rows = [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]
    # Seldon REST and gRPC, as before
    seldon = requests.post(container.url("/api/v1.0/predictions"),
                           json=example_request("metrics-tags"), timeout=30)
    assert seldon.status_code == 200 and "data" in seldon.json()
    pb2, json_format = grpc_client.pb2, grpc_client.json_format
    target = container.grpc_target()
    with grpc.insecure_channel(target) as channel:
        answer = grpc_client.grpc.ModelStub(channel).Predict(
            json_format.ParseDict({"data": {"ndarray": rows}}, pb2.SeldonMessage()), timeout=30)
    assert json_format.MessageToDict(answer)["data"]["ndarray"] == rows
    # V2 REST (JSON and binary) and V2 gRPC, with Triton's clients
    x = np.array(rows, dtype=np.float32)
    ready = requests.get(container.url("/v2/models/MetricsModel/ready"), timeout=30)
    assert ready.status_code == 200, (ready.status_code, ready.text)
    http_client = triton_http.InferenceServerClient(container.url()[len("http://"):])
    assert http_client.is_model_ready("MetricsModel")
    for binary in (False, True):
        tensor = triton_http.InferInput("x", [2, 4], "FP32")
        tensor.set_data_from_numpy(x, binary_data=binary)
        result = http_client.infer("MetricsModel", [tensor])
        np.testing.assert_array_equal(result.as_numpy("output-0"), x)
        assert result.get_response()["parameters"]["model_kind"] == "identity"
    grpc_v2 = triton_grpc.InferenceServerClient(target)
    tensor = triton_grpc.InferInput("x", [2, 4], "FP32")
    tensor.set_data_from_numpy(x)
    np.testing.assert_array_equal(grpc_v2.infer("MetricsModel", [tensor]).as_numpy("output-0"),
                                  x)
    assert grpc_v2.get_model_metadata("MetricsModel").name == "MetricsModel"
    # KServe V1
    v1 = requests.post(container.url("/v1/models/MetricsModel:predict"),
                       json={"instances": rows}, timeout=30)
    assert v1.status_code == 200 and v1.json() == {"predictions": rows}
    assert requests.get(container.url("/v1/models/MetricsModel"), timeout=30).json()["ready"]
