"""The REST side: the app under gunicorn.

The main process is the gunicorn master (as in seldon-core, so SIGHUP reloads
workers). The user object is built once in the master; each worker calls
`load()` after the fork, while a heartbeat keeps gunicorn's timeout from
killing a slow load.

What to load and how to build the data plane come from the composition root
(`seldon_runtime.server`), which this module does not import.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from typing import Any, Callable

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from .. import annotations, children
from ..dataplane import DataPlane
from ..metrics import multiproc
from ..protocols import mount as mount_protocols
from ..settings import DEFAULT_TIMEOUT, Settings, env_bool
from . import error_handlers
from .app import RestApp

_worker: Any = None  # the gunicorn worker of this process, set after fork


def _heartbeat(stop: threading.Event) -> None:
    while not stop.wait(1.0):
        if _worker is not None:
            _worker.notify()


def build_app(
    load: Callable[[], None],
    make_plane: Callable[[], DataPlane],
    model: Any,
    settings: Settings,
) -> Callable:
    """Everything a worker needs after the fork: load the model, make the app."""
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(stop,), daemon=True)
    beat.start()
    try:
        load()
    finally:
        stop.set()
        beat.join()
    app = RestApp(
        make_plane(),
        passthrough=env_bool("PAYLOAD_PASSTHROUGH"),
        max_body=settings.max_body_size,
        errors=error_handlers.from_model(model),
    )
    mount_protocols(app, settings)
    if not settings.tracing:
        return app
    from ..tracing.config import extra_tags, make_tracer
    from ..tracing.wsgi import TracedApp

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
    """gunicorn running the REST app; each worker calls `load()`, then `make_plane()`."""

    def __init__(
        self,
        load: Callable[[], None],
        make_plane: Callable[[], DataPlane],
        model: Any,
        settings: Settings,
        early_stop: list | None = None,
    ):
        self._load = load
        self.make_plane = make_plane
        self._model = model
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

    def load(self) -> Callable:
        return build_app(self._load, self.make_plane, self._model, self.settings)
