"""What each served example must answer, written from the Seldon protocol reference.

The numbers are the models' own arithmetic (their READMEs); the shape of every
answer is the protocol's: REST keeps JSON integers, always sends `names`
(`t:i` unless `class_names()` says otherwise, `[]` for 1-D results), mirrors
the request's payload kind and always has `meta`; gRPC answers carry the same
values as doubles.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from .builds import EXAMPLES


@dataclass(frozen=True)
class Call:
    """One request to an example and the answer the protocol promises."""

    image: str
    route: str  # REST path
    expected: dict
    grpc: tuple[str, str] | None = None  # (service, method) taking the same message
    tolerance: float = 1e-6
    request_file: str = "request.json"


def names_t(n: int) -> list[str]:
    return [f"t:{i}" for i in range(n)]


CALLS = [
    Call("sklearn-iris", "/api/v1.0/predictions", {
        "data": {"names": ["setosa", "versicolor", "virginica"],
                 "ndarray": [[0.982, 0.018, 0.0], [0.0, 0.08, 0.92]]},
        "meta": {}}, grpc=("Model", "Predict"), tolerance=0.05),
    Call("numpy-setup-py", "/api/v1.0/predictions", {
        "data": {"names": ["low", "high"], "ndarray": [[4.0, 1.5], [1.0, -1.0]]}, "meta": {}},
        grpc=("Seldon", "Predict")),
    Call("subpackage", "/api/v1.0/predictions", {
        "data": {"names": ["stays", "churns"],
                 "ndarray": [[0.9873, 0.0127], [0.1347, 0.8653]]}, "meta": {}},
        grpc=("Model", "Predict"), tolerance=1e-3),
    Call("wheel-folder", "/api/v1.0/predictions", {
        "data": {"names": [], "ndarray": [6.0, 18.0]}, "meta": {}}, grpc=("Model", "Predict")),
    Call("private-index-env", "/api/v1.0/predictions", {
        "data": {"names": names_t(2), "ndarray": [[0.5, 0.5], [1.0, 0.0]]}, "meta": {}}),
    Call("private-index-binding", "/api/v1.0/predictions", {
        "data": {"names": names_t(2), "ndarray": [[0.5, 0.5], [1.0, 0.0]]}, "meta": {}}),
    Call("parameters", "/api/v1.0/predictions", {
        "data": {"names": ["score", "above"], "ndarray": [[1.0, 0.0], [3.0, 1.0]]},
        "meta": {"tags": {"invert": False, "label": "above", "max_rows": 10, "scale": 2.0,
                          "threshold": 1.5}}}, grpc=("Model", "Predict")),
    Call("raw-model", "/api/v1.0/predictions", {
        "jsonData": {"longest": "quick", "words": 4},
        "meta": {"tags": {"handled_by": "predict_raw"}}}),
    Call("router", "/route", {"data": {"names": ["t:0"], "ndarray": [[0]]}, "meta": {}},
         grpc=("Router", "Route")),
    Call("transformer", "/transform-input", {
        "data": {"names": names_t(4), "ndarray": [[0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 1.0, 1.0]]},
        "meta": {}}, grpc=("Transformer", "TransformInput"), tolerance=1e-6),
    Call("output-transformer", "/transform-output", {
        "data": {"names": names_t(2), "ndarray": [[0.5, 0.5], [0.8808, 0.1192]]}, "meta": {}},
        grpc=("OutputTransformer", "TransformOutput"), tolerance=1e-4),
    Call("combiner", "/aggregate", {
        "data": {"names": names_t(2), "ndarray": [[0.25, 0.75]]}, "meta": {}},
        grpc=("Combiner", "Aggregate")),
    Call("conda-env", "/api/v1.0/predictions", {
        "data": {"names": names_t(2), "tensor": {"shape": [2, 2], "values": [0.6, 0.8, 0.0, 0.0]}},
        "meta": {}}, grpc=("Model", "Predict")),
    Call("combined", "/api/v1.0/predictions", {
        "data": {"names": ["setosa", "versicolor", "virginica"],
                 "ndarray": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]}, "meta": {}},
        grpc=("Model", "Predict")),
    Call("outlier-detector", "/transform-input", {
        "data": {"ndarray": [[3.0, 4.0], [0.0, 0.0]]},
        "meta": {"tags": {"outlierScore": [5.0, 0.0]}}}),
]
# images built from an example of another name
EXAMPLE_OF = {"private-index-env": "private-index", "private-index-binding": "private-index"}


def request_of(call: Call):
    return example_request(EXAMPLE_OF.get(call.image, call.image), call.request_file)


def example_request(example: str, request_file: str = "request.json"):
    """The request an example's README sends (its `request.json`)."""
    return json.loads((EXAMPLES / example / request_file).read_text())


def call_for(image: str) -> Call:
    return next(call for call in CALLS if call.image == image)


def as_grpc(value):
    """The same answer as gRPC gives it: every number a double."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, list):
        return [as_grpc(v) for v in value]
    if isinstance(value, dict):
        return {k: as_grpc(v) for k, v in value.items()}
    return value


def mismatches(actual, expected, tolerance: float, path: str = "$") -> list[str]:
    """Differences between two JSON values; numbers within `tolerance`, types kept strict
    (an int where the protocol keeps an int, a bool where a bool)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        out = [f"{path}: keys {sorted(actual)} != {sorted(expected)}"] \
            if set(actual) != set(expected) else []
        for key in set(actual) & set(expected):
            out += mismatches(actual[key], expected[key], tolerance, f"{path}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {expected!r}, got {actual!r}"]
        out = []
        for i, (a, e) in enumerate(zip(actual, expected)):
            out += mismatches(a, e, tolerance, f"{path}[{i}]")
        return out
    if isinstance(expected, bool) or not isinstance(expected, (int, float)):
        return [] if actual == expected and type(actual) is type(expected) else [
            f"{path}: expected {expected!r}, got {actual!r}"]
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return [f"{path}: expected a number {expected!r}, got {actual!r}"]
    if isinstance(expected, int) and not isinstance(actual, int):
        return [f"{path}: expected the integer {expected!r}, got {actual!r}"]
    if not math.isclose(actual, expected, rel_tol=0, abs_tol=tolerance):
        return [f"{path}: expected {expected!r} (±{tolerance}), got {actual!r}"]
    return []
