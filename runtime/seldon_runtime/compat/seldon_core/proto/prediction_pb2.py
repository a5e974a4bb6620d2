"""Stand-in for `seldon_core.proto.prediction_pb2` when seldon-core is not installed.

Re-exports seldon_runtime's message classes (kept in their own descriptor
pool), so `predict_raw` code that builds replies with
`prediction_pb2.SeldonMessage()` gets the classes the gRPC server uses.
"""

from seldon_runtime.proto.messages import (  # noqa: F401
    DefaultData,
    Feedback,
    Meta,
    Metric,
    RequestResponse,
    SeldonGraphMetadata,
    SeldonMessage,
    SeldonMessageList,
    SeldonMessageMetadata,
    SeldonModelMetadata,
    SeldonModelMetadataRequest,
    Status,
    Tensor,
)
from seldon_runtime.proto.pool import POOL as _POOL

DESCRIPTOR = _POOL.FindFileByName("proto/prediction.proto")
