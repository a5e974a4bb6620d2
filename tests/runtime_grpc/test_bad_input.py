"""Bad input and load: clear status codes, no crash, no lost request."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest
from google.protobuf import json_format

from seldon_runtime.grpc.options import max_message_size
from seldon_runtime.grpc.status import REASON_KEY

PREDICT = "/seldon.protos.Model/Predict"


def raw_predict(stub, data: bytes) -> bytes:
    method = stub.channel.unary_unary(PREDICT)  # no serializers: bytes in, bytes out
    return method(data, timeout=10)


def error_of(func, *args):
    with pytest.raises(grpc.RpcError) as err:
        func(*args)
    return err.value


def reason(err) -> str:
    return dict(err.trailing_metadata() or ()).get(REASON_KEY, "")


@pytest.fixture
def everything(serve, models):
    return serve(models.Everything())


def test_empty_message_is_invalid_argument(everything):
    err = error_of(everything.model.Predict, everything.pb.SeldonMessage())
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "Invalid request data type" in err.details()
    assert reason(err) == "MICROSERVICE_BAD_DATA"


def test_undecodable_bytes_are_invalid_argument(everything):
    err = error_of(raw_predict, everything, b"\xff\xff\xff\xff")
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "cannot decode" in err.details()


def test_two_members_of_a_oneof_the_last_wins(everything):
    # strData (field 5) then binData (field 4) in one message: protobuf keeps the last.
    data = b"\x2a\x02hi" + b"\x22\x03abc"
    reply = everything.pb.SeldonMessage.FromString(raw_predict(everything, data))
    assert reply.WhichOneof("data_oneof") == "binData" and reply.binData == b"abc"
    # DefaultData with an ndarray then a tensor: the tensor wins.
    msg = everything.pb.SeldonMessage()
    msg.data.ndarray.append(1)
    tensor = everything.pb.DefaultData(tensor=everything.pb.Tensor(shape=[1], values=[7]))
    data_field = b"\x1a" + bytes([tensor.ByteSize()]) + tensor.SerializeToString()
    data = msg.SerializeToString() + data_field
    reply = everything.pb.SeldonMessage.FromString(raw_predict(everything, data))
    assert list(reply.data.tensor.values) == [7.0]


def test_tensor_shape_mismatch_is_invalid_argument(everything):
    msg = json_format.ParseDict({"data": {"tensor": {"shape": [3, 3], "values": [1, 2]}}},
                                everything.pb.SeldonMessage())
    err = error_of(everything.model.Predict, msg)
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "tensor" in err.details().lower()


def test_user_exception_is_internal_with_its_message(everything):
    err = error_of(everything.model.Predict, everything.pb.SeldonMessage(strData="fail"))
    assert err.code() == grpc.StatusCode.INTERNAL
    assert err.details() == "kaboom"
    assert reason(err) == "MICROSERVICE_INTERNAL_ERROR"


def test_seldon_exception_keeps_message_status_and_reason(everything):
    err = error_of(everything.model.Predict, everything.pb.SeldonMessage(strData="forbidden"))
    assert err.code() == grpc.StatusCode.PERMISSION_DENIED
    assert err.details() == "not for you"
    assert reason(err) == "NOPE"


def test_unsupported_return_type(everything):
    err = error_of(everything.model.Predict, everything.pb.SeldonMessage(strData="bad-return"))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "Unknown data type returned as payload" in err.details()


def test_route_and_aggregate_without_methods(serve, models):
    stub = serve(models.Raw())
    err = error_of(stub.router.Route, stub.pb.SeldonMessage(strData="x"))
    assert err.code() == grpc.StatusCode.INVALID_ARGUMENT and err.details() == "Route not defined"


def test_oversized_request_with_configured_limit(serve, models):
    stub = serve(models.Everything(), max_message_size=1000)
    assert stub.model.Predict(stub.pb.SeldonMessage(strData="x" * 500), timeout=10).strData
    err = error_of(stub.model.Predict, stub.pb.SeldonMessage(strData="x" * 2000))
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    # the server is still fine afterwards
    assert stub.model.Predict(stub.pb.SeldonMessage(strData="ok"), timeout=10).strData == "ok"


def test_default_limit_is_grpcs_4mib_and_can_be_raised(serve, models):
    big = "x" * (5 * 1024 * 1024)
    stub = serve(models.Everything())
    err = error_of(stub.model.Predict, stub.pb.SeldonMessage(strData=big))
    assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    roomy = [("grpc.max_receive_message_length", 16 << 20),
             ("grpc.max_send_message_length", 16 << 20)]
    stub = serve(models.Everything(), max_message_size=16 << 20, client_options=roomy)
    reply = stub.model.Predict(stub.pb.SeldonMessage(strData=big), timeout=30)
    assert len(reply.strData) == len(big)


def test_max_message_size_sources():
    annotation = {"seldon.io/grpc-max-message-size": "1048576"}
    assert max_message_size(annotation, {"GRPC_MAX_MESSAGE_SIZE": "5"}) == 1048576
    assert max_message_size({}, {"GRPC_MAX_MESSAGE_SIZE": "2048"}) == 2048
    assert max_message_size({}, {}) is None
    assert max_message_size({"seldon.io/grpc-max-message-size": "lots"}, {}) is None
    assert max_message_size({}, {"GRPC_MAX_MESSAGE_SIZE": "-1"}) is None


@pytest.mark.parametrize("threads,expect_overlap", [(1, False), (4, True)])
def test_concurrent_streams_all_answered(serve, models, threads, expect_overlap):
    model = models.Concurrent()
    stub = serve(model, threads=threads)
    n = 16

    def one(i):
        msg = json_format.ParseDict({"data": {"ndarray": [[i]]}}, stub.pb.SeldonMessage())
        return stub.model.Predict(msg, timeout=30).data.ndarray.values[0].list_value.values[0]

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(one, range(n)))
    assert [r.number_value for r in results] == [float(i) for i in range(n)]
    assert (model.peak > 1) is expect_overlap
    assert model.peak <= threads


def test_errors_do_not_disturb_concurrent_good_calls(everything):
    def one(i):
        body = "fail" if i % 2 else f"ok{i}"
        try:
            return everything.model.Predict(everything.pb.SeldonMessage(strData=body),
                                             timeout=30).strData
        except grpc.RpcError as err:
            return err.code()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(32)))
    assert results == [grpc.StatusCode.INTERNAL if i % 2 else f"ok{i}" for i in range(32)]
