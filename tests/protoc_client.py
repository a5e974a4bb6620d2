"""A Seldon gRPC client as any user would generate it: protoc over our prediction.proto.

Shared by the runtime's gRPC tests and the end-to-end tests, so both talk to
servers the way real clients do rather than through the runtime's own message
classes. The generated modules live under one package of the caller's choice,
so nothing named `proto` or `tensorflow` shadows a real package; they register
in protobuf's default pool, as seldon-core's own generated module does.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import SimpleNamespace

PROTO_FILES = ["proto/prediction.proto"] + [
    f"tensorflow/core/framework/{name}.proto"
    for name in ("tensor", "tensor_shape", "types", "resource_handle")
]


def generate(out_root: Path, package: str) -> SimpleNamespace:
    """`pb2` (prediction_pb2), `grpc` (prediction_pb2_grpc) and `json_format`."""
    import grpc_tools
    from google.protobuf import json_format
    from grpc_tools import protoc

    from seldon_runtime.proto.build import SOURCES

    if f"{package}.proto.prediction_pb2" not in sys.modules:
        out = out_root / package
        out.mkdir(parents=True, exist_ok=True)
        well_known = Path(grpc_tools.__file__).parent / "_proto"
        code = protoc.main(["protoc", f"-I{SOURCES}", f"-I{well_known}", f"--python_out={out}",
                            f"--grpc_python_out={out}", *PROTO_FILES])
        assert code == 0, "protoc could not compile prediction.proto"
        for path in out.rglob("*.py"):
            path.write_text(re.sub(r"^from (tensorflow|proto)\b", rf"from {package}.\1",
                                   path.read_text(), flags=re.M))
        for folder in [out, *(p for p in out.rglob("*") if p.is_dir())]:
            (folder / "__init__.py").touch()
    sys.path.insert(0, str(out_root))
    try:
        pb2 = importlib.import_module(f"{package}.proto.prediction_pb2")
        pb2_grpc = importlib.import_module(f"{package}.proto.prediction_pb2_grpc")
    finally:
        sys.path.remove(str(out_root))
    return SimpleNamespace(pb2=pb2, grpc=pb2_grpc, json_format=json_format)
