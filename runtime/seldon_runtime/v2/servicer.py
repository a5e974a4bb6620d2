"""`inference.GRPCInferenceService` over the V2 plane (wire bytes in, wire bytes out).

Same shape as the Seldon servicer (`grpc.servicer`): one handler per method,
`call()` turning every failure into a `status.Failure`, so the gRPC server
registers it the same way. Replies use `raw_output_contents` when the request
sent `raw_input_contents` (as Triton clients do and expect), typed `contents`
otherwise.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import grpc

from ..grpc.servicer import SeldonServicer
from ..grpc.servicer import _parse as _parse
from ..grpc.status import Failure
from ..proto.pool import message_class
from .plane import InferRequest, RequestedOutput, V2Plane
from .tensors import Tensor, check_shape, from_bytes, from_list, to_bytes

SERVICE = "inference.GRPCInferenceService"


class Rpc(NamedTuple):
    method: str
    handler: str


RPCS: tuple[Rpc, ...] = (
    Rpc("ServerLive", "server_live"),
    Rpc("ServerReady", "server_ready"),
    Rpc("ModelReady", "model_ready"),
    Rpc("ServerMetadata", "server_metadata"),
    Rpc("ModelMetadata", "model_metadata"),
    Rpc("ModelInfer", "model_infer"),
)


def _m(name: str) -> type:
    return message_class(f"inference.{name}")


ServerLiveResponse = _m("ServerLiveResponse")
ServerReadyResponse = _m("ServerReadyResponse")
ModelReadyRequest = _m("ModelReadyRequest")
ModelReadyResponse = _m("ModelReadyResponse")
ServerMetadataResponse = _m("ServerMetadataResponse")
ModelMetadataRequest = _m("ModelMetadataRequest")
ModelMetadataResponse = _m("ModelMetadataResponse")
ModelInferRequest = _m("ModelInferRequest")
ModelInferResponse = _m("ModelInferResponse")

#: datatype -> InferTensorContents field
CONTENTS = {
    "BOOL": "bool_contents", "INT8": "int_contents", "INT16": "int_contents",
    "INT32": "int_contents", "INT64": "int64_contents", "UINT8": "uint_contents",
    "UINT16": "uint_contents", "UINT32": "uint_contents", "UINT64": "uint64_contents",
    "FP32": "fp32_contents", "FP64": "fp64_contents", "BYTES": "bytes_contents",
}


def parameters_dict(params: Any) -> dict:
    """A protobuf map<string, InferParameter> as plain values."""
    out = {}
    for key, p in params.items():
        which = p.WhichOneof("parameter_choice")
        if which is not None:
            out[key] = getattr(p, which)
    return out


def set_parameters(target: Any, values: dict) -> None:
    for key, value in values.items():
        p = target[key]
        if isinstance(value, bool):
            p.bool_param = value
        elif isinstance(value, int):
            if value >= 1 << 63:
                p.uint64_param = value
            else:
                p.int64_param = value
        elif isinstance(value, float):
            p.double_param = value
        else:
            p.string_param = str(value)


def infer_request(msg: Any) -> InferRequest:
    params = parameters_dict(msg.parameters)
    raw = msg.raw_input_contents
    if raw and len(raw) != len(msg.inputs):
        raise Failure(grpc.StatusCode.INVALID_ARGUMENT,
                      f"{len(raw)} raw_input_contents for {len(msg.inputs)} inputs")
    inputs = []
    for i, t in enumerate(msg.inputs):
        tparams = parameters_dict(t.parameters)
        text = (tparams.get("content_type") or params.get("content_type")) == "str"
        shape = check_shape(list(t.shape), t.name)
        if raw:
            data = from_bytes(t.name, t.datatype, shape, raw[i], text)
        else:
            field = CONTENTS.get(t.datatype)
            values = getattr(t.contents, field) if field else []
            data = from_list(t.name, t.datatype, shape, list(values), text)
        inputs.append(Tensor(t.name, t.datatype, shape, data, tparams))
    outputs = [RequestedOutput(o.name, parameters_dict(o.parameters)) for o in msg.outputs]
    return InferRequest(inputs, msg.id, params, outputs or None)


class V2Servicer:
    def __init__(self, v2: V2Plane):
        #: set per worker when tracing is on (seldon_runtime.tracing)
        self.tracer: Any = None
        self.v2 = v2

    def server_live(self, data: bytes) -> bytes:
        return ServerLiveResponse(live=True).SerializeToString()

    def server_ready(self, data: bytes) -> bytes:
        return ServerReadyResponse(ready=True).SerializeToString()

    def model_ready(self, data: bytes) -> bytes:
        request = _parse(ModelReadyRequest, data)
        self.v2.check_model(request.name, request.version)
        return ModelReadyResponse(ready=True).SerializeToString()

    def server_metadata(self, data: bytes) -> bytes:
        return ServerMetadataResponse(**self.v2.server_metadata()).SerializeToString()

    def model_metadata(self, data: bytes) -> bytes:
        request = _parse(ModelMetadataRequest, data)
        meta = self.v2.model_metadata(request.name, request.version)
        reply = ModelMetadataResponse(name=meta["name"], versions=meta["versions"],
                                      platform=meta["platform"])
        for key in ("inputs", "outputs"):
            for item in meta[key]:
                getattr(reply, key).add(**item)
        set_parameters(reply.parameters, meta.get("parameters", {}))
        return reply.SerializeToString()

    def model_infer(self, data: bytes) -> bytes:
        msg = _parse(ModelInferRequest, data)
        request = infer_request(msg)
        resp = self.v2.infer(msg.model_name, msg.model_version, request)
        reply = ModelInferResponse(model_name=resp.model_name, model_version=resp.model_version,
                                   id=resp.id)
        set_parameters(reply.parameters, resp.parameters)
        raw = bool(msg.raw_input_contents)
        for out in resp.outputs:
            tensor = reply.outputs.add(name=out.name, datatype=out.datatype, shape=out.shape)
            set_parameters(tensor.parameters, out.parameters)
            if raw:
                reply.raw_output_contents.append(to_bytes(out.data, out.datatype))
            else:
                _set_contents(tensor.contents, out.data, out.datatype)
        return reply.SerializeToString()

    call = SeldonServicer.call  # the same failure handling as the Seldon methods


def _set_contents(contents: Any, arr: Any, datatype: str) -> None:
    field = CONTENTS.get(datatype)
    if field is None:  # FP16 has no typed field
        raise Failure(grpc.StatusCode.INVALID_ARGUMENT,
                      f"{datatype} outputs are only sent as raw contents: send the inputs as "
                      "raw_input_contents")
    flat = arr.reshape(-1)
    if datatype == "BYTES":
        getattr(contents, field).extend(
            v if isinstance(v, bytes) else str(v).encode("utf-8") for v in flat)
    else:
        getattr(contents, field).extend(flat.tolist())
