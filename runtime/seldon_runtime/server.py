"""The composition root: what runs, and what the REST and gRPC sides share.

`serve()` starts the metrics process, the gRPC side, the custom service and
the REST master. It decides how the model is loaded (`call_load`, or nothing
after `--preload`) and builds the data planes each side serves (one
`PlaneConfig` from the environment, the hooks of each wire form), and hands
those to `rest.server` and `grpc.server` as callables: the transports run
them after their forks and never import this module.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Tuple

from . import children, preload
from .component import Component
from .dataplane import UNKNOWN_IMAGE, DataPlane, PlaneConfig
from .errors import is_not_implemented
from .metrics import server as metrics_server
from .rest.hooks import rest_component
from .rest.server import RestServer
from .settings import SERVICE_TYPES, Settings, env_bool

log = logging.getLogger(__name__)


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


def rest_plane(component: Component, settings: Settings) -> Callable[[], DataPlane]:
    """The REST side's data plane: the class's hooks with JSON-form messages."""
    return lambda: DataPlane(rest_component(component), plane_config(settings))


def grpc_planes(
    component: Component, settings: Settings
) -> Callable[[], Tuple[DataPlane, DataPlane | None]]:
    """The gRPC side's data plane, and with --v2 a JSON-form one sharing its config and metrics.

    V2 calls the class's hooks with JSON-form messages, as on REST.
    """
    from .grpc.hooks import grpc_component

    def make() -> Tuple[DataPlane, DataPlane | None]:
        plane = DataPlane(grpc_component(component), plane_config(settings))
        if not settings.v2:
            return plane, None
        return plane, DataPlane(rest_component(component), plane.cfg, plane.recorder)

    return make


def _start_grpc(component: Component, settings: Settings) -> Any | None:
    if settings.grpc_workers <= 0:
        return None
    try:
        from .grpc import server as grpc_server  # type: ignore[import-not-found]
    except ImportError:
        log.info("gRPC is not available in this runtime; serving REST only")
        return None
    return grpc_server.start(
        lambda: call_load(component), grpc_planes(component, settings), settings
    )


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
        RestServer(
            lambda: call_load(component),
            rest_plane(component, settings),
            component.obj,
            settings,
            early_stop=[grpc_pid],
        ).run()
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
