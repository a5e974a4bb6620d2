"""Triton's own clients (tritonclient from PyPI) against seldon-runtime: HTTP JSON, binary, gRPC."""

from __future__ import annotations

import numpy as np
import pytest
import tritonclient.grpc as triton_grpc
import tritonclient.http as triton_http
from tritonclient.utils import InferenceServerException

pytestmark = pytest.mark.slow

# (client module, binary data on HTTP)
TRANSPORTS = {
    "http-json": (triton_http, False),
    "http-binary": (triton_http, True),
    "grpc": (triton_grpc, None),
}


class Client:
    def __init__(self, server, transport: str):
        self.mod, self.binary = TRANSPORTS[transport]
        url = server.grpc_url if self.mod is triton_grpc else server.url[len("http://"):]
        self.c = self.mod.InferenceServerClient(url)
        self.name = server.name

    def input(self, name: str, arr: np.ndarray, datatype: str):
        tensor = self.mod.InferInput(name, list(arr.shape), datatype)
        if self.binary is None:
            tensor.set_data_from_numpy(arr)
        else:
            tensor.set_data_from_numpy(arr, binary_data=self.binary)
        return tensor

    def output(self, name: str):
        if self.binary is None:
            return self.mod.InferRequestedOutput(name)
        return self.mod.InferRequestedOutput(name, binary_data=self.binary)

    def infer(self, inputs, outputs=None, **kwargs):
        return self.c.infer(self.name, inputs, outputs=outputs, **kwargs)

    def metadata(self) -> dict:
        if self.mod is triton_grpc:
            return self.c.get_model_metadata(self.name, as_json=True)
        return self.c.get_model_metadata(self.name)


@pytest.fixture(params=list(TRANSPORTS))
def client(request, ours):
    return lambda model: Client(ours(model), request.param)


def test_health_and_server_metadata(client):
    c = client("Echo")
    assert c.c.is_server_live() and c.c.is_server_ready() and c.c.is_model_ready("Echo")
    if c.mod is triton_grpc:  # MLServer's answer too: NOT_FOUND
        with pytest.raises(InferenceServerException, match="not found"):
            c.c.is_model_ready("NoSuchModel")
    else:
        assert not c.c.is_model_ready("NoSuchModel")
    meta = c.c.get_server_metadata(**({"as_json": True} if c.mod is triton_grpc else {}))
    assert meta["name"] == "seldon-runtime"
    assert "binary_tensor_data" in meta["extensions"]


def test_model_metadata_comes_from_init_metadata(client):
    meta = client("Tagged").metadata()
    assert meta["name"] == "Tagged"
    assert meta["platform"] == "seldon-test"
    assert [(t["name"], t["datatype"], [int(d) for d in t["shape"]])
            for t in meta["inputs"]] == [("x", "FP32", [-1, 2])]


@pytest.mark.parametrize("datatype,dtype", [("FP32", np.float32), ("INT64", np.int64),
                                            ("FP64", np.float64), ("INT8", np.int8),
                                            ("UINT16", np.uint16), ("BOOL", np.bool_)])
def test_numeric_tensors_come_back_value_for_value(client, datatype, dtype):
    c = client("Echo")
    x = (np.arange(12).reshape(3, 4) % 7).astype(dtype)
    result = c.infer([c.input("x", x, datatype)], [c.output("output-0")], request_id="req-7")
    out = result.as_numpy("output-0")
    assert out.dtype == x.dtype and out.shape == (3, 4)
    np.testing.assert_array_equal(out, x)
    response = result.get_response(**({"as_json": True} if c.mod is triton_grpc else {}))
    assert response["id"] == "req-7"
    assert response["outputs"][0]["datatype"] == datatype


def test_bytes_tensors(client):
    c = client("Echo")
    x = np.array([b"hello", "wörld".encode(), b""], dtype=object)
    out = c.infer([c.input("s", x, "BYTES")]).as_numpy("output-0")
    assert list(out) == [b"hello", "wörld".encode(), b""]


def test_several_inputs_and_outputs(client):
    c = client("SumProduct")
    a = np.array([1, 2, 3], dtype=np.float32)
    b = np.array([4, 5, 6], dtype=np.float32)
    result = c.infer([c.input("a", a, "FP32"), c.input("b", b, "FP32")],
                     [c.output("sum"), c.output("product")])
    np.testing.assert_array_equal(result.as_numpy("sum"), [5, 7, 9])
    np.testing.assert_array_equal(result.as_numpy("product"), [4, 10, 18])


def test_outputs_selection(client):
    c = client("SumProduct")
    a = np.array([[1, 2]], dtype=np.int64)
    result = c.infer([c.input("a", a, "INT64")], [c.output("product")])
    assert result.as_numpy("sum") is None
    np.testing.assert_array_equal(result.as_numpy("product"), [2])


def test_dict_inputs_and_outputs(client):
    c = client("Words")
    result = c.infer([c.input("text", np.array([b"ab", b"cd"], dtype=object), "BYTES"),
                      c.input("count", np.array([2, 3], dtype=np.int64), "INT64")])
    assert list(result.as_numpy("upper")) == [b"AB", b"CD"]
    np.testing.assert_array_equal(result.as_numpy("total"), [5])


def test_errors_reach_the_client(client):
    c = client("Fails")
    x = np.ones((2, 2), dtype=np.float32)
    with pytest.raises(InferenceServerException, match="at most 3 values") as bad:
        c.infer([c.input("x", x, "FP32")])
    assert bad.value.status() in ("400", "StatusCode.INVALID_ARGUMENT")
    with pytest.raises(InferenceServerException, match="the model broke") as broken:
        c.infer([c.input("x", x[:1, :1], "FP32")])
    assert broken.value.status() in ("500", "StatusCode.INTERNAL")
    with pytest.raises(InferenceServerException, match="not found"):
        c.c.infer("NoSuchModel", [c.input("x", x, "FP32")])
