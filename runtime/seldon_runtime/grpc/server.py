"""The gRPC server: Seldon services, health and reflection on one grpc.aio server.

With one thread per process (the default, like seldon-core) model calls run
on the event loop itself, avoiding a thread hand-off per request; with more,
they go to a pool of that size. `--grpc-workers` processes each run a server
on the same port (SO_REUSEPORT); they are forked before any grpc object
exists, as grpc requires.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import grpc

from . import health, reflection
from .options import GrpcOptions
from .servicer import PACKAGE, RPCS, SERVICES, SeldonServicer
from .status import REASON_KEY, Failure

log = logging.getLogger(__name__)

GRACE_SECONDS = 5.0


def _unary(servicer: SeldonServicer, handler: str, pool: ThreadPoolExecutor | None):
    call = servicer.call

    async def behaviour(data: bytes, context: Any) -> bytes:
        try:
            if pool is None:
                return call(handler, data)
            return await asyncio.get_running_loop().run_in_executor(pool, call, handler, data)
        except Failure as failure:
            if failure.reason:
                context.set_trailing_metadata(((REASON_KEY, failure.reason),))
            await context.abort(failure.code, failure.details)

    # No (de)serializers: handlers work on wire bytes.
    return grpc.unary_unary_rpc_method_handler(behaviour)


def generic_handlers(servicer: SeldonServicer, threads: int) -> list:
    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    by_service: dict = {}
    for rpc in RPCS:
        by_service.setdefault(rpc.service, {})[rpc.method] = _unary(servicer, rpc.handler, pool)
    handlers = [
        grpc.method_handlers_generic_handler(f"{PACKAGE}.{service}", methods)
        for service, methods in by_service.items()
    ]
    checker = health.Health(SERVICES)
    handlers.append(
        grpc.method_handlers_generic_handler(
            health.SERVICE,
            {
                "Check": grpc.unary_unary_rpc_method_handler(checker.check),
                "Watch": grpc.unary_stream_rpc_method_handler(checker.watch),
            },
        )
    )
    listed = [*SERVICES, health.SERVICE, *map(reflection.service_names, reflection.PACKAGES)]
    for package in reflection.PACKAGES:
        answerer = reflection.Reflection(package, listed)
        handlers.append(
            grpc.method_handlers_generic_handler(
                reflection.service_names(package),
                {"ServerReflectionInfo": grpc.stream_stream_rpc_method_handler(answerer.stream)},
            )
        )
    return handlers


async def start(servicer: SeldonServicer, options: GrpcOptions) -> tuple[Any, int]:
    """A started grpc.aio server and the port it listens on."""
    server = grpc.aio.server(options=options.channel_options())
    server.add_generic_rpc_handlers(generic_handlers(servicer, options.threads))
    port = server.add_insecure_port(f"{options.host}:{options.port}")
    if port == 0:
        raise OSError(f"cannot listen for gRPC on {options.host}:{options.port}")
    await server.start()
    return server, port


async def serve(servicer: SeldonServicer, options: GrpcOptions) -> None:
    """Serve until SIGTERM or SIGINT, then drain in-flight calls."""
    server, port = await start(servicer, options)
    log.info("gRPC server listening on %s:%d", options.host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(GRACE_SECONDS)


def _worker_main(make_servicer: Callable[[], SeldonServicer], options: GrpcOptions) -> None:
    asyncio.run(serve(make_servicer(), options))


def reserve_port(options: GrpcOptions) -> tuple[socket.socket, GrpcOptions]:
    """Hold the port (resolving 0 to a free one) while workers come and go."""
    sock = socket.socket(socket.AF_INET6 if ":" in options.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((options.host, options.port))
    port = sock.getsockname()[1]
    return sock, GrpcOptions(
        port=port,
        workers=options.workers,
        threads=options.threads,
        max_message_size=options.max_message_size,
        host=options.host,
    )


def start_workers(
    make_servicer: Callable[[], SeldonServicer], options: GrpcOptions
) -> tuple[list, socket.socket, GrpcOptions]:
    """Fork `options.workers` server processes; `make_servicer` runs in each (post-fork)."""
    sock, options = reserve_port(options)
    ctx = multiprocessing.get_context("fork")
    procs = []
    for i in range(options.workers):
        proc = ctx.Process(
            target=_worker_main, args=(make_servicer, options), name=f"grpc-worker-{i}"
        )
        proc.start()
        procs.append(proc)
    return procs, sock, options


class BackgroundServer:
    """A server on its own event-loop thread in this process (tests, embedding)."""

    def __init__(self, servicer: SeldonServicer, options: GrpcOptions):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(start(servicer, options), self._loop)
        self._server, self.port = future.result(timeout=30)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._server.stop(0), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
