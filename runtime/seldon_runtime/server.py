"""Running the REST app under gunicorn, plus the metrics process.

The main process is the gunicorn master (as in seldon-core, so SIGHUP reloads
workers). The user object is built once in the master; each worker calls
`load()` after the fork, while a heartbeat keeps gunicorn's timeout from
killing a slow load.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import threading
from typing import Any, Callable

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from . import annotations, children, preload
from .component import Component
from .dataplane import UNKNOWN_IMAGE, DataPlane, PlaneConfig
from .errors import is_not_implemented
from .metrics import multiproc
from .metrics import server as metrics_server
from .protocols import mount as mount_protocols
from .rest import error_handlers
from .rest.app import RestApp
from .rest.hooks import rest_component
from .settings import DEFAULT_TIMEOUT, SERVICE_TYPES, Settings, env_bool

log = logging.getLogger(__name__)

_worker: Any = None  # the gunicorn worker of this process, set after fork


def plane_config(settings: Settings) -> PlaneConfig:
    return PlaneConfig(
        unit_id=os.environ.get("PREDICTIVE_UNIT_ID", ""),
        # seldon-core's placeholder when the operator did not pass the image
        unit_image=os.environ.get("PREDICTIVE_UNIT_IMAGE", UNKNOWN_IMAGE),
        # seldon-core only accepted "true" here; the usual spellings work too.
        include_metrics=env_bool("INCLUDE_METRICS_IN_CLIENT_RESPONSE", True),
        executor_enabled=env_bool("SELDON_EXECUTOR_ENABLED", True),
        outlier_detector=settings.service_type == "OUTLIER_DETECTOR",
    )


def call_load(component: Component) -> None:
    if component.load is None:
        return
    try:
        component.load()
    except NotImplementedError:
        pass
    except Exception as exc:
        if not is_not_implemented(exc):
            raise


def _heartbeat(stop: threading.Event) -> None:
    while not stop.wait(1.0):
        if _worker is not None:
            _worker.notify()


def build_app(component: Component, settings: Settings) -> Callable:
    """Everything a worker needs after the fork: load the model, make the app."""
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(stop,), daemon=True)
    beat.start()
    try:
        call_load(component)
    finally:
        stop.set()
        beat.join()
    plane = DataPlane(rest_component(component), plane_config(settings))
    app = RestApp(
        plane,
        passthrough=env_bool("PAYLOAD_PASSTHROUGH"),
        max_body=settings.max_body_size,
        errors=error_handlers.from_model(component.obj),
    )
    mount_protocols(app, settings)
    if not settings.tracing:
        return app
    from .tracing.config import extra_tags, make_tracer
    from .tracing.wsgi import TracedApp

    return TracedApp(app, make_tracer(settings.interface_name), extra_tags())


def _post_fork(server: Any, worker: Any) -> None:
    global _worker
    _worker = worker


def _child_exit(server: Any, worker: Any) -> None:
    multiproc.mark_process_dead(worker.pid)


def gunicorn_options(settings: Settings) -> dict[str, Any]:
    timeout = annotations.rest_timeout_seconds(annotations.read())
    if timeout is None:
        timeout = settings.timeout or DEFAULT_TIMEOUT
    level = "debug" if settings.debug else settings.log_level.lower()
    options: dict[str, Any] = {
        "bind": f"{settings.host}:{settings.http_port}",
        "workers": settings.workers,
        "threads": settings.threads,
        # One thread: our keep-alive worker (see worker.py); more threads: gthread.
        "worker_class": "gthread"
        if settings.threads > 1
        else "seldon_runtime.worker.KeepAliveWorker",
        "timeout": timeout,
        "keepalive": settings.keepalive,
        "backlog": settings.backlog,
        "graceful_timeout": max(1, math.ceil(settings.graceful_timeout)),  # gunicorn: an int
        "max_requests": settings.max_requests,
        "max_requests_jitter": settings.max_requests_jitter,
        "loglevel": level,
        "accesslog": "-" if (settings.access_log or settings.debug) else None,
        "pidfile": settings.pidfile,
        "post_fork": _post_fork,
        "child_exit": _child_exit,
        "proc_name": f"seldon-runtime:{settings.interface_name}",
    }
    # gunicorn >= 24 opens a control socket in $HOME; a model server has no use for it
    # (settings unknown to the installed gunicorn are skipped in load_config).
    options["control_socket_disable"] = True
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        options["worker_tmp_dir"] = "/dev/shm"  # heartbeat files off the disk
    return options


class _Master(Arbiter):
    """gunicorn's master; a shutdown also starts the gRPC drain at once, so both overlap."""

    def stop(self, graceful: bool = True) -> None:
        children.stop(self.app.early_stop)
        super().stop(graceful)


class RestServer(BaseApplication):
    def __init__(self, component: Component, settings: Settings, early_stop: list | None = None):
        self.component = component
        self.settings = settings
        self.options = gunicorn_options(settings)
        self.early_stop = early_stop or []
        super().__init__()

    def run(self) -> None:  # BaseApplication.run, with our master
        try:
            _Master(self).run()
        except RuntimeError as exc:
            print(f"\nError: {exc}\n", file=sys.stderr)
            sys.exit(1)

    def load_config(self) -> None:
        for key, value in self.options.items():
            if value is not None and key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> RestApp:
        return build_app(self.component, self.settings)


def _start_grpc(component: Component, settings: Settings) -> Any | None:
    if settings.grpc_workers <= 0:
        return None
    try:
        from .grpc import server as grpc_server  # type: ignore[import-not-found]
    except ImportError:
        log.info("gRPC is not available in this runtime; serving REST only")
        return None
    return grpc_server.start(component, settings)


def serve(component: Component, settings: Settings) -> None:
    """Run until stopped: metrics process, (gRPC), (custom service), then the REST master here.

    `multiproc.prepare_dir()` must have run already (before user code was imported).
    """
    assert settings.service_type in SERVICE_TYPES
    paths = {settings.metrics_path, "/metrics", "/prometheus"}
    side = [metrics_server.start_process(settings.host, settings.metrics_port, paths)]
    master = os.getpid()
    try:
        if settings.preload:
            _preload(component)
        grpc_pid = getattr(_start_grpc(component, settings), "pid", None)
        side.append(grpc_pid)
        side.append(_start_custom_service(component))
        RestServer(component, settings, early_stop=[grpc_pid]).run()
    finally:
        # gunicorn workers leave through this frame too (SystemExit from the
        # fork): only the master stops the side processes.
        if os.getpid() == master:
            children.stop(side)
            children.wait(side, settings.graceful_timeout)


def _preload(component: Component) -> None:
    """`load()` once here, before the forks; the workers then skip it (see preload.py)."""
    if component.load is not None:
        preload.load_shared(lambda: call_load(component))
        component.load = None
    log.info("--preload: the model is loaded once and shared by every worker")


def _start_custom_service(component: Component) -> int | None:
    """The user's `custom_service()` in its own process, as seldon-core runs it.

    It gets the object as constructed, without `load()` (seldon-core's
    behaviour too); when it returns or raises, its process ends and the
    runtime goes on serving.
    """
    if component.custom_service is None:
        return None
    pid = children.fork_child(component.custom_service, "custom_service()")
    log.info("custom_service() running in process %d", pid)
    return pid
