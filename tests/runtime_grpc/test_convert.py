"""Protobuf messages <-> the data plane's JSON-form values, for every payload kind."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from google.protobuf import json_format

from seldon_runtime.grpc import convert, tensor, values
from seldon_runtime.proto import messages as pb


def msg(body: dict):
    return json_format.ParseDict(body, pb.SeldonMessage())


def test_tensor_request_gives_float64_values_and_shape():
    tensor = {"shape": [2, 2], "values": [1, 2, 3, 4]}
    tensor_msg = msg({"data": {"names": ["a"], "tensor": tensor}})
    d = convert.message_to_dict(tensor_msg)
    assert d["meta"] == {}
    assert d["data"]["names"] == ["a"]
    assert d["data"]["tensor"]["shape"] == [2, 2]
    vals = d["data"]["tensor"]["values"]
    assert vals.dtype == np.float64 and vals.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_unpacked_tensor_encoding_is_read_too():
    # field 2 as four separate fixed64 entries (legal, not what protobuf writes)
    raw = b"".join(b"\x11" + np.float64(v).tobytes() for v in (1, 2, 3, 4)) + b"\x0a\x02\x02\x02"
    shape, vals = tensor.to_numpy(pb.Tensor.FromString(raw))
    assert shape == [2, 2] and vals.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_negative_and_large_dims_round_trip():
    raw = tensor.to_bytes([-1, 300, 70000], np.arange(3))
    parsed = pb.Tensor.FromString(raw)
    assert list(parsed.shape) == [-1, 300, 70000]
    assert tensor.to_numpy(parsed)[0] == [-1, 300, 70000]


def test_ndarray_json_str_bin_payloads():
    nd = convert.message_to_dict(msg({"data": {"ndarray": [[1, "b"], [True, None]]}}))
    assert nd["data"]["ndarray"] == [[1.0, "b"], [True, None]]
    assert convert.message_to_dict(msg({"strData": "hé"}))["strData"] == "hé"
    assert convert.message_to_dict(msg({"binData": "AAEC"}))["binData"] == "AAEC"
    js = convert.message_to_dict(msg({"jsonData": {"k": [1, {"x": "y"}], "n": None}}))
    assert js["jsonData"] == {"k": [1.0, {"x": "y"}], "n": None}


def test_tftensor_request_is_protobuf_json():
    t = pb.SeldonMessage()
    t.data.tftensor.dtype = 1
    t.data.tftensor.tensor_shape.dim.add(size=2)
    t.data.tftensor.float_val.extend([1.5, 2.5])
    d = convert.message_to_dict(t)["data"]["tftensor"]
    assert d == {"dtype": "DT_FLOAT", "tensorShape": {"dim": [{"size": "2"}]},
                 "floatVal": [1.5, 2.5]}


def test_custom_data_stays_an_any():
    m = pb.SeldonMessage()
    m.customData.Pack(pb.Status(info="x"))
    d = convert.message_to_dict(m)
    assert d["customData"].type_url.endswith("seldon.protos.Status")
    back = convert.dict_to_message(d)
    out = pb.Status()
    assert back.customData.Unpack(out) and out.info == "x"


def test_meta_every_field():
    m = msg({"meta": {"puid": "p1", "tags": {"a": 1, "b": "x", "c": [1, 2]},
                      "routing": {"r": 2}, "requestPath": {"m": "img:1"},
                      "metrics": [{"key": "k", "type": "TIMER", "value": 2.5,
                                   "tags": {"t": "v"}}, {"key": "c", "value": 1}]},
             "strData": "s"})
    meta = convert.message_to_dict(m)["meta"]
    assert meta == {
        "puid": "p1",
        "tags": {"a": 1.0, "b": "x", "c": [1.0, 2.0]},
        "routing": {"r": 2},
        "requestPath": {"m": "img:1"},
        "metrics": [{"key": "k", "type": "TIMER", "value": 2.5, "tags": {"t": "v"}},
                    {"key": "c", "type": "COUNTER", "value": 1.0}],
    }
    assert json_format.MessageToDict(convert.dict_to_message({"meta": meta, "strData": "s"})) == (
        json_format.MessageToDict(m)
    )


def test_reply_payloads_to_message():
    arr = np.array([[1, 2], [3, 4]], dtype=np.int64)
    cases = [
        ({"data": {"names": ["t:0", "t:1"], "tensor": {"shape": [2, 2], "values": arr.ravel()}}},
         {"data": {"names": ["t:0", "t:1"], "tensor": {"shape": [2, 2],
                                                       "values": [1.0, 2.0, 3.0, 4.0]}}}),
        ({"data": {"names": [], "ndarray": arr}}, {"data": {"ndarray": [[1.0, 2.0], [3.0, 4.0]]}}),
        ({"data": {"names": [], "ndarray": [["a", 1], [None, True]]}},
         {"data": {"ndarray": [["a", 1.0], [None, True]]}}),
        ({"data": {"names": [], "ndarray": []}}, {"data": {"ndarray": []}}),
        ({"jsonData": {"a": np.float32(1.5), "b": [], "c": {}}},
         {"jsonData": {"a": 1.5, "b": [], "c": {}}}),
        ({"jsonData": "s"}, {"jsonData": "s"}),
        ({"strData": "hi"}, {"strData": "hi"}),
        ({"binData": base64.b64encode(b"\x00\x01").decode()}, {"binData": "AAE="}),
        ({"status": {"code": 500, "info": "x", "status": "FAILURE"}},
         {"status": {"code": 500, "info": "x", "status": "FAILURE"}}),
        ({"data": {"tftensor": {"dtype": "DT_INT32", "tensorShape": {"dim": [{"size": "1"}]},
                                "intVal": [7]}}},
         {"data": {"tftensor": {"dtype": "DT_INT32", "tensorShape": {"dim": [{"size": "1"}]},
                                "intVal": [7]}}}),
    ]
    for body, expected in cases:
        got = json_format.MessageToDict(convert.dict_to_message({**body, "meta": {}}))
        assert got == {**expected, "meta": {}}


def test_empty_data_is_still_set():
    m = convert.dict_to_message({"data": {"names": []}, "meta": {}})
    assert m.WhichOneof("data_oneof") == "data"


@pytest.mark.parametrize("body", [[1, 2], {"bogus": 1}, {"jsonData": object()},
                                  {"meta": {"metrics": [{"key": "k", "type": "NOPE"}]}}])
def test_unrepresentable_replies_raise_conversion_error(body):
    with pytest.raises(convert.ConversionError):
        convert.dict_to_message(body)


def test_feedback_and_list_requests():
    fb = json_format.ParseDict({"request": {"data": {"ndarray": [[1]]}}, "reward": 0.5,
                                "truth": {"data": {"ndarray": [[2]]}},
                                "response": {"meta": {"routing": {"0": 1}}}}, pb.Feedback())
    d = convert.feedback_to_dict(fb)
    assert d["reward"] == 0.5
    assert d["request"]["data"]["ndarray"] == [[1.0]]
    assert d["truth"]["data"]["ndarray"] == [[2.0]]
    assert d["response"]["meta"]["routing"] == {"0": 1}
    lst = json_format.ParseDict({"seldonMessages": [{"strData": "a"}, {"strData": "b"}]},
                                pb.SeldonMessageList())
    assert [m["strData"] for m in convert.message_list_to_dict(lst)["seldonMessages"]] == ["a", "b"]


def test_metadata_ignores_unknown_keys():
    meta = {"name": "m", "versions": ["1"], "platform": "", "inputs": [
        {"messagetype": "tensor", "schema": {"shape": [1, 4]}}, {"name": "x", "shape": [1]}],
        "outputs": [], "custom": {"a": "b"}, "extra": 1}
    got = json_format.MessageToDict(convert.metadata_to_message(meta))
    assert got == {"name": "m", "versions": ["1"], "custom": {"a": "b"}, "inputs": [
        {"messagetype": "tensor", "schema": {"shape": [1.0, 4.0]}}, {"name": "x", "shape": ["1"]}]}


def test_values_round_trip():
    obj = {"a": [1.5, "x", None, True, {"b": []}], "c": {}}
    v = pb.Value()
    values.set_value(v, obj)
    assert values.to_python(v) == obj
    with pytest.raises(TypeError):
        values.set_value(pb.Value(), b"bytes")


def test_coerce_from_another_pool(generated):
    theirs = generated.prediction_pb2.SeldonMessage(strData="x")
    ours = convert.coerce(theirs, pb.SeldonMessage)
    assert isinstance(ours, pb.SeldonMessage) and ours.strData == "x"
