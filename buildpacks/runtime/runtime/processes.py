"""The image's processes. No shell: the runtime reads MODEL_NAME and friends from the env.

Arguments given to `docker run IMAGE ...` replace `args` (Platform API 0.10+)
and are appended on older platforms; either way they reach `seldon-runtime`.
"""

from __future__ import annotations

from seldon_detect.cnb.launch import Process

RUNTIME = "seldon-runtime"


def processes() -> list[Process]:
    return [
        # REST, gRPC and metrics, as seldon-core-microservice serves by default
        Process("web", [RUNTIME], default=True),
        # REST and metrics only (no gRPC workers)
        Process("rest", [RUNTIME, "--grpc-workers", "0"]),
        # gRPC and metrics only (no REST workers)
        Process("grpc", [RUNTIME, "--workers", "0"]),
    ]
