"""The names model code takes from seldon-core's server module: variable names and ports."""

from __future__ import annotations

import json
from typing import Any

from seldon_runtime.errors import SeldonMicroserviceException
from seldon_runtime.parameters import parse as _parse_text
from seldon_runtime.startup import StartupError

PARAMETERS_ENV_NAME = "PREDICTIVE_UNIT_PARAMETERS"
HTTP_SERVICE_PORT_ENV_NAME = "PREDICTIVE_UNIT_HTTP_SERVICE_PORT"
GRPC_SERVICE_PORT_ENV_NAME = "PREDICTIVE_UNIT_GRPC_SERVICE_PORT"
METRICS_SERVICE_PORT_ENV_NAME = "PREDICTIVE_UNIT_METRICS_SERVICE_PORT"
LOG_LEVEL_ENV = "SELDON_LOG_LEVEL"
DEFAULT_LOG_LEVEL = "INFO"
DEFAULT_GRPC_PORT = 5000
DEFAULT_HTTP_PORT = 9000
DEFAULT_METRICS_PORT = 6000
DEBUG_ENV = "SELDON_DEBUG"


def parse_parameters(parameters: list) -> dict[str, Any]:
    """The typed values of a PREDICTIVE_UNIT_PARAMETERS list (already JSON-decoded)."""
    try:
        return _parse_text(json.dumps(parameters))
    except StartupError as exc:
        raise SeldonMicroserviceException(exc.cause, reason="MICROSERVICE_BAD_PARAMETER") from None
