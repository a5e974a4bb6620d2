"""seldon-runtime's V2 replies compared with MLServer's, field by field, for the same model code.

MLServer (from PyPI, in its own cached venv) serves `models/mlserver_models.py`,
which wraps the same classes seldon-runtime serves. Only ids differ by design;
every other difference is one listed in docs/protocols.md and is asserted
here as exactly that difference.
"""

from __future__ import annotations

import numpy as np
import pytest
import requests
import tritonclient.grpc as triton_grpc

pytestmark = pytest.mark.slow

# (model, request) pairs whose replies must be equal apart from the id
SAME = [
    ("Echo", {"id": "a-1", "inputs": [
        {"name": "x", "datatype": "FP32", "shape": [2, 2], "data": [1, 2, 3, 4]}]}),
    ("Echo", {"inputs": [
        {"name": "x", "datatype": "INT64", "shape": [1, 3], "data": [[1, 2, 3]]}]}),
    ("Echo", {"inputs": [
        {"name": "x", "datatype": "FP64", "shape": [2, 1], "data": [0.5, -1e300]}]}),
    ("Echo", {"inputs": [{"name": "x", "datatype": "BOOL", "shape": [1, 2],
                          "data": [True, False]}]}),
    ("Echo", {"inputs": [{"name": "x", "datatype": "UINT8", "shape": [1, 2],
                          "data": [0, 255]}]}),
    ("Echo", {"inputs": [{"name": "s", "datatype": "BYTES", "shape": [2, 1], "data": ["a", "bé"],
                          "parameters": {"content_type": "str"}}]}),
]


def _without_id(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "id"}


@pytest.mark.parametrize("model,request_body", SAME)
def test_infer_replies_equal_mlservers(ours, mlserver, model, request_body):
    mine = requests.post(f"{ours(model).url}/v2/models/{model}/infer", json=request_body,
                         timeout=30)
    theirs = requests.post(f"{mlserver.url}/v2/models/{model}/infer", json=request_body,
                           timeout=30)
    assert mine.status_code == theirs.status_code == 200, (mine.text, theirs.text)
    assert _without_id(mine.json()) == _without_id(theirs.json())
    if "id" in request_body:
        assert mine.json()["id"] == theirs.json()["id"] == request_body["id"]


def test_model_metadata_equals_mlservers(ours, mlserver):
    mine = requests.get(f"{ours('Echo').url}/v2/models/Echo", timeout=30)
    theirs = requests.get(f"{mlserver.url}/v2/models/Echo", timeout=30)
    assert mine.json() == theirs.json()


@pytest.mark.parametrize("path,status", [
    ("/v2/health/live", 200), ("/v2/health/ready", 200), ("/v2/models/Echo/ready", 200),
    ("/v2/models/NoSuchModel/ready", 404), ("/v2/models/Echo/versions/9", 404),
    ("/v2/models/NoSuchModel", 404),
])
def test_health_statuses_equal_mlservers(ours, mlserver, path, status):
    assert requests.get(ours("Echo").url + path, timeout=30).status_code == status
    assert requests.get(mlserver.url + path, timeout=30).status_code == status


def test_unknown_model_is_a_404_error_body_on_both(ours, mlserver):
    body = {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": [1]}]}
    for url in (ours("Echo").url, mlserver.url):
        reply = requests.post(f"{url}/v2/models/NoSuchModel/infer", json=body, timeout=30)
        assert reply.status_code == 404
        assert "NoSuchModel" in reply.json()["error"]


# -- the deliberate differences (docs/protocols.md, "Differences from MLServer") -----------

ONE_DIMENSIONAL = [
    ("Echo", {"inputs": [{"name": "x", "datatype": "FP32", "shape": [3], "data": [1, 2, 3]}]}),
    ("SumProduct", {"inputs": [
        {"name": "a", "datatype": "FP32", "shape": [2, 1], "data": [1, 2]},
        {"name": "b", "datatype": "FP32", "shape": [2, 1], "data": [3, 4]}]}),
    ("SumProduct", {"inputs": [
        {"name": "a", "datatype": "FP32", "shape": [1, 2], "data": [1, 2]}],
        "outputs": [{"name": "product"}]}),
]


@pytest.mark.parametrize("model,request_body", ONE_DIMENSIONAL)
def test_difference_one_dimensional_results_keep_their_shape(ours, mlserver, model,
                                                             request_body):
    """MLServer's numpy codec adds a column to 1-D results ([N] -> [N, 1]); we keep [N]."""
    mine = requests.post(f"{ours(model).url}/v2/models/{model}/infer", json=request_body,
                         timeout=30).json()
    theirs = requests.post(f"{mlserver.url}/v2/models/{model}/infer", json=request_body,
                           timeout=30).json()
    _one_column_apart(mine["outputs"], theirs["outputs"], 1)
    assert _without_id(mine) == _without_id(theirs)


def _one_column_apart(mine: list, theirs: list, one) -> None:
    """Check the shape difference above, then make the shapes equal."""
    assert len(mine) == len(theirs)
    for m, t in zip(mine, theirs):
        assert len(m["shape"]) == 1 and t["shape"] == [*m["shape"], one]
        m["shape"] = t["shape"]


def test_difference_bad_requests_are_400_with_an_error_body(ours, mlserver):
    short = {"inputs": [{"name": "x", "datatype": "FP32", "shape": [3], "data": [1]}]}
    mine = requests.post(f"{ours('Echo').url}/v2/models/Echo/infer", json=short, timeout=30)
    theirs = requests.post(f"{mlserver.url}/v2/models/Echo/infer", json=short, timeout=30)
    assert (mine.status_code, theirs.status_code) == (400, 500)
    assert "1 values for shape [3]" in mine.json()["error"]
    unknown = {"inputs": [{"name": "x", "datatype": "FP99", "shape": [1], "data": [1]}]}
    mine = requests.post(f"{ours('Echo').url}/v2/models/Echo/infer", json=unknown, timeout=30)
    theirs = requests.post(f"{mlserver.url}/v2/models/Echo/infer", json=unknown, timeout=30)
    assert (mine.status_code, theirs.status_code) == (400, 422)
    assert "FP99" in mine.json()["error"] and "detail" in theirs.json()


def test_difference_server_metadata_and_health_bodies(ours, mlserver):
    mine = requests.get(f"{ours('Echo').url}/v2", timeout=30).json()
    theirs = requests.get(f"{mlserver.url}/v2", timeout=30).json()
    assert (mine["name"], theirs["name"]) == ("seldon-runtime", "mlserver")
    assert mine["extensions"] == ["binary_tensor_data"] and theirs["extensions"] == []
    assert requests.get(f"{ours('Echo').url}/v2/health/live", timeout=30).json() == {"live": True}
    assert requests.get(f"{mlserver.url}/v2/health/live", timeout=30).content == b""


def test_difference_bytes_without_content_type_stay_bytes(ours, mlserver):
    body = {"inputs": [{"name": "s", "datatype": "BYTES", "shape": [1, 1], "data": ["a"]}]}
    mine = requests.post(f"{ours('Echo').url}/v2/models/Echo/infer", json=body, timeout=30)
    theirs = requests.post(f"{mlserver.url}/v2/models/Echo/infer", json=body, timeout=30)
    m, t = mine.json()["outputs"][0], theirs.json()["outputs"][0]
    assert m["data"] == t["data"] == ["a"]
    assert (m["parameters"], t["parameters"]) == ({"content_type": "np"}, {"content_type": "str"})


def test_grpc_replies_equal_mlservers(ours, mlserver):
    replies = []
    for url in (ours("SumProduct").grpc_url, mlserver.grpc_url):
        client = triton_grpc.InferenceServerClient(url)
        a = triton_grpc.InferInput("a", [2, 1], "FP32")
        a.set_data_from_numpy(np.array([[1], [2]], dtype=np.float32))
        b = triton_grpc.InferInput("b", [2, 1], "FP32")
        b.set_data_from_numpy(np.array([[3], [4]], dtype=np.float32))
        result = client.infer("SumProduct", [a, b], request_id="g-1")
        reply = result.get_response(as_json=True)
        for out in reply["outputs"]:
            out.pop("contents", None)  # MLServer adds an empty typed `contents` next to raw
        replies.append((reply, result.as_numpy("sum"), result.as_numpy("product")))
    (mine, msum, mprod), (theirs, tsum, tprod) = replies
    _one_column_apart(mine["outputs"], theirs["outputs"], "1")
    assert mine == theirs
    np.testing.assert_array_equal(msum, tsum.reshape(-1))
    np.testing.assert_array_equal(mprod, tprod.reshape(-1))
    np.testing.assert_array_equal(msum, [4, 6])
    np.testing.assert_array_equal(mprod, [3, 8])
