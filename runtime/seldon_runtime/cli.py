"""`seldon-runtime MODEL_NAME [flags]`, a drop-in for `seldon-core-microservice`."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from typing import Sequence

from . import loader, parameters
from .metrics import multiproc
from .settings import Settings, UnknownArgs, from_args
from .startup import StartupError

log = logging.getLogger("seldon_runtime")

LOG_FORMAT = "%(asctime)s - %(name)s:%(funcName)s:%(lineno)s - %(levelname)s:  %(message)s"


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    try:
        logging.getLogger().setLevel(level)
    except ValueError:
        log.warning("Unknown log level %r, using INFO", level)


def prepare(settings: Settings):
    """Everything up to the fork: parameters, user class, user object."""
    from .component import Component

    if settings.persistence:
        log.warning("Persistence is deprecated and ignored")
    if settings.tracing:
        from .tracing.config import make_tracer

        make_tracer(settings.interface_name)  # a bad configuration stops the start here
    # prometheus_client chooses its storage at import: set multiprocess mode
    # before user code (which may import it) is loaded.
    multiproc.prepare_dir()
    kwargs = parameters.parse(settings.parameters)
    cls = loader.load_class(settings.interface_name)
    obj = loader.instantiate(cls, kwargs, settings.interface_name)
    return Component(obj)


def run_instead(argv: Sequence[str]) -> None:
    """Run the command a user typed after the image name, in place of the server.

    `podman run IMAGE bash -c '...'` (or `python`, `pip list`) hands those words
    to the image's process, which is this server. A first word that is a
    program on PATH, not an option or a model, is run instead, with the
    image's environment: the model's venv first on PATH, MODEL_NAME set.
    """
    if argv and not argv[0].startswith("-"):
        program = shutil.which(argv[0])
        if program and not os.path.exists(argv[0] + ".py"):
            os.execv(program, list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    run_instead(sys.argv[1:] if argv is None else argv)
    try:
        settings = from_args(argv)
    except UnknownArgs as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 255
    except StartupError as exc:  # e.g. GUNICORN_WORKERS=two
        return _failed(exc)
    _configure_logging(settings.log_level)
    try:
        component = prepare(settings)
    except StartupError as exc:
        return _failed(exc)
    from .server import serve

    log.info(
        "Serving %s (%s) on %s:%s, metrics on :%s%s, pid %s",
        settings.interface_name,
        settings.service_type,
        settings.host,
        settings.http_port,
        settings.metrics_port,
        settings.metrics_path,
        os.getpid(),
    )
    try:
        serve(component, settings)
    except StartupError as exc:  # e.g. the gRPC port is taken
        return _failed(exc)
    return 0


def _failed(exc: StartupError) -> int:
    """Print a start-up failure once, without a traceback: exit status 1."""
    print(exc.render(), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
