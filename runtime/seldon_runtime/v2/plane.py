"""The transport-neutral V2 (Open Inference Protocol) endpoints over the Seldon data plane.

REST (`v2.rest`) and gRPC (`v2.servicer`) parse requests into `InferRequest`
and write `InferResponse` back; everything else (model lookup, the call into
the user class, output selection, errors) happens here once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import numpy as np

from .. import __version__
from ..dataplane import DataPlane
from ..errors import SeldonMicroserviceException
from . import mapping
from .tensors import Tensor, datatype_of, is_text

SERVER_NAME = "seldon-runtime"
#: the V2 extensions answered besides the core protocol
EXTENSIONS = ("binary_tensor_data",)
#: service type -> data plane endpoint attribute and the user hooks that take raw messages
ENDPOINTS: dict[str, tuple[str, str]] = {
    "MODEL": ("predict", "predict"),
    "TRANSFORMER": ("transform_input", "transform_input"),
    "OUTLIER_DETECTOR": ("transform_input", "transform_input"),
    "OUTPUT_TRANSFORMER": ("transform_output", "transform_output"),
}


class V2Error(SeldonMicroserviceException):
    """An error with its V2 status (400 bad request, 404 unknown model, 501 not offered)."""


class RequestedOutput(NamedTuple):
    name: str
    parameters: dict


@dataclass
class InferRequest:
    inputs: list[Tensor]
    id: str = ""
    parameters: dict = field(default_factory=dict)
    outputs: list[RequestedOutput] | None = None


class OutputTensor(NamedTuple):
    name: str
    datatype: str
    shape: list
    data: np.ndarray
    parameters: dict
    requested: dict  # the request's parameters for this output (e.g. binary_data)


@dataclass
class InferResponse:
    model_name: str
    model_version: str
    id: str
    parameters: dict
    outputs: list[OutputTensor]


def _v2_io(items: Any) -> list[dict]:
    """Metadata tensors given in V2 form (name, datatype, shape); Seldon-form ones are left out."""
    out = []
    for item in items or []:
        if isinstance(item, dict) and "messagetype" not in item and "datatype" in item:
            out.append({"name": item.get("name", ""), "datatype": item["datatype"],
                        "shape": item.get("shape", [])})
    return out


class V2Plane:
    def __init__(self, plane: DataPlane, service_type: str, name: str, version: str = ""):
        self.plane = plane
        self.name = name
        self.version = version
        self.service_type = service_type
        found = ENDPOINTS.get(service_type)
        self._endpoint: Callable[[Any], tuple[int, Any]] | None = None
        self._raw_hook = False
        if found is not None:
            attr, hook = found
            self._endpoint = getattr(plane, attr)
            c = plane.c
            self._raw_hook = (getattr(c, f"{hook}_raw", None) is not None
                              or getattr(c, f"{hook}_rest", None) is not None)
        self.dict_inputs = bool(getattr(plane.c.obj, mapping.DICT_INPUTS_ATTRIBUTE, False))

    # -- health and metadata ------------------------------------------------------------

    def check_model(self, name: str, version: str = "") -> None:
        if name != self.name or (version and version != self.version):
            shown = f"{name!r}" + (f" version {version!r}" if version else "")
            raise V2Error(f"Model {shown} not found (this server has {self.name!r}"
                          + (f" version {self.version!r})" if self.version else ")"), 404,
                          reason="MODEL_NOT_FOUND")

    def server_metadata(self) -> dict:
        return {"name": SERVER_NAME, "version": __version__, "extensions": list(EXTENSIONS)}

    def model_metadata(self, name: str, version: str = "") -> dict:
        self.check_model(name, version)
        _, meta = self.plane.metadata()
        body: dict = {
            "name": self.name,
            "versions": [self.version] if self.version else [],
            "platform": meta.get("platform", ""),
            "inputs": _v2_io(meta.get("inputs")),
            "outputs": _v2_io(meta.get("outputs")),
            "parameters": dict(meta.get("custom") or {}),
        }
        return body

    # -- inference ----------------------------------------------------------------------

    def infer(self, name: str, version: str, request: InferRequest) -> InferResponse:
        self.check_model(name, version)
        if self._endpoint is None:
            raise V2Error(f"a {self.service_type} is a step of a Seldon inference graph and has no"
                          " V2 inference; call it with the Seldon protocol", 501,
                          reason="MICROSERVICE_NOT_IMPLEMENTED")
        if not request.inputs:
            raise V2Error("the request has no inputs")
        X, names = mapping.features(request.inputs, self.dict_inputs)
        request_id = request.id or str(uuid.uuid4())
        msg = mapping.request_message(X, names, request_id, self._raw_hook)
        status, reply = self._endpoint(msg)
        if status != 200 or not isinstance(reply, dict):
            raise V2Error(_failure_text(reply), status if status != 200 else 500)
        produced = mapping.outputs(reply)
        return InferResponse(self.name, self.version, request_id,
                             mapping.reply_parameters(reply), _select(produced, request.outputs))


def _failure_text(reply: Any) -> str:
    status = reply.get("status") if isinstance(reply, dict) else None
    if isinstance(status, dict) and status.get("info"):
        return str(status["info"])
    return f"the model answered {reply!r}, not a message with data"


def _tensor(out: mapping.Output, requested: dict) -> OutputTensor:
    arr = out.data
    datatype = datatype_of(arr)
    content = "str" if datatype == "BYTES" and is_text(arr) else "np"
    return OutputTensor(out.name, datatype, list(arr.shape), arr, {"content_type": content},
                        requested)


def _select(produced: list[mapping.Output],
            wanted: list[RequestedOutput] | None) -> list[OutputTensor]:
    if not wanted:
        return [_tensor(o, {}) for o in produced]
    by_name = {o.name: o for o in produced}
    chosen = []
    for w in wanted:
        out = by_name.get(w.name)
        if out is None:
            raise V2Error(f"output {w.name!r} was requested but the model produces "
                          f"{', '.join(repr(n) for n in by_name) or 'no outputs'}")
        chosen.append(_tensor(out, w.parameters))
    return chosen
