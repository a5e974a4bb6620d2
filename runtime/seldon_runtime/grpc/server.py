"""The gRPC server: Seldon services, health and reflection on one grpc.aio server.

With one thread per process (the default, like seldon-core) model calls run
on the event loop itself, avoiding a thread hand-off per request; with more,
they go to a pool of that size.

Processes: `start()` (called by the composition root, `seldon_runtime.server`,
before the REST master runs; this module never imports it) reserves the port
and forks a supervisor, which forks `--grpc-workers` servers sharing the port
through SO_REUSEPORT and starts a new one when one dies (as gunicorn does for
REST workers; seldon-core leaves the port dead).
Forks happen before any grpc object exists, as grpc requires, and each
serving process calls the model's `load()` after its fork, as seldon-core does.

Servers run on uvloop when it is installed: grpc.aio spends most of each
call in event-loop work, and uvloop cuts the server's CPU per call by 4-6%
(bench/grpc). `SELDON_GRPC_EVENT_LOOP=asyncio` keeps the standard loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Callable, Tuple

import grpc

from .. import children
from ..dataplane import DataPlane
from ..startup import GrpcPortTaken
from ..tracing import rpc as rpc_span
from ..v2 import servicer as v2_servicer
from . import health, reflection
from .options import GrpcOptions, max_message_size
from .servicer import PACKAGE, RPCS, SERVICES, SeldonServicer
from .status import REASON_KEY, Failure

log = logging.getLogger(__name__)

PARENT_POLL_SECONDS = 1.0
# A worker that dies sooner than this after starting is restarted after a
# growing delay, so a model that crashes at once does not spin the CPU.
HEALTHY_SECONDS = 10.0
RESTART_DELAYS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
EVENT_LOOP_ENV = "SELDON_GRPC_EVENT_LOOP"


def run_event_loop(main: Any) -> Any:
    """Run coroutine `main` to completion on uvloop if available, else asyncio's loop."""
    if os.environ.get(EVENT_LOOP_ENV, "").strip().lower() != "asyncio":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.run(main)
    return asyncio.run(main)


def _unary(servicer: SeldonServicer, handler: str, pool: ThreadPoolExecutor | None,
           method: str):
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

    tracer = servicer.tracer
    if tracer is None:
        # No (de)serializers: handlers work on wire bytes.
        return grpc.unary_unary_rpc_method_handler(behaviour)

    async def traced(data: bytes, context: Any) -> bytes:
        span = rpc_span.start(tracer, method, context)
        try:
            return await behaviour(data, context)
        except BaseException:
            code = context.code() if hasattr(context, "code") else None
            rpc_span.failed(span, code or grpc.StatusCode.UNKNOWN, context.details()
                            if hasattr(context, "details") else "")
            raise
        finally:
            span.finish()

    return grpc.unary_unary_rpc_method_handler(traced)


def generic_handlers(servicer: SeldonServicer, threads: int) -> list:
    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    by_service: dict = {}
    for rpc in RPCS:
        by_service.setdefault(rpc.service, {})[rpc.method] = _unary(
            servicer, rpc.handler, pool, f"/{PACKAGE}.{rpc.service}/{rpc.method}")
    handlers = [
        grpc.method_handlers_generic_handler(f"{PACKAGE}.{service}", methods)
        for service, methods in by_service.items()
    ]
    services = list(SERVICES)
    v2 = servicer.v2  # the Open Inference Protocol's service, unless turned off
    if v2 is not None:
        handlers.append(grpc.method_handlers_generic_handler(v2_servicer.SERVICE, {
            rpc.method: _unary(v2, rpc.handler, pool, f"/{v2_servicer.SERVICE}/{rpc.method}")
            for rpc in v2_servicer.RPCS}))
        services.append(v2_servicer.SERVICE)
    checker = health.Health(services)
    handlers.append(
        grpc.method_handlers_generic_handler(
            health.SERVICE,
            {
                "Check": grpc.unary_unary_rpc_method_handler(checker.check),
                "Watch": grpc.unary_stream_rpc_method_handler(checker.watch),
            },
        )
    )
    listed = [*services, health.SERVICE, *map(reflection.service_names, reflection.PACKAGES)]
    for package in reflection.PACKAGES:
        answerer = reflection.Reflection(package, listed)
        handlers.append(
            grpc.method_handlers_generic_handler(
                reflection.service_names(package),
                {"ServerReflectionInfo": grpc.stream_stream_rpc_method_handler(answerer.stream)},
            )
        )
    return handlers


async def start_server(servicer: SeldonServicer, options: GrpcOptions) -> tuple[Any, int]:
    """A started grpc.aio server and the port it listens on."""
    server = grpc.aio.server(options=options.channel_options())
    server.add_generic_rpc_handlers(generic_handlers(servicer, options.threads))
    try:
        port = server.add_insecure_port(f"{options.host}:{options.port}")
    except RuntimeError:  # newer grpcio raises instead of returning 0
        port = 0
    if port == 0:
        raise OSError(f"cannot listen for gRPC on {options.host}:{options.port}")
    await server.start()
    return server, port


async def serve(servicer: SeldonServicer, options: GrpcOptions, parent: int = 0) -> None:
    """Serve until SIGTERM/SIGINT (or until process `parent` is gone), then drain."""
    server, port = await start_server(servicer, options)
    loop = asyncio.get_running_loop()
    log.info("gRPC listening on %s:%d (pid %d, %s event loop)",
             options.host, port, os.getpid(), type(loop).__module__.split(".")[0])
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), PARENT_POLL_SECONDS)
        except asyncio.TimeoutError:
            if parent and os.getppid() != parent:
                log.warning("gRPC: the runtime's main process is gone; stopping")
                break
    log.info("gRPC: stopping (pid %d), calls in flight get %.0fs", os.getpid(), options.grace)
    await server.stop(options.grace)


def make_servicer(
    load: Callable[[], None],
    make_planes: Callable[[], Tuple[DataPlane, DataPlane | None]],
    settings: Any,
) -> SeldonServicer:
    """Load the model (post-fork) and put the gRPC view of it over a data plane.

    `make_planes` gives the gRPC plane and, with --v2, the JSON-form plane V2 serves.
    """
    load()
    plane, json_plane = make_planes()
    servicer = SeldonServicer(plane)
    if json_plane is not None:
        from ..protocols import v2_plane

        servicer.v2 = v2_servicer.V2Servicer(v2_plane(json_plane, settings))
    if settings.tracing:
        from ..tracing.config import make_tracer

        servicer.tracer = make_tracer(settings.interface_name)
        if servicer.v2 is not None:
            servicer.v2.tracer = servicer.tracer
    return servicer


def options_from(settings: Any) -> GrpcOptions:
    from .. import annotations

    return GrpcOptions(
        port=settings.grpc_port,
        workers=settings.grpc_workers,
        threads=max(1, settings.grpc_threads),
        max_message_size=max_message_size(annotations.read()),
        host=settings.host,
        # the runtime's main process waits graceful_timeout for the gRPC side as a whole
        grace=max(settings.graceful_timeout - 1.0, 0.0),
    )


@dataclass(frozen=True)
class GrpcProcess:
    pid: int
    port: int


def reserve_port(options: GrpcOptions) -> socket.socket:
    """Hold the port while servers come and go; fails early if it is taken."""
    family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((options.host, options.port))
    except OSError:
        sock.close()
        raise
    return sock


def _restart_delay(young_deaths: int) -> float:
    """No wait after a worker that had been serving; a growing one while they die young."""
    if young_deaths <= 0:
        return 0.0
    return RESTART_DELAYS[min(young_deaths, len(RESTART_DELAYS)) - 1]


def _supervise(make: Callable[[], SeldonServicer], options: GrpcOptions, parent: int) -> None:
    """Keep `options.workers` servers running until SIGTERM or the main process is gone."""
    from ..metrics import multiproc

    me = os.getpid()

    def spawn() -> int:
        return children.fork(
            lambda: run_event_loop(serve(make(), options, me)), "gRPC worker"
        )

    workers = {spawn(): time.monotonic() for _ in range(options.workers)}
    pending: list[float] = []  # when to start a replacement
    young_deaths = 0  # in a row, each within HEALTHY_SECONDS of its start
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    while not stopping.is_set() and os.getppid() == parent:
        now = time.monotonic()
        for due in [d for d in pending if d <= now]:
            pending.remove(due)
            workers[spawn()] = time.monotonic()
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            pid = 0
        if not pid:
            stopping.wait(0.2)
            continue
        lived = now - workers.pop(pid, now)
        multiproc.mark_process_dead(pid)
        young_deaths = 0 if lived >= HEALTHY_SECONDS else young_deaths + 1
        delay = _restart_delay(young_deaths)
        log.error("gRPC worker %d %s after %.1fs; starting another in %.1fs",
                  pid, _exit_reason(status), lived, delay)
        pending.append(now + delay)
    children.stop(list(workers))
    for pid in workers:
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        multiproc.mark_process_dead(pid)


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"was killed by signal {os.WTERMSIG(status)}"
    return f"exited with status {os.waitstatus_to_exitcode(status)}"


def start(
    load: Callable[[], None],
    make_planes: Callable[[], Tuple[DataPlane, DataPlane | None]],
    settings: Any,
) -> GrpcProcess | None:
    """Fork the gRPC side of the runtime; None when `--grpc-workers 0` disables it.

    Each server process calls `load()`, then `make_planes()` (see `make_servicer`).
    """
    options = options_from(settings)
    if options.workers <= 0:
        return None
    try:
        sock = reserve_port(options)
    except OSError as exc:
        raise GrpcPortTaken(
            f"listening on {options.host}:{options.port} failed: {exc.strerror or exc}"
        ) from None
    options = replace(options, port=sock.getsockname()[1])
    parent = os.getpid()

    def make() -> SeldonServicer:
        return make_servicer(load, make_planes, settings)

    pid = children.fork(lambda: _supervise(make, options, parent), "gRPC supervisor")
    sock.close()  # the child keeps its copy open
    log.info(
        "gRPC on %s:%d: %d worker(s), %d thread(s) each",
        options.host,
        options.port,
        options.workers,
        options.threads,
    )
    return GrpcProcess(pid=pid, port=options.port)


class BackgroundServer:
    """A server on its own event-loop thread in this process (tests, embedding)."""

    def __init__(self, servicer: SeldonServicer, options: GrpcOptions):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(start_server(servicer, options), self._loop)
        self._server, self.port = future.result(timeout=30)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._server.stop(0), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
