"""Payload decoding/encoding against the protocol reference (§2.3, §2.4)."""

import base64

import numpy as np
import pytest

from seldon_runtime.codecs import tftensor
from seldon_runtime.codecs.payload import (
    NDARRAY,
    NO_DATA,
    TENSOR,
    TFTENSOR,
    decode_message,
    encode_payload,
)
from seldon_runtime.errors import SeldonMicroserviceException


def names_for(n):
    return [f"t:{i}" for i in range(n)]


def test_tensor_is_reshaped():
    X, names, mirror = decode_message(
        {"data": {"names": ["a", "b"], "tensor": {"shape": [2, 2], "values": [1, 2, 3, 4]}}}
    )
    assert X.shape == (2, 2) and X.tolist() == [[1, 2], [3, 4]]
    assert names == ["a", "b"] and mirror == TENSOR


def test_ndarray_keeps_ints_and_mixed_become_strings():
    X, _, mirror = decode_message({"data": {"ndarray": [[1, 2]]}})
    assert X.dtype.kind == "i" and mirror == NDARRAY
    X, _, _ = decode_message({"data": {"ndarray": [[1, "b"]]}})
    assert X.tolist() == [["1", "b"]]


def test_payload_precedence_data_first():
    X, _, mirror = decode_message({"strData": "s", "data": {"ndarray": [1]}, "jsonData": {}})
    assert X.tolist() == [1] and mirror == NDARRAY
    assert decode_message({"strData": "s", "jsonData": {"a": 1}})[0] == {"a": 1}
    assert decode_message({"binData": "YWJj", "strData": "s"})[0] == "s"
    assert decode_message({"binData": "YWJj"}) == (b"abc", [], NO_DATA)


def test_empty_data_gives_empty_array():
    X, names, mirror = decode_message({"data": {}})
    assert X.size == 0 and names == [] and mirror == NDARRAY


@pytest.mark.parametrize(
    "msg",
    [
        [1, 2],
        {"customData": {}},
        {"meta": {}},
        {"data": {"tensor": {"values": [1, 2]}}},
        {"data": {"tensor": {"shape": [3], "values": [1, 2]}}},
        {"data": {"ndarray": [[1], [2, 3]]}},
        {"binData": "not base64!"},
        {"data": "nope"},
    ],
)
def test_bad_payloads_are_400(msg):
    with pytest.raises(SeldonMicroserviceException) as info:
        decode_message(msg)
    assert info.value.status_code == 400


def test_response_field_by_returned_type():
    assert encode_payload({"k": 1}, NDARRAY, names_for) == ("jsonData", {"k": 1})
    assert encode_payload(b"abc", NDARRAY, names_for) == ("binData", "YWJj")
    assert encode_payload("hi", NDARRAY, names_for) == ("strData", "hi")
    with pytest.raises(SeldonMicroserviceException) as info:
        encode_payload((1, 2), NDARRAY, names_for)
    assert "Unknown data type returned as payload" in info.value.message


def test_mirroring_table():
    arr = np.array([[1.5, 2.5]])
    field, data = encode_payload(arr, TENSOR, names_for)
    assert data["tensor"]["shape"] == [1, 2] and data["names"] == ["t:0", "t:1"]
    field, data = encode_payload(arr, NO_DATA, names_for)
    assert "tensor" in data
    field, data = encode_payload(arr, NDARRAY, names_for)
    assert data["ndarray"].tolist() == [[1.5, 2.5]]
    # bool and string results are not numeric: always ndarray
    field, data = encode_payload(np.array([[True]]), TENSOR, names_for)
    assert "ndarray" in data
    field, data = encode_payload(np.array([1, 2]), NO_DATA, names_for)
    assert data == {"names": [], "tensor": {"shape": [2], "values": data["tensor"]["values"]}}


def test_list_result_skips_numpy_for_ndarray_requests():
    rows = [[1, 2], [3, 4]]
    field, data = encode_payload(rows, NDARRAY, names_for)
    assert data["ndarray"] is rows and data["names"] == ["t:0", "t:1"]
    assert encode_payload([1, 2], NDARRAY, names_for)[1]["names"] == []


def test_tftensor_round_trip_without_tensorflow():
    arr = np.array([[1.0, 2.0]], dtype=np.float32)
    encoded = tftensor.encode(arr)
    assert encoded["dtype"] == "DT_FLOAT"
    assert encoded["tensorShape"] == {"dim": [{"size": "1"}, {"size": "2"}]}
    assert tftensor.decode(encoded).tolist() == [[1.0, 2.0]]
    values = {
        "dtype": "DT_INT64",
        "tensorShape": {"dim": [{"size": "3"}]},
        "int64Val": ["1", "2", "3"],
    }
    assert tftensor.decode(values).tolist() == [1, 2, 3]
    content = base64.b64encode(np.array([1.5, 2.5]).tobytes()).decode()
    doubles = {
        "dtype": "DT_DOUBLE",
        "tensorShape": {"dim": [{"size": "2"}]},
        "tensorContent": content,
    }
    assert tftensor.decode(doubles).tolist() == [1.5, 2.5]
    X, _, mirror = decode_message({"data": {"tftensor": values}})
    assert (
        mirror == TFTENSOR
        and encode_payload(X, mirror, names_for)[1]["tftensor"]["dtype"] == "DT_INT64"
    )
