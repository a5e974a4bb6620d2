"""gRPC server settings: port, processes, threads and the message size limit."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Mapping

log = logging.getLogger(__name__)

MAX_MESSAGE_ANNOTATION = "seldon.io/grpc-max-message-size"
MAX_MESSAGE_ENV = "GRPC_MAX_MESSAGE_SIZE"


@dataclass(frozen=True)
class GrpcOptions:
    port: int = 5000
    workers: int = 1  # server processes; 0 disables gRPC
    threads: int = 1  # concurrent calls into the model per process
    max_message_size: int | None = None  # bytes; None keeps grpc's defaults
    host: str = "0.0.0.0"
    grace: float = 5.0  # seconds calls in flight get to finish at shutdown

    def channel_options(self) -> list[tuple[str, int]]:
        # SO_REUSEPORT lets every worker process listen on the same port.
        options = [("grpc.so_reuseport", 1)]
        if self.max_message_size is not None:
            size = self.max_message_size
            options += [
                ("grpc.max_message_length", size),
                ("grpc.max_send_message_length", size),
                ("grpc.max_receive_message_length", size),
            ]
        return options


def max_message_size(
    annotations: Mapping[str, str], env: Mapping[str, str] | None = None
) -> int | None:
    """The size limit: the Seldon annotation wins, then `GRPC_MAX_MESSAGE_SIZE`."""
    env = os.environ if env is None else env
    for source, raw in (
        (MAX_MESSAGE_ANNOTATION, annotations.get(MAX_MESSAGE_ANNOTATION)),
        (MAX_MESSAGE_ENV, env.get(MAX_MESSAGE_ENV)),
    ):
        if raw is None or not raw.strip():
            continue
        try:
            size = int(raw)
        except ValueError:
            log.error("%s=%r is not a number of bytes: ignored", source, raw)
            continue
        if size <= 0:
            log.error("%s=%r must be positive: ignored", source, raw)
            continue
        return size
    return None
