"""Message classes of the Seldon protocol (our pool), named as in `prediction_pb2`.

Code written against seldon-core's `prediction_pb2` finds the same names here.
The well-known types are also taken from our pool: a `Value` from protobuf's
default pool cannot be assigned into our messages (convert through bytes).
"""

from __future__ import annotations

from .pool import message_class

SeldonMessage = message_class("seldon.protos.SeldonMessage")
DefaultData = message_class("seldon.protos.DefaultData")
Tensor = message_class("seldon.protos.Tensor")
Meta = message_class("seldon.protos.Meta")
Metric = message_class("seldon.protos.Metric")
SeldonMessageList = message_class("seldon.protos.SeldonMessageList")
Status = message_class("seldon.protos.Status")
Feedback = message_class("seldon.protos.Feedback")
RequestResponse = message_class("seldon.protos.RequestResponse")
SeldonModelMetadataRequest = message_class("seldon.protos.SeldonModelMetadataRequest")
SeldonMessageMetadata = message_class("seldon.protos.SeldonMessageMetadata")
SeldonModelMetadata = message_class("seldon.protos.SeldonModelMetadata")
SeldonGraphMetadata = message_class("seldon.protos.SeldonGraphMetadata")

TensorProto = message_class("tensorflow.TensorProto")
TensorShapeProto = message_class("tensorflow.TensorShapeProto")

Value = message_class("google.protobuf.Value")
ListValue = message_class("google.protobuf.ListValue")
Struct = message_class("google.protobuf.Struct")
Any = message_class("google.protobuf.Any")
Empty = message_class("google.protobuf.Empty")
