"""Command line and environment: every seldon-core-microservice flag and variable.

Flags take their defaults from the same environment variables as
seldon-core. Booleans are parsed properly (`--debug false` is false).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Sequence

from .http.limits import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_HEADER_TIMEOUT,
    DEFAULT_MAX_BODY,
    DEFAULT_MAX_CONNECTIONS,
)
from .parameters import parse_bool
from .startup import SettingNotInteger, SettingNotNumber, StartupError

SERVICE_TYPES = (
    "MODEL",
    "ROUTER",
    "TRANSFORMER",
    "OUTPUT_TRANSFORMER",
    "COMBINER",
    "OUTLIER_DETECTOR",
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_TIMEOUT = 60
DEFAULT_GRACEFUL_TIMEOUT = 20  # below Kubernetes' default terminationGracePeriodSeconds (30)
DEFAULT_BACKLOG = 64


def env_bool(name: str, default: bool = False, env: dict | None = None) -> bool:
    value = (os.environ if env is None else env).get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "t", "yes", "y", "on")


def _env_number(name: str, default, kind: type, failure: type[StartupError]):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return kind(value)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise failure(f"The model server reads {name} as {what}.", name=name,
                      value=value) from None


def _env_int(name: str, default: int | None) -> int | None:
    return _env_number(name, default, int, SettingNotInteger)


def _env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, SettingNotNumber)


def _flag_bool(value: str) -> bool:
    try:
        return parse_bool(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass
class Settings:
    @property
    def model_name(self) -> str:
        """The name V2 and KServe V1 clients address the model by."""
        return self.served_model_name or self.interface_name

    interface_name: str
    service_type: str = "MODEL"
    persistence: int = 0
    parameters: str = "[]"
    log_level: str = "INFO"
    debug: bool = False
    tracing: int = 0
    workers: int = 1
    threads: int = 1
    max_requests: int = 0
    max_requests_jitter: int = 0
    keepalive: int = 2
    single_threaded: int = 0
    http_port: int = 9000
    grpc_port: int = 5000
    metrics_port: int = 6000
    # the protocols beside Seldon's (docs/protocols.md)
    v2: bool = True
    kserve_v1: bool = True
    served_model_name: str = ""
    served_model_version: str = ""
    pidfile: str | None = None
    access_log: bool = False
    grpc_threads: int = 1
    grpc_workers: int = 1
    timeout: int | None = None
    max_body_size: int = DEFAULT_MAX_BODY
    host: str = "0.0.0.0"
    metrics_path: str = "/metrics"
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    backlog: int = DEFAULT_BACKLOG
    graceful_timeout: float = DEFAULT_GRACEFUL_TIMEOUT
    preload: bool = False


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="seldon-runtime",
        description="Serve a Python model with the Seldon Core 1.x microservice protocol.",
    )
    # Optional on the command line so that images can launch without a shell:
    # the MODEL_NAME environment variable (which `podman run -e` overrides) fills it.
    p.add_argument(
        "interface_name",
        nargs="?",
        default=os.environ.get("MODEL_NAME") or None,
        help="Module and class (MyModel) or package.module.Class; default: $MODEL_NAME",
    )
    p.add_argument(
        "--service-type", choices=SERVICE_TYPES, default=os.environ.get("SERVICE_TYPE") or "MODEL"
    )
    p.add_argument(
        "--persistence", nargs="?", type=int, const=1, default=0, help="deprecated, ignored"
    )
    p.add_argument("--parameters", default=os.environ.get("PREDICTIVE_UNIT_PARAMETERS", "[]"))
    p.add_argument("--log-level", type=str.upper, choices=LOG_LEVELS, default="INFO")
    p.add_argument(
        "--debug", nargs="?", type=_flag_bool, const=True, default=env_bool("SELDON_DEBUG")
    )
    p.add_argument("--tracing", nargs="?", type=int, const=1, default=_env_int("TRACING", 0))
    p.add_argument("--workers", type=int, default=_env_int("GUNICORN_WORKERS", 1))
    p.add_argument("--threads", type=int, default=_env_int("GUNICORN_THREADS", 1))
    p.add_argument("--max-requests", type=int, default=_env_int("GUNICORN_MAX_REQUESTS", 0))
    p.add_argument(
        "--max-requests-jitter", type=int, default=_env_int("GUNICORN_MAX_REQUESTS_JITTER", 0)
    )
    p.add_argument("--keepalive", type=int, default=_env_int("GUNICORN_KEEPALIVE", 2))
    p.add_argument("--single-threaded", type=int, default=_env_int("FLASK_SINGLE_THREADED", 0))
    p.add_argument(
        "--http-port", type=int, default=_env_int("PREDICTIVE_UNIT_HTTP_SERVICE_PORT", 9000)
    )
    p.add_argument(
        "--grpc-port", type=int, default=_env_int("PREDICTIVE_UNIT_GRPC_SERVICE_PORT", 5000)
    )
    p.add_argument(
        "--metrics-port", type=int, default=_env_int("PREDICTIVE_UNIT_METRICS_SERVICE_PORT", 6000)
    )
    p.add_argument("--pidfile", default=None, help="pid file of the REST server's master process")
    p.add_argument(
        "--access-log",
        nargs="?",
        type=_flag_bool,
        const=True,
        default=env_bool("GUNICORN_ACCESS_LOG"),
    )
    p.add_argument("--grpc-threads", type=int, default=_env_int("GRPC_THREADS", 1))
    p.add_argument("--grpc-workers", type=int, default=_env_int("GRPC_WORKERS", 1))
    # Other protocols next to Seldon's (docs/protocols.md).
    for flag, env, what in (
        ("--v2", "SELDON_V2_PROTOCOL", "the Open Inference Protocol (V2) on REST and gRPC"),
        ("--kserve-v1", "SELDON_KSERVE_V1_PROTOCOL", "KServe's V1 protocol on the REST port"),
    ):
        p.add_argument(flag, nargs="?", type=_flag_bool, const=True, default=env_bool(env, True),
                       help=f"serve {what}")
    p.add_argument(
        "--served-model-name",
        default=os.environ.get("SELDON_SERVED_MODEL_NAME", ""),
        help="the model's name on V2 and KServe V1 (default: MODEL_NAME)",
    )
    p.add_argument(
        "--served-model-version",
        default=os.environ.get("SELDON_SERVED_MODEL_VERSION", ""),
        help="the model's version on V2 (default: none)",
    )
    # Additions of this runtime.
    p.add_argument(
        "--timeout",
        type=int,
        default=_env_int("GUNICORN_TIMEOUT", None),
        help=f"seconds a request may take before its worker is restarted (default {DEFAULT_TIMEOUT}"
        ", or the seldon.io/rest-timeout annotation)",
    )
    p.add_argument(
        "--max-body-size",
        type=int,
        default=_env_int("SELDON_MAX_BODY_SIZE", DEFAULT_MAX_BODY),
        help="largest accepted request body in bytes; larger ones get 413",
    )
    p.add_argument("--host", default=os.environ.get("SELDON_HOST", "0.0.0.0"))
    _traffic_flags(p)
    return p


def _traffic_flags(p: argparse.ArgumentParser) -> None:
    """Slow clients, overload and shutdown (docs/runtime.md, "Under real traffic")."""
    p.add_argument(
        "--header-timeout", type=float,
        default=_env_float("SELDON_HEADER_TIMEOUT", DEFAULT_HEADER_TIMEOUT),
        help="seconds from a request's first byte to the end of its headers; then it is closed",
    )
    p.add_argument(
        "--body-timeout", type=float,
        default=_env_float("SELDON_BODY_TIMEOUT", DEFAULT_BODY_TIMEOUT),
        help="seconds from the end of a request's headers to the end of its body; then it is"
        " closed (also how long a response may stall while it is sent)",
    )
    p.add_argument(
        "--max-connections", type=int,
        default=_env_int("SELDON_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS),
        help="open connections per REST worker; more are refused",
    )
    p.add_argument(
        "--backlog", type=int, default=_env_int("SELDON_BACKLOG", DEFAULT_BACKLOG),
        help="connections the kernel queues while every REST worker is busy",
    )
    p.add_argument(
        "--graceful-timeout", type=float,
        default=_env_float("SELDON_GRACEFUL_TIMEOUT", DEFAULT_GRACEFUL_TIMEOUT),
        help="seconds a SIGTERM leaves the server to answer what it received before it exits",
    )
    p.add_argument(
        "--preload", nargs="?", type=_flag_bool, const=True, default=env_bool("SELDON_PRELOAD"),
        help="load the model once before the workers fork and share its memory",
    )


class UnknownArgs(Exception):
    def __init__(self, args: Sequence[str]):
        super().__init__(
            f"Unknown args {list(args)}. Note since 1.5.0 this CLI does not take"
            " API type (REST, GRPC)"
        )


def from_args(argv: Sequence[str] | None = None) -> Settings:
    p = parser()
    args, unknown = p.parse_known_args(argv)
    if not args.interface_name:
        p.error("the model class is missing: give it as the first argument or set MODEL_NAME")
    if unknown:
        raise UnknownArgs(unknown)
    values = vars(args)
    values["metrics_path"] = os.environ.get("PREDICTIVE_UNIT_METRICS_ENDPOINT") or "/metrics"
    env_level = os.environ.get("SELDON_LOG_LEVEL")
    if env_level:
        values["log_level"] = env_level.strip().upper()
    if values["single_threaded"]:
        values["threads"] = 1
    return Settings(**values)
