"""Every Seldon gRPC service and message kind against the real server (in this process).

Expected replies are written from the protocol reference (§2-§3): the same
payload semantics as REST, numbers as doubles on gRPC.
"""

from __future__ import annotations

import grpc
import numpy as np
import pytest
from google.protobuf import empty_pb2, json_format

from seldon_runtime.dataplane import PlaneConfig


def call(stub_method, pb, body, cls="SeldonMessage"):
    reply = stub_method(json_format.ParseDict(body, getattr(pb, cls)()), timeout=10)
    return json_format.MessageToDict(reply)


@pytest.fixture
def everything(serve, models):
    return serve(models.Everything())


TAGS = {"model": "everything"}
METRIC = {"key": "grpc_test_calls", "value": 1.0}  # COUNTER is the default, omitted in JSON


@pytest.mark.parametrize(
    "request_body,expected",
    [
        ({"data": {"names": ["a", "b"], "ndarray": [[1, 2]]}},
         {"data": {"names": ["t:0", "t:1"], "ndarray": [[1.0, 2.0]]}}),
        ({"data": {"tensor": {"shape": [2, 2], "values": [1, 2, 3, 4]}}},
         {"data": {"names": ["t:0", "t:1"], "tensor": {"shape": [2, 2],
                                                       "values": [1.0, 2.0, 3.0, 4.0]}}}),
        ({"data": {"ndarray": [["a", 1]]}},
         {"data": {"names": ["t:0", "t:1"], "ndarray": [["a", "1.0"]]}}),
        ({"data": {"ndarray": [1, 2]}}, {"data": {"ndarray": [1.0, 2.0]}}),
        ({"strData": "hello"}, {"strData": "hello"}),
        ({"binData": "YWJj"}, {"binData": "YWJj"}),
        ({"jsonData": {"k": [1, 2]}}, {"jsonData": {"k": [1.0, 2.0]}}),
        ({"jsonData": [1, 2]}, {"data": {"tensor": {"shape": [2], "values": [1.0, 2.0]}}}),
        ({"data": {"names": ["x"]}}, {"data": {"ndarray": []}}),
    ],
)
def test_predict_every_payload_kind(everything, request_body, expected):
    got = call(everything.model.Predict, everything.pb, request_body)
    assert got == {**expected, "meta": {"tags": TAGS, "metrics": [METRIC]}}


def test_seldon_service_predict_is_the_same(everything):
    body = {"data": {"tensor": {"shape": [1, 2], "values": [1, 2]}}}
    assert call(everything.seldon.Predict, everything.pb, body) == call(
        everything.model.Predict, everything.pb, body)


def test_tftensor_mirrors_tftensor(everything):
    req = everything.pb.SeldonMessage()
    t = req.data.tftensor
    t.dtype = 1  # DT_FLOAT
    t.tensor_shape.dim.add(size=1)
    t.tensor_shape.dim.add(size=3)
    t.float_val.extend([1.5, 2.5, 3.5])
    reply = everything.model.Predict(req, timeout=10)
    out = reply.data.tftensor
    assert reply.data.WhichOneof("data_oneof") == "tftensor"
    assert out.dtype == 1 and [d.size for d in out.tensor_shape.dim] == [1, 3]
    values = np.frombuffer(out.tensor_content, "<f4") if out.tensor_content else out.float_val
    assert list(values) == [1.5, 2.5, 3.5]
    assert list(reply.data.names) == ["t:0", "t:1", "t:2"]


def test_meta_puid_tags_metrics_request_path(serve, models):
    stub = serve(models.Everything(), config=PlaneConfig(unit_id="node", unit_image="img:1"))
    body = {"meta": {"puid": "p1", "tags": {"req": "x", "model": "overridden"},
                     "routing": {"r": 1}, "requestPath": {"up": "u:1"},
                     "metrics": [{"key": "from_request", "type": "GAUGE", "value": 3}]},
            "strData": "s"}
    got = call(stub.model.Predict, stub.pb, body)
    assert got == {
        "strData": "s",
        "meta": {
            "puid": "p1",
            "tags": {"req": "x", "model": "everything"},
            "requestPath": {"node": "img:1", "up": "u:1"},
            "metrics": [{"key": "from_request", "type": "GAUGE", "value": 3.0}, METRIC],
        },
    }


def test_meta_argument_is_the_request_meta_dict(everything):
    got = call(everything.model.Predict, everything.pb, {"strData": "meta"})
    assert got["jsonData"] == {"meta": {}, "names": []}
    got = call(everything.model.Predict, everything.pb,
               {"strData": "meta", "meta": {"puid": "q", "tags": {"a": 1}}})
    assert got["jsonData"]["meta"] == {"puid": "q", "tags": {"a": 1.0}}


def test_transformers(everything):
    body = {"data": {"ndarray": [[1, 2]]}}
    expected_in = {"data": {"names": ["t:0", "t:1"], "ndarray": [[2.0, 4.0]]},
                   "meta": {"tags": TAGS, "metrics": [METRIC]}}
    assert call(everything.generic.TransformInput, everything.pb, body) == expected_in
    assert call(everything.transformer.TransformInput, everything.pb, body) == expected_in
    expected_out = {"data": {"names": ["t:0", "t:1"], "ndarray": [[2.0, 3.0]]},
                    "meta": {"tags": TAGS, "metrics": [METRIC]}}
    assert call(everything.generic.TransformOutput, everything.pb, body) == expected_out
    assert call(everything.outputtransformer.TransformOutput, everything.pb, body) == expected_out


def test_route_wraps_the_child_index_and_drops_request_tags(everything):
    body = {"meta": {"puid": "r1", "tags": {"dropped": 1}},
            "data": {"tensor": {"shape": [1, 1], "values": [5]}}}
    expected = {"data": {"names": ["t:0"], "tensor": {"shape": [1, 1], "values": [1.0]}},
                "meta": {"puid": "r1", "tags": TAGS, "metrics": [METRIC]}}
    assert call(everything.router.Route, everything.pb, body) == expected
    assert call(everything.generic.Route, everything.pb, body) == expected


def test_aggregate_merges_meta_and_mirrors_the_first_message(everything):
    body = {"seldonMessages": [
        {"meta": {"tags": {"x": 1}}, "data": {"ndarray": [[1, 2]]}},
        {"meta": {"tags": {"y": 2}}, "data": {"tensor": {"shape": [1, 1], "values": [9]}}},
    ]}
    expected = {"data": {"names": ["t:0", "t:1"], "ndarray": [[1.0, 2.0]]},
                "meta": {"tags": {"x": 1.0, "y": 2.0, **TAGS}, "metrics": [METRIC]}}
    assert call(everything.combiner.Aggregate, everything.pb, body, "SeldonMessageList") == expected
    assert call(everything.generic.Aggregate, everything.pb, body, "SeldonMessageList") == expected


@pytest.mark.parametrize("service", ["model", "router", "generic", "seldon"])
def test_send_feedback(everything, service):
    body = {"request": {"data": {"ndarray": [[1, 2]]}}, "reward": 0.5,
            "response": {"meta": {"routing": {"0": 3}}}, "truth": {"data": {"ndarray": [[1]]}}}
    got = call(getattr(everything, service).SendFeedback, everything.pb, body, "Feedback")
    assert got == {"data": {"names": ["t:0", "t:1"], "ndarray": [[0.5, 3.0]]},
                   "meta": {"tags": TAGS, "metrics": [METRIC]}}


def test_metadata_on_model_and_seldon(everything):
    expected = {"name": "everything", "versions": ["v1"],
                "inputs": [{"messagetype": "tensor", "schema": {"shape": [1.0, 4.0]}}],
                "custom": {"k": "v"}}
    got = json_format.MessageToDict(everything.model.Metadata(empty_pb2.Empty(), timeout=10))
    assert got == expected
    req = everything.pb.SeldonModelMetadataRequest(name="ignored")
    assert json_format.MessageToDict(everything.seldon.ModelMetadata(req, timeout=10)) == expected


def test_graph_metadata_is_unimplemented_at_model_level(everything):
    with pytest.raises(grpc.RpcError) as err:
        everything.seldon.GraphMetadata(empty_pb2.Empty(), timeout=10)
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert "GraphMetadata not available" in err.value.details()


def test_raw_hooks_get_and_return_messages(serve, models):
    stub = serve(models.Raw())
    got = call(stub.model.Predict, stub.pb, {"meta": {"puid": "z"}, "binData": "AA=="})
    assert got == {"strData": "raw:binData:SeldonMessage",
                   "meta": {"puid": "z", "metrics": [{"key": "raw_metric", "value": 2.0}]}}
    # SeldonNotImplementedError in a raw hook falls back to the high-level path (identity)
    got = call(stub.transformer.TransformInput, stub.pb, {"data": {"ndarray": [[1]]}})
    assert got == {"data": {"names": ["t:0"], "ndarray": [[1.0]]}, "meta": {}}
    got = call(stub.combiner.Aggregate, stub.pb,
               {"seldonMessages": [{"strData": "a"}, {"strData": "b"}]}, "SeldonMessageList")
    assert got == {"strData": "a,b"}
    got = call(stub.model.SendFeedback, stub.pb, {"reward": 2}, "Feedback")
    assert got == {"strData": "reward=2.0"}


def test_raw_metrics_are_dropped_from_replies_when_configured(serve, models):
    stub = serve(models.Raw(), config=PlaneConfig(include_metrics=False))
    got = call(stub.model.Predict, stub.pb, {"strData": "x"})
    assert got == {"strData": "raw:strData:SeldonMessage", "meta": {}}


def test_custom_data_reaches_the_model_as_an_any_and_comes_back(everything):
    req = everything.pb.SeldonMessage()
    req.customData.Pack(everything.pb.Status(info="packed"))
    reply = everything.model.Predict(req, timeout=10)
    assert reply.WhichOneof("data_oneof") == "customData"
    out = everything.pb.Status()
    assert reply.customData.Unpack(out) and out.info == "packed"


def test_legacy_hooks_replies_are_returned_untouched(serve, models):
    stub = serve(models.Legacy())
    assert call(stub.model.Predict, stub.pb, {"strData": "x"}) == {"strData": "grpc:x"}
    assert call(stub.transformer.TransformInput, stub.pb, {"strData": "y"}) == {
        "strData": "rest-hook:y"}
    assert call(stub.model.SendFeedback, stub.pb, {"reward": 1}, "Feedback") == {
        "strData": "feedback:1.0"}
