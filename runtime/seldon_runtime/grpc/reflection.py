"""gRPC server reflection (v1 and v1alpha), answered from our descriptor pool.

Written here rather than taken from grpcio-reflection, whose releases require
recent protobuf versions that conflict with the protobuf 3.x seldon-core 1.x
pins; the protocol is small.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterable

from ..proto.pool import POOL, message_class

PACKAGES = ("grpc.reflection.v1", "grpc.reflection.v1alpha")
NOT_FOUND = 5
UNIMPLEMENTED = 12


def service_names(package: str) -> str:
    return f"{package}.ServerReflection"


def _with_dependencies(file_desc: Any) -> list[bytes]:
    seen: dict = {}
    stack = [file_desc]
    while stack:
        fd = stack.pop()
        if fd.name in seen:
            continue
        seen[fd.name] = fd.serialized_pb
        stack.extend(fd.dependencies)
    return list(seen.values())


class Reflection:
    def __init__(self, package: str, services: Iterable[str]):
        self.request_cls = message_class(f"{package}.ServerReflectionRequest")
        self.response_cls = message_class(f"{package}.ServerReflectionResponse")
        self.services = sorted(services)

    def answer(self, request: Any) -> Any:
        response = self.response_cls(valid_host=request.host)
        response.original_request.CopyFrom(request)
        kind = request.WhichOneof("message_request")
        try:
            if kind == "file_by_filename":
                found = POOL.FindFileByName(request.file_by_filename)
                response.file_descriptor_response.file_descriptor_proto.extend(
                    _with_dependencies(found)
                )
            elif kind == "file_containing_symbol":
                found = POOL.FindFileContainingSymbol(request.file_containing_symbol)
                response.file_descriptor_response.file_descriptor_proto.extend(
                    _with_dependencies(found)
                )
            elif kind == "list_services":
                for name in self.services:
                    response.list_services_response.service.add(name=name)
            elif kind == "all_extension_numbers_of_type":
                # proto3 files have no extensions; the type must still exist.
                POOL.FindMessageTypeByName(request.all_extension_numbers_of_type)
                response.all_extension_numbers_response.base_type_name = (
                    request.all_extension_numbers_of_type
                )
            else:
                response.error_response.error_code = UNIMPLEMENTED
                response.error_response.error_message = f"{kind or 'empty'} request not supported"
        except KeyError as exc:
            response.ClearField("message_response")
            response.error_response.error_code = NOT_FOUND
            response.error_response.error_message = str(exc).strip("'\"") or "not found"
        return response

    async def stream(self, requests: AsyncIterator[bytes], context: Any) -> AsyncIterator[bytes]:
        async for data in requests:
            yield self.answer(self.request_cls.FromString(data)).SerializeToString()
