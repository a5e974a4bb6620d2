"""Checks without servers: proto field numbers, tensor codecs, the mapping table, tracing names."""

from __future__ import annotations

import numpy as np
import pytest

from seldon_runtime.proto.pool import POOL
from seldon_runtime.v2 import mapping, tensors
from seldon_runtime.v2.tensors import Tensor

# Triton's generated module registers its own `inference.*` in protobuf's default
# pool; ours lives in a private pool, so both load in one process.
service_pb2 = pytest.importorskip("tritonclient.grpc.service_pb2")

SHARED = ["ServerLiveRequest", "ServerLiveResponse", "ServerReadyRequest", "ServerReadyResponse",
          "ModelReadyRequest", "ModelReadyResponse", "ServerMetadataRequest",
          "ServerMetadataResponse", "ModelMetadataRequest", "ModelMetadataResponse",
          "ModelInferRequest", "ModelInferResponse", "InferParameter", "InferTensorContents"]


def _repeated(field) -> bool:
    if hasattr(field, "is_repeated"):  # protobuf >= 6 (`label` is gone in 7)
        return field.is_repeated
    return field.label == field.LABEL_REPEATED


def _fields(descriptor) -> dict:
    out = {f.name: (f.number, f.type, _repeated(f)) for f in descriptor.fields}
    for nested in descriptor.nested_types:
        for name, value in _fields(nested).items():
            out[f"{nested.name}.{name}"] = value
    return out


@pytest.mark.parametrize("message", SHARED)
def test_field_numbers_match_tritons_proto(message):
    ours = _fields(POOL.FindMessageTypeByName(f"inference.{message}"))
    theirs = _fields(service_pb2.DESCRIPTOR.message_types_by_name[message])
    # Ours may add MLServer's metadata `parameters`; everything Triton has must match.
    assert {k: ours.get(k) for k in theirs} == theirs


def test_service_methods_match_tritons():
    ours = POOL.FindServiceByName("inference.GRPCInferenceService")
    theirs = service_pb2.DESCRIPTOR.services_by_name["GRPCInferenceService"]
    for method in ours.methods:
        other = theirs.methods_by_name[method.name]
        assert (method.input_type.name, method.output_type.name) == (
            other.input_type.name, other.output_type.name)


@pytest.mark.parametrize("datatype", [d for d in tensors.DTYPES if d != "BYTES"])
def test_raw_bytes_round_trip(datatype):
    arr = (np.arange(6) % 2 if datatype == "BOOL" else np.arange(6)).astype(
        tensors.DTYPES[datatype]).reshape(2, 3)
    raw = tensors.to_bytes(arr, datatype)
    assert raw == arr.astype(arr.dtype.newbyteorder("<")).tobytes()
    back = tensors.from_bytes("x", datatype, [2, 3], raw, False)
    np.testing.assert_array_equal(back, arr)
    assert tensors.datatype_of(back) == datatype


def test_bytes_elements_are_length_prefixed():
    arr = np.array(["ab", "", "é"], dtype=object)
    raw = tensors.to_bytes(arr, "BYTES")
    assert raw == b"\x02\0\0\0ab" + b"\0\0\0\0" + b"\x02\0\0\0\xc3\xa9"
    assert list(tensors.from_bytes("s", "BYTES", [3], raw, True)) == ["ab", "", "é"]
    assert list(tensors.from_bytes("s", "BYTES", [3], raw, False)) == [b"ab", b"", "é".encode()]
    with pytest.raises(tensors.BadTensor, match="left after"):
        tensors.from_bytes("s", "BYTES", [2], raw, False)


def _t(name, arr):
    arr = np.asarray(arr)
    return Tensor(name, tensors.datatype_of(arr), list(arr.shape), arr, {})


def test_mapping_one_input_is_its_array():
    X, names = mapping.features([_t("x", np.ones((2, 3), np.float32))], as_dict=False)
    assert X.shape == (2, 3) and X.dtype == np.float32 and names == []


def test_mapping_several_inputs_are_named_columns():
    X, names = mapping.features([_t("a", [1, 2]), _t("b", [[3, 4], [5, 6]])], as_dict=False)
    assert X.tolist() == [[1, 3, 4], [2, 5, 6]]
    assert names == ["a", "b:0", "b:1"]


def test_mapping_dict_inputs_when_the_class_opts_in():
    X, names = mapping.features([_t("a", [1, 2]), _t("b", [3])], as_dict=True)
    assert set(X) == {"a", "b"} and names == ["a", "b"]


def test_mapping_outputs_from_replies():
    assert [o.name for o in mapping.outputs(
        {"data": {"names": ["lo", "hi"], "ndarray": [[1, 2]]}})] == ["lo", "hi"]
    assert [o.name for o in mapping.outputs(
        {"data": {"names": ["t:0", "t:1"], "ndarray": [[1, 2]]}})] == ["output-0"]
    (out,) = mapping.outputs({"data": {"names": [], "tensor": {"shape": [2, 1],
                                                               "values": [1, 2]}}})
    assert out.data.shape == (2, 1)
    assert mapping.outputs({"strData": "hi"})[0].data.tolist() == ["hi"]
    assert [o.name for o in mapping.outputs({"jsonData": {"p": [1], "q": [2]}})] == ["p", "q"]
    assert mapping.reply_parameters({"meta": {"tags": {"a": 1, "b": [1, 2]}}}) == {
        "a": 1, "b": "[1,2]"}


def test_tracing_operation_names():
    from seldon_runtime.tracing.wsgi import protocol_operation

    assert protocol_operation("/v2/models/m/infer") == "ModelInfer"
    assert protocol_operation("/v2/models/m/versions/1/infer") == "ModelInfer"
    assert protocol_operation("/v2/models/m/ready") == "ModelReady"
    assert protocol_operation("/v2/models/m") == "ModelMetadata"
    assert protocol_operation("/v2") == "ServerMetadata"
    assert protocol_operation("/v2/health/live") == "ServerLive"
    assert protocol_operation("/v1/models/m:predict") == "Predict"
    assert protocol_operation("/predict-not") is None


def test_protocol_settings(monkeypatch):
    from seldon_runtime.settings import from_args

    for var in ("SELDON_V2_PROTOCOL", "SELDON_KSERVE_V1_PROTOCOL", "SELDON_SERVED_MODEL_NAME",
                "SELDON_SERVED_MODEL_VERSION"):
        monkeypatch.delenv(var, raising=False)
    on = from_args(["pkg.Model"])
    assert (on.v2, on.kserve_v1, on.model_name, on.served_model_version) == (
        True, True, "pkg.Model", "")
    monkeypatch.setenv("SELDON_V2_PROTOCOL", "false")
    monkeypatch.setenv("SELDON_SERVED_MODEL_NAME", "iris")
    off = from_args(["pkg.Model", "--kserve-v1", "false", "--served-model-version", "2"])
    assert (off.v2, off.kserve_v1, off.model_name, off.served_model_version) == (
        False, False, "iris", "2")
