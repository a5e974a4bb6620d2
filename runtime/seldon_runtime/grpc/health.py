"""The standard gRPC health service (`grpc.health.v1.Health`).

seldon-core served no gRPC health service; Kubernetes gRPC probes need one.
A process that answers is serving: the model was loaded before the server
started listening.
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Iterable

import grpc

from ..proto.pool import message_class

SERVICE = "grpc.health.v1.Health"
SERVING, SERVICE_UNKNOWN = 1, 3


class Health:
    def __init__(self, services: Iterable[str]):
        self.request_cls = message_class("grpc.health.v1.HealthCheckRequest")
        self.response_cls = message_class("grpc.health.v1.HealthCheckResponse")
        self.services = {"", *services}

    async def check(self, data: bytes, context: Any) -> bytes:
        service = self.request_cls.FromString(data).service
        if service not in self.services:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {service!r}")
        return self.response_cls(status=SERVING).SerializeToString()

    async def watch(self, data: bytes, context: Any) -> AsyncIterator[bytes]:
        service = self.request_cls.FromString(data).service
        status = SERVING if service in self.services else SERVICE_UNKNOWN
        yield self.response_cls(status=status).SerializeToString()
        await asyncio.Event().wait()  # status never changes; end when the client leaves
