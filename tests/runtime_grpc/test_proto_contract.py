"""Our protos against the Seldon protocol's field tables (reference §4)."""

from __future__ import annotations

import pytest
from google.protobuf import descriptor_pb2

from seldon_runtime.proto import build, pool

F = descriptor_pb2.FieldDescriptorProto
REPEATED = "repeated"

# (message, field, number, type, label/map) transcribed from the protocol reference.
SELDON_FIELDS = [
    ("SeldonMessage", "status", 1, ".seldon.protos.Status", ""),
    ("SeldonMessage", "meta", 2, ".seldon.protos.Meta", ""),
    ("SeldonMessage", "data", 3, ".seldon.protos.DefaultData", "oneof"),
    ("SeldonMessage", "binData", 4, "bytes", "oneof"),
    ("SeldonMessage", "strData", 5, "string", "oneof"),
    ("SeldonMessage", "jsonData", 6, ".google.protobuf.Value", "oneof"),
    ("SeldonMessage", "customData", 7, ".google.protobuf.Any", "oneof"),
    ("DefaultData", "names", 1, "string", REPEATED),
    ("DefaultData", "tensor", 2, ".seldon.protos.Tensor", "oneof"),
    ("DefaultData", "ndarray", 3, ".google.protobuf.ListValue", "oneof"),
    ("DefaultData", "tftensor", 4, ".tensorflow.TensorProto", "oneof"),
    ("Tensor", "shape", 1, "int32", REPEATED),
    ("Tensor", "values", 2, "double", REPEATED),
    ("Meta", "puid", 1, "string", ""),
    ("Meta", "tags", 2, "map<string,.google.protobuf.Value>", REPEATED),
    ("Meta", "routing", 3, "map<string,int32>", REPEATED),
    ("Meta", "requestPath", 4, "map<string,string>", REPEATED),
    ("Meta", "metrics", 5, ".seldon.protos.Metric", REPEATED),
    ("Metric", "key", 1, "string", ""),
    ("Metric", "type", 2, ".seldon.protos.Metric.MetricType", ""),
    ("Metric", "value", 3, "float", ""),
    ("Metric", "tags", 4, "map<string,string>", REPEATED),
    ("SeldonMessageList", "seldonMessages", 1, ".seldon.protos.SeldonMessage", REPEATED),
    ("Status", "code", 1, "int32", ""),
    ("Status", "info", 2, "string", ""),
    ("Status", "reason", 3, "string", ""),
    ("Status", "status", 4, ".seldon.protos.Status.StatusFlag", ""),
    ("Feedback", "request", 1, ".seldon.protos.SeldonMessage", ""),
    ("Feedback", "response", 2, ".seldon.protos.SeldonMessage", ""),
    ("Feedback", "reward", 3, "float", ""),
    ("Feedback", "truth", 4, ".seldon.protos.SeldonMessage", ""),
    ("RequestResponse", "request", 1, ".seldon.protos.SeldonMessage", ""),
    ("RequestResponse", "response", 2, ".seldon.protos.SeldonMessage", ""),
    ("SeldonModelMetadataRequest", "name", 1, "string", ""),
    ("SeldonMessageMetadata", "messagetype", 1, "string", ""),
    ("SeldonMessageMetadata", "schema", 2, ".google.protobuf.Value", ""),
    ("SeldonMessageMetadata", "name", 3, "string", ""),
    ("SeldonMessageMetadata", "datatype", 4, "string", ""),
    ("SeldonMessageMetadata", "shape", 5, "int64", REPEATED),
    ("SeldonModelMetadata", "name", 1, "string", ""),
    ("SeldonModelMetadata", "versions", 2, "string", REPEATED),
    ("SeldonModelMetadata", "platform", 3, "string", ""),
    ("SeldonModelMetadata", "inputs", 4, ".seldon.protos.SeldonMessageMetadata", REPEATED),
    ("SeldonModelMetadata", "outputs", 5, ".seldon.protos.SeldonMessageMetadata", REPEATED),
    ("SeldonModelMetadata", "custom", 6, "map<string,string>", REPEATED),
    ("SeldonGraphMetadata", "name", 1, "string", ""),
    ("SeldonGraphMetadata", "models", 2, "map<string,.seldon.protos.SeldonModelMetadata>",
     REPEATED),
    ("SeldonGraphMetadata", "inputs", 3, ".seldon.protos.SeldonMessageMetadata", REPEATED),
    ("SeldonGraphMetadata", "outputs", 4, ".seldon.protos.SeldonMessageMetadata", REPEATED),
]

TENSORFLOW_FIELDS = [
    ("TensorProto", "dtype", 1, ".tensorflow.DataType", ""),
    ("TensorProto", "tensor_shape", 2, ".tensorflow.TensorShapeProto", ""),
    ("TensorProto", "version_number", 3, "int32", ""),
    ("TensorProto", "tensor_content", 4, "bytes", ""),
    ("TensorProto", "half_val", 13, "int32", REPEATED),
    ("TensorProto", "float_val", 5, "float", REPEATED),
    ("TensorProto", "double_val", 6, "double", REPEATED),
    ("TensorProto", "int_val", 7, "int32", REPEATED),
    ("TensorProto", "string_val", 8, "bytes", REPEATED),
    ("TensorProto", "scomplex_val", 9, "float", REPEATED),
    ("TensorProto", "int64_val", 10, "int64", REPEATED),
    ("TensorProto", "bool_val", 11, "bool", REPEATED),
    ("TensorProto", "dcomplex_val", 12, "double", REPEATED),
    ("TensorProto", "resource_handle_val", 14, ".tensorflow.ResourceHandleProto", REPEATED),
    ("TensorProto", "variant_val", 15, ".tensorflow.VariantTensorDataProto", REPEATED),
    ("TensorProto", "uint32_val", 16, "uint32", REPEATED),
    ("TensorProto", "uint64_val", 17, "uint64", REPEATED),
    ("TensorProto", "float8_val", 18, "bytes", ""),
    ("VariantTensorDataProto", "type_name", 1, "string", ""),
    ("VariantTensorDataProto", "metadata", 2, "bytes", ""),
    ("VariantTensorDataProto", "tensors", 3, ".tensorflow.TensorProto", REPEATED),
    ("TensorShapeProto", "dim", 2, ".tensorflow.TensorShapeProto.Dim", REPEATED),
    ("TensorShapeProto", "unknown_rank", 3, "bool", ""),
    ("TensorShapeProto.Dim", "size", 1, "int64", ""),
    ("TensorShapeProto.Dim", "name", 2, "string", ""),
    ("ResourceHandleProto", "device", 1, "string", ""),
    ("ResourceHandleProto", "container", 2, "string", ""),
    ("ResourceHandleProto", "name", 3, "string", ""),
    ("ResourceHandleProto", "hash_code", 4, "uint64", ""),
    ("ResourceHandleProto", "maybe_type_name", 5, "string", ""),
    ("ResourceHandleProto", "dtypes_and_shapes", 6,
     ".tensorflow.ResourceHandleProto.DtypeAndShape", REPEATED),
    ("ResourceHandleProto.DtypeAndShape", "dtype", 1, ".tensorflow.DataType", ""),
    ("ResourceHandleProto.DtypeAndShape", "shape", 2, ".tensorflow.TensorShapeProto", ""),
]

SERVICES = {
    "Generic": {
        "TransformInput": ("SeldonMessage", "SeldonMessage"),
        "TransformOutput": ("SeldonMessage", "SeldonMessage"),
        "Route": ("SeldonMessage", "SeldonMessage"),
        "Aggregate": ("SeldonMessageList", "SeldonMessage"),
        "SendFeedback": ("Feedback", "SeldonMessage"),
    },
    "Model": {
        "Predict": ("SeldonMessage", "SeldonMessage"),
        "SendFeedback": ("Feedback", "SeldonMessage"),
        "Metadata": ("google.protobuf.Empty", "SeldonModelMetadata"),
    },
    "Router": {
        "Route": ("SeldonMessage", "SeldonMessage"),
        "SendFeedback": ("Feedback", "SeldonMessage"),
    },
    "Transformer": {"TransformInput": ("SeldonMessage", "SeldonMessage")},
    "OutputTransformer": {"TransformOutput": ("SeldonMessage", "SeldonMessage")},
    "Combiner": {"Aggregate": ("SeldonMessageList", "SeldonMessage")},
    "Seldon": {
        "Predict": ("SeldonMessage", "SeldonMessage"),
        "SendFeedback": ("Feedback", "SeldonMessage"),
        "ModelMetadata": ("SeldonModelMetadataRequest", "SeldonModelMetadata"),
        "GraphMetadata": ("google.protobuf.Empty", "SeldonGraphMetadata"),
    },
}



def _type_name(field) -> str:
    if field.message_type is not None:
        if field.message_type.GetOptions().map_entry:
            entry = field.message_type.fields_by_name
            key, value = entry["key"], entry["value"]
            return f"map<{_type_name(key)},{_type_name(value)}>"
        return "." + field.message_type.full_name
    if field.enum_type is not None:
        return "." + field.enum_type.full_name
    return F.Type.Name(field.type)[len("TYPE_") :].lower()


def _label(field) -> str:
    if field.containing_oneof is not None and field.containing_oneof.name == "data_oneof":
        return "oneof"
    repeated = getattr(field, "is_repeated", None)  # protobuf >= 6; `label` before
    if repeated is None:
        repeated = field.label == F.LABEL_REPEATED
    return REPEATED if repeated else ""


def _fields(package: str, table: list) -> tuple[set, set]:
    messages = {row[0] for row in table}
    ours = set()
    for name in messages:
        desc = pool.POOL.FindMessageTypeByName(f"{package}.{name}")
        for field in desc.fields:
            ours.add((name, field.name, field.number, _type_name(field), _label(field)))
    return ours, set(table)


@pytest.mark.parametrize(
    "package,table", [("seldon.protos", SELDON_FIELDS), ("tensorflow", TENSORFLOW_FIELDS)]
)
def test_every_message_field_matches_the_reference(package, table):
    ours, expected = _fields(package, table)
    assert ours == expected


def test_numeric_repeated_fields_are_packed_on_the_wire():
    from seldon_runtime.proto import messages as pb

    # field 2 (values), wire type 2 (length-delimited) = tag 0x12: one packed run
    assert pb.Tensor(values=[1.0, 2.0]).SerializeToString()[:1] == b"\x12"
    assert pb.TensorProto(float_val=[1.0, 2.0]).SerializeToString()[:1] == b"\x2a"


def test_enums_match_the_reference():
    metric = pool.POOL.FindEnumTypeByName("seldon.protos.Metric.MetricType")
    assert {v.name: v.number for v in metric.values} == {"COUNTER": 0, "GAUGE": 1, "TIMER": 2}
    flag = pool.POOL.FindEnumTypeByName("seldon.protos.Status.StatusFlag")
    assert {v.name: v.number for v in flag.values} == {"SUCCESS": 0, "FAILURE": 1}
    dtypes = {v.name: v.number for v in pool.POOL.FindEnumTypeByName("tensorflow.DataType").values}
    assert dtypes["DT_FLOAT"] == 1 and dtypes["DT_STRING"] == 7 and dtypes["DT_HALF"] == 19
    assert dtypes["DT_FLOAT4_E2M1FN"] == 33 and dtypes["DT_UINT2_REF"] == 132
    assert len(dtypes) == 34 + 32


def test_services_and_methods_match_the_reference():
    got = {}
    for name in SERVICES:
        service = pool.POOL.FindServiceByName(f"seldon.protos.{name}")
        got[name] = {
            m.name: tuple(
                t.full_name.removeprefix("seldon.protos.")
                for t in (m.input_type, m.output_type)
            )
            for m in service.methods
        }
        assert not any(m.client_streaming or m.server_streaming for m in service.methods)
    assert got == SERVICES


def test_file_names_and_package_are_seldons():
    fd = pool.POOL.FindFileContainingSymbol("seldon.protos.SeldonMessage")
    assert fd.name == "proto/prediction.proto"
    assert fd.package == "seldon.protos"
    assert pool.POOL.FindFileContainingSymbol("tensorflow.TensorProto").name == (
        "tensorflow/core/framework/tensor.proto"
    )


def test_committed_descriptors_match_the_proto_sources():
    fresh = descriptor_pb2.FileDescriptorSet.FromString(build.compile_descriptor_set())
    committed = descriptor_pb2.FileDescriptorSet.FromString(build.OUTPUT.read_bytes())
    assert fresh == committed, "run `python -m seldon_runtime.proto.build` after editing a .proto"
