"""V2 REST routes: health, metadata and inference, with the binary tensor extension.

Handlers follow the REST app's interface (`environ -> (status, body[, headers])`)
and answer failures themselves with V2's `{"error": "..."}` body, so the
Seldon error body never reaches a V2 client.

Binary extension: a request whose `Inference-Header-Content-Length` header is
N carries N bytes of JSON, then the data of each input that has a
`binary_data_size` parameter, in input order. An output is answered in binary
when its `binary_data` parameter is true (or, when it has none, when the
request's `binary_data_output` parameter is true); the reply then carries the
same header and `application/octet-stream`.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from ..errors import as_seldon_error
from ..jsonio import dumps, loads
from ..rest import body as bodies
from .plane import InferRequest, InferResponse, RequestedOutput, V2Error, V2Plane
from .tensors import BadTensor, Tensor, check_shape, from_bytes, from_list, to_bytes, to_list

log = logging.getLogger(__name__)

HEADER_LENGTH = "Inference-Header-Content-Length"
_HEADER_ENVIRON = "HTTP_INFERENCE_HEADER_CONTENT_LENGTH"
BINARY = "application/octet-stream"
ANY_METHOD = frozenset({"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"})

Reply = tuple  # (status, body) or (status, body, headers)


def error_reply(exc: BaseException, path: str) -> tuple[int, dict]:
    """`{"error": text}` with the status the exception stands for (500 when unknown)."""
    known = as_seldon_error(exc)
    if known is not None:
        status, body = known
        info = body.get("status", {}).get("info") if isinstance(body, dict) else None
        log.error("%s: %s", path, info or exc)
        return status, {"error": str(info or exc)}
    log.exception("%s: unhandled error", path)
    return 500, {"error": f"{type(exc).__name__}: {exc}"}


def guarded(handler: Callable[[dict], Reply]) -> Callable[[dict], Reply]:
    def call(environ: dict) -> Reply:
        try:
            return handler(environ)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a V2 error body
            return error_reply(exc, environ.get("PATH_INFO", ""))

    return call


def check_method(environ: dict, wanted: str) -> None:
    method = environ["REQUEST_METHOD"]
    if method != wanted:
        raise V2Error(f"{method} is not allowed on {environ.get('PATH_INFO', '')}; use {wanted}",
                      405, reason="MICROSERVICE_METHOD_NOT_ALLOWED")


def only(wanted: str, handler: Callable[[dict], Reply]) -> Callable[[dict], Reply]:
    """`handler` for method `wanted`, with V2 errors (405 for another method)."""

    def call(environ: dict) -> Reply:
        check_method(environ, wanted)
        return handler(environ)

    return guarded(call)


def _object(value: Any, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise V2Error(f"{what} must be a JSON object, got {value!r}")
    return value


def _text(parameters: dict, request_parameters: dict) -> bool:
    return (parameters.get("content_type") or request_parameters.get("content_type")) == "str"


def _split_body(environ: dict, limit: int) -> tuple[Any, memoryview]:
    body = bodies.read_body(environ, limit)
    header = environ.get(_HEADER_ENVIRON)
    binary = memoryview(b"")
    if header:
        try:
            n = int(header)
            if not 0 <= n <= len(body):
                raise ValueError
        except ValueError:
            raise V2Error(f"{HEADER_LENGTH} {header!r} is not a length within the "
                          f"{len(body)}-byte body") from None
        binary = memoryview(body)[n:]
        body = body[:n]
    try:
        return loads(body), binary
    except ValueError as exc:
        raise V2Error(f"the request body is not JSON: {exc}") from None


def parse_infer(value: Any, binary: memoryview) -> InferRequest:
    """An InferRequest from the JSON request (and the binary data after it)."""
    req = _object(value, "the request")
    params = _object(req.get("parameters"), "parameters")
    items = req.get("inputs")
    if not isinstance(items, list):
        raise V2Error("the request has no \"inputs\" list")
    inputs, pos = [], 0
    for item in items:
        item = _object(item, "an input")
        name = item.get("name")
        if not isinstance(name, str):
            raise BadTensor(f"an input has no name: {item!r}"[:300])
        datatype = item.get("datatype")
        shape = check_shape(item.get("shape"), name)
        tparams = _object(item.get("parameters"), f"input {name!r} parameters")
        text = _text(tparams, params)
        size = tparams.get("binary_data_size")
        if size is not None:
            if type(size) is not int or size < 0 or pos + size > len(binary):
                raise BadTensor(f"input {name!r}: binary_data_size {size!r} runs past the "
                                f"{len(binary)} bytes of binary data")
            data = from_bytes(name, datatype, shape, binary[pos:pos + size], text)
            pos += size
        elif "data" in item:
            data = from_list(name, datatype, shape, item["data"], text)
        else:
            raise BadTensor(f"input {name!r} has neither data nor binary_data_size")
        inputs.append(Tensor(name, datatype, shape, data, tparams))
    outputs = None
    if req.get("outputs") is not None:
        if not isinstance(req["outputs"], list):
            raise V2Error("outputs must be a list")
        outputs = []
        for o in req["outputs"]:
            o = _object(o, "an output")
            outputs.append(RequestedOutput(str(o.get("name", "")),
                                           _object(o.get("parameters"), "output parameters")))
    request_id = req.get("id") or ""
    return InferRequest(inputs, str(request_id), params, outputs)


def write_infer(resp: InferResponse, request: InferRequest) -> Reply:
    binary_default = bool(request.parameters.get("binary_data_output", False))
    outputs, chunks = [], []
    for out in resp.outputs:
        params = dict(out.parameters)
        entry: dict = {"name": out.name, "datatype": out.datatype, "shape": out.shape,
                       "parameters": params}
        if out.requested.get("binary_data", binary_default):
            raw = to_bytes(out.data, out.datatype)
            params["binary_data_size"] = len(raw)
            chunks.append(raw)
        else:
            entry["data"] = to_list(out.data, out.datatype)
        outputs.append(entry)
    body: dict = {"model_name": resp.model_name, "id": resp.id, "parameters": resp.parameters,
                  "outputs": outputs}
    if resp.model_version:
        body["model_version"] = resp.model_version
    if not chunks:
        return 200, body
    header = dumps(body)
    return 200, b"".join([header, *chunks]), [("Content-Type", BINARY),
                                              (HEADER_LENGTH, str(len(header)))]


class V2Routes:
    """The REST side of V2 for one model."""

    PREFIX = "/v2/models/"

    def __init__(self, v2: V2Plane, max_body: int):
        self.v2 = v2
        self.max_body = max_body

    def routes(self) -> dict[str, tuple[Callable, frozenset]]:
        """Exact paths (the model's own infer path too: no path parsing on the hot path)."""
        name = self.v2.name
        return {
            "/v2": (only("GET", lambda env: (200, self.v2.server_metadata())), ANY_METHOD),
            "/v2/health/live": (only("GET", lambda env: (200, {"live": True})), ANY_METHOD),
            "/v2/health/ready": (only("GET", lambda env: (200, {"ready": True})), ANY_METHOD),
            f"{self.PREFIX}{name}/infer": (
                only("POST", lambda env: self._infer(env, name, "")), ANY_METHOD),
        }

    def prefixed(self) -> tuple[str, Callable, frozenset]:
        """Everything else under /v2/models/, including unknown models (a V2 404)."""
        return self.PREFIX, guarded(self._model_path), ANY_METHOD

    def _model_path(self, environ: dict) -> Reply:
        path = environ.get("PATH_INFO", "")
        parts = path[len(self.PREFIX):].split("/")
        name, rest, version = parts[0], parts[1:], ""
        if len(rest) >= 2 and rest[0] == "versions":
            version, rest = rest[1], rest[2:]
        action = rest[0] if len(rest) == 1 else ("" if not rest else None)
        if action is None or action not in ("", "ready", "infer"):
            raise V2Error(f"no V2 route {path}", 404, reason="MICROSERVICE_NOT_FOUND")
        check_method(environ, "POST" if action == "infer" else "GET")
        if action == "infer":
            return self._infer(environ, name, version)
        if action == "ready":
            self.v2.check_model(name, version)
            return 200, {"name": name, "ready": True}
        return 200, self.v2.model_metadata(name, version)

    def _infer(self, environ: dict, name: str, version: str) -> Reply:
        value, binary = _split_body(environ, self.max_body)
        request = parse_infer(value, binary)
        return write_infer(self.v2.infer(name, version, request), request)


def operation(path: str) -> str | None:
    """The tracing operation name of a V2 path."""
    if not path.startswith("/v2"):
        return None
    if path.endswith("/infer"):
        return "ModelInfer"
    if path.startswith("/v2/health/"):
        return "ServerLive" if path.endswith("/live") else "ServerReady"
    if path.endswith("/ready"):
        return "ModelReady"
    return "ModelMetadata" if path.startswith("/v2/models/") else "ServerMetadata"
