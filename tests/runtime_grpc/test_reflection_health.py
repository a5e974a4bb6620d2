"""Server reflection (read with grpcio-reflection's own client) and the health service."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import descriptor_pool

from seldon_runtime.proto.pool import message_class

SELDON_SERVICES = {f"seldon.protos.{s}" for s in (
    "Generic", "Model", "Router", "Transformer", "OutputTransformer", "Combiner", "Seldon")}


@pytest.fixture
def stub(serve, models):
    return serve(models.Everything())


def test_reflection_lists_and_describes_every_service(stub):
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
        ProtoReflectionDescriptorDatabase,
    )

    database = ProtoReflectionDescriptorDatabase(stub.channel)
    services = set(database.get_services())
    assert SELDON_SERVICES | {"grpc.health.v1.Health"} <= services
    assert "grpc.reflection.v1alpha.ServerReflection" in services
    pool = descriptor_pool.DescriptorPool(database)
    model = pool.FindServiceByName("seldon.protos.Model")
    assert {m.name for m in model.methods} == {"Predict", "SendFeedback", "Metadata"}
    msg = pool.FindMessageTypeByName("seldon.protos.SeldonMessage")
    assert msg.file.name == "proto/prediction.proto"
    assert msg.fields_by_name["jsonData"].number == 6
    tensor = pool.FindMessageTypeByName("tensorflow.TensorProto")
    assert tensor.fields_by_name["float8_val"].number == 18


def _reflect(channel, package, request):
    req_cls = message_class(f"grpc.reflection.{package}.ServerReflectionRequest")
    resp_cls = message_class(f"grpc.reflection.{package}.ServerReflectionResponse")
    call = channel.stream_stream(
        f"/grpc.reflection.{package}.ServerReflection/ServerReflectionInfo",
        request_serializer=req_cls.SerializeToString,
        response_deserializer=resp_cls.FromString,
    )
    return list(call(iter([req_cls(**request)]), timeout=10))[0]


@pytest.mark.parametrize("package", ["v1", "v1alpha"])
def test_reflection_errors_and_v1(stub, package):
    reply = _reflect(stub.channel, package, {"file_containing_symbol": "no.such.Thing"})
    assert reply.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]
    reply = _reflect(stub.channel, package, {"file_by_filename": "proto/prediction.proto"})
    assert len(reply.file_descriptor_response.file_descriptor_proto) >= 5  # with its imports
    reply = _reflect(stub.channel, package, {"list_services": ""})
    assert SELDON_SERVICES <= {s.name for s in reply.list_services_response.service}


def test_health_check(stub):
    req = message_class("grpc.health.v1.HealthCheckRequest")
    resp = message_class("grpc.health.v1.HealthCheckResponse")
    check = stub.channel.unary_unary("/grpc.health.v1.Health/Check",
                                     request_serializer=req.SerializeToString,
                                     response_deserializer=resp.FromString)
    assert check(req(), timeout=10).status == 1  # SERVING
    assert check(req(service="seldon.protos.Model"), timeout=10).status == 1
    with pytest.raises(grpc.RpcError) as err:
        check(req(service="nope"), timeout=10)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND
    watch = stub.channel.unary_stream("/grpc.health.v1.Health/Watch",
                                      request_serializer=req.SerializeToString,
                                      response_deserializer=resp.FromString)
    stream = watch(req(), timeout=10)
    assert next(stream).status == 1
    stream.cancel()
