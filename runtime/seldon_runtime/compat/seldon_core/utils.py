"""Conversions between SeldonMessage protos, JSON dicts and numpy, as in seldon-core.

Protos are seldon_runtime's message classes (the ones `seldon_core.proto.
prediction_pb2` gives here); `tftensor` payloads are read and written without
TensorFlow, through the runtime's own codec.
"""

from __future__ import annotations

import base64
import os
from typing import Any, Iterable

import numpy as np
from google.protobuf import json_format

from seldon_runtime.codecs import tftensor
from seldon_runtime.errors import SeldonMicroserviceException
from seldon_runtime.proto import messages as pb

from .env_utils import NONIMPLEMENTED_MSG, get_image_name, get_model_name

__all__ = [
    "array_to_grpc_datadef",
    "array_to_list_value",
    "array_to_rest_datadef",
    "extract_feedback_request_parts",
    "extract_request_parts",
    "extract_request_parts_json",
    "feedback_to_json",
    "get_data_from_proto",
    "get_meta_from_proto",
    "get_request_path",
    "getenv",
    "getenv_as_bool",
    "grpc_datadef_to_array",
    "json_to_feedback",
    "json_to_seldon_message",
    "json_to_seldon_messages",
    "json_to_seldon_model_metadata",
    "seldon_message_to_json",
    "seldon_messages_to_json",
]


def get_request_path() -> dict:
    name = get_model_name()
    return {} if name == NONIMPLEMENTED_MSG else {name: get_image_name()}


def _parse(body: Any, message: Any, what: str = "Invalid JSON", **options: Any) -> Any:
    try:
        return json_format.ParseDict({} if body is None else body, message, **options)
    except json_format.ParseError as exc:
        raise SeldonMicroserviceException(f"{what}: {exc}") from None


def json_to_seldon_message(message_json: dict | None) -> Any:
    return _parse(message_json, pb.SeldonMessage())


def json_to_seldon_model_metadata(metadata_json: dict | None) -> Any:
    return _parse(metadata_json, pb.SeldonModelMetadata(), "Invalid metadata",
                  ignore_unknown_fields=True)


def json_to_feedback(message_json: dict) -> Any:
    return _parse(message_json, pb.Feedback())


def json_to_seldon_messages(message_json: dict) -> Any:
    return _parse(message_json, pb.SeldonMessageList())


def _to_json(message: Any) -> dict:
    return json_format.MessageToDict(message)


seldon_message_to_json = seldon_messages_to_json = feedback_to_json = _to_json


def grpc_datadef_to_array(datadef: Any) -> np.ndarray:
    kind = datadef.WhichOneof("data_oneof")
    if kind == "tensor":
        return np.array(datadef.tensor.values, dtype=np.float64).reshape(datadef.tensor.shape)
    if kind == "ndarray":
        return np.array(json_format.MessageToDict(datadef.ndarray))
    if kind == "tftensor":
        return tftensor.decode(json_format.MessageToDict(datadef.tftensor))
    return np.array([])


def get_data_from_proto(request: Any) -> Any:
    kind = request.WhichOneof("data_oneof")
    if kind == "data":
        return grpc_datadef_to_array(request.data)
    if kind == "jsonData":
        return json_format.MessageToDict(request.jsonData)
    if kind in ("binData", "strData", "customData"):
        return getattr(request, kind)
    raise SeldonMicroserviceException("Unknown data in SeldonMessage")


def get_meta_from_proto(request: Any) -> dict:
    return json_format.MessageToDict(request.meta)


def array_to_rest_datadef(data_type: str, array: np.ndarray,
                          names: list | None = None) -> dict:
    datadef: dict = {"names": list(names or [])}
    if data_type == "tensor":
        datadef["tensor"] = {"shape": list(array.shape), "values": array.ravel().tolist()}
    elif data_type == "tftensor":
        datadef["tftensor"] = tftensor.encode(array)
    else:
        datadef["ndarray"] = array.tolist()
    return datadef


def array_to_list_value(array: np.ndarray, lv: Any = None) -> Any:
    lv = pb.ListValue() if lv is None else lv
    if array.ndim == 1:
        lv.extend(array.tolist())
    else:
        for row in array:
            array_to_list_value(row, lv.add_list())
    return lv


def array_to_grpc_datadef(data_type: str, array: np.ndarray,
                          names: Iterable[str] | None = None) -> Any:
    names = list(names or [])
    if data_type == "tensor":
        return pb.DefaultData(names=names, tensor=pb.Tensor(shape=array.shape,
                                                              values=array.ravel().tolist()))
    if data_type == "tftensor":
        datadef = pb.DefaultData(names=names)
        json_format.ParseDict(tftensor.encode(array), datadef.tftensor)
        return datadef
    return pb.DefaultData(names=names, ndarray=array_to_list_value(array))


def extract_request_parts_json(request: Any) -> tuple[Any, dict | None, dict | None, str]:
    """(features, meta, datadef, data type) of a SeldonMessage in JSON form."""
    if not isinstance(request, dict):
        raise SeldonMicroserviceException(f"Invalid request data type: {request}")
    meta = request.get("meta")
    if "data" in request:
        datadef = request["data"]
        if "tensor" in datadef:
            tensor = datadef["tensor"]
            features = np.array(tensor["values"]).reshape(tensor["shape"])
        elif "ndarray" in datadef:
            features = np.array(datadef["ndarray"])
        elif "tftensor" in datadef:
            features = tftensor.decode(datadef["tftensor"])
        else:
            features = np.array([])
        return features, meta, datadef, "data"
    for kind in ("jsonData", "strData"):
        if kind in request:
            return request[kind], meta, None, kind
    if "binData" in request:
        return base64.b64decode(request["binData"]), meta, None, "binData"
    raise SeldonMicroserviceException(f"Invalid request data type: {request}")


def extract_request_parts(request: Any) -> tuple[Any, dict, Any, str]:
    return (get_data_from_proto(request), get_meta_from_proto(request), request.data,
            request.WhichOneof("data_oneof"))


def extract_feedback_request_parts(request: Any) -> tuple[Any, np.ndarray, np.ndarray, float]:
    return (request.request.data, grpc_datadef_to_array(request.request.data),
            grpc_datadef_to_array(request.truth.data), request.reward)


def getenv(*env_vars: str, default: Any = None) -> Any:
    """The value of the first of `env_vars` that is set, else `default`."""
    for name in env_vars:
        if name in os.environ:
            return os.environ[name]
    return default


def getenv_as_bool(*env_vars: str, default: bool = False) -> bool:
    value = getenv(*env_vars)
    return default if value is None else value.lower() in ("1", "true", "t")
