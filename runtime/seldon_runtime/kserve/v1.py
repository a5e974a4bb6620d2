"""KServe's V1 protocol on the REST port: `GET /v1/models/NAME`, `POST /v1/models/NAME:predict`.

A request is `{"instances": [...]}` (or `{"inputs": [...]}`); the list becomes
`X` as a Seldon `ndarray` would (`np.array(instances)`, `names` = []), so the
same service-type endpoint and hooks run as on the Seldon protocol (see
`v2.plane.ENDPOINTS`). The answer is `{"predictions": [...]}`: the result as a
list (a dict or text result is returned as it is). Errors are `{"error": "..."}`.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..codecs import tftensor
from ..jsonio import loads
from ..rest import body as bodies
from ..v2.plane import ENDPOINTS, V2Error
from ..v2.rest import ANY_METHOD, Reply, check_method, guarded, only

PREFIX = "/v1/models/"


def _predictions(reply: Any) -> Any:
    if not isinstance(reply, dict):
        return reply
    if "data" in reply:
        data = reply["data"]
        if "tensor" in data:
            values = np.asarray(data["tensor"]["values"])
            return values.reshape(data["tensor"]["shape"])
        if "tftensor" in data:
            return tftensor.decode(data["tftensor"])
        return data.get("ndarray", [])
    for key in ("jsonData", "strData", "binData"):
        if key in reply:
            return reply[key]
    return reply


class V1Routes:
    def __init__(self, plane: Any, service_type: str, name: str, max_body: int):
        self.name = name
        self.max_body = max_body
        attr = ENDPOINTS.get(service_type, (None,))[0]
        self._endpoint: Callable | None = getattr(plane, attr) if attr else None
        self.service_type = service_type

    def routes(self) -> dict[str, tuple[Callable, frozenset]]:
        return {
            f"{PREFIX}{self.name}:predict": (guarded(self._predict), ANY_METHOD),
            "/v1/models": (only("GET", lambda env: (200, {"models": [self.name]})), ANY_METHOD),
        }

    def prefixed(self) -> tuple[str, Callable, frozenset]:
        return PREFIX, guarded(self._model_path), ANY_METHOD

    def _check(self, name: str) -> None:
        if name != self.name:
            raise V2Error(f"Model {name!r} not found (this server has {self.name!r})", 404,
                          reason="MODEL_NOT_FOUND")

    def _model_path(self, environ: dict) -> Reply:
        path = environ.get("PATH_INFO", "")
        name, _, verb = path[len(PREFIX):].partition(":")
        if verb == "predict":
            self._check(name)
            return self._predict(environ)
        if verb or "/" in name:
            raise V2Error(f"no KServe V1 route {path}", 404, reason="MICROSERVICE_NOT_FOUND")
        check_method(environ, "GET")
        self._check(name)
        return 200, {"name": self.name, "ready": True}

    def _predict(self, environ: dict) -> Reply:
        check_method(environ, "POST")
        if self._endpoint is None:
            raise V2Error(f"a {self.service_type} has no KServe V1 predict; call it with the "
                          "Seldon protocol", 501, reason="MICROSERVICE_NOT_IMPLEMENTED")
        try:
            request = loads(bodies.read_body(environ, self.max_body))
        except ValueError as exc:
            raise V2Error(f"the request body is not JSON: {exc}") from None
        if not isinstance(request, dict):
            raise V2Error("the request must be a JSON object with \"instances\" or \"inputs\"")
        instances = request.get("instances", request.get("inputs"))
        if not isinstance(instances, list):
            raise V2Error("the request needs an \"instances\" (or \"inputs\") list")
        status, reply = self._endpoint({"data": {"names": [], "ndarray": instances}})
        if status != 200:
            info = (reply.get("status") or {}).get("info") if isinstance(reply, dict) else None
            raise V2Error(str(info or reply), status)
        return 200, {"predictions": _predictions(reply)}
