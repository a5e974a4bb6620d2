"""Where tracing settings come from: `JAEGER_CONFIG_PATH` (jaeger-client's YAML), else
seldon-core's defaults with `JAEGER_AGENT_HOST`/`JAEGER_AGENT_PORT`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

from ..startup import (
    JaegerConfigBadValue,
    JaegerConfigNotMapping,
    JaegerConfigNotYaml,
    JaegerConfigUnreadable,
)
from .tracer import Tracer, from_config

CONFIG_ENV = "JAEGER_CONFIG_PATH"
EXTRA_TAGS_ENV = "JAEGER_EXTRA_TAGS"
#: seldon-core's configuration when no file is given
DEFAULT = {"sampler": {"type": "const", "param": 1}, "logging": True}


def read_config(env: Mapping[str, str] = os.environ) -> dict[str, Any]:
    path = env.get(CONFIG_ENV)
    if not path:
        return DEFAULT
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise JaegerConfigUnreadable(str(err), location=CONFIG_ENV, path=path) from None
    try:
        data = _load_yaml(text)
    except ValueError as err:
        raise JaegerConfigNotYaml(f"{path}: {err}", location=CONFIG_ENV) from None
    if not isinstance(data, dict):
        raise JaegerConfigNotMapping(f"{path} holds a {type(data).__name__}",
                                     location=CONFIG_ENV)
    return data


def _load_yaml(text: str) -> Any:
    try:
        import yaml
    except ImportError:  # not a runtime dependency; JSON is YAML too
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError("pyyaml is not installed, and the file is not JSON: add "
                             "pyyaml to requirements.txt") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ValueError(str(err)) from None


def extra_tags(env: Mapping[str, str] = os.environ) -> list[str]:
    return [t.strip() for t in env.get(EXTRA_TAGS_ENV, "").split(",") if t.strip()]


def make_tracer(service_name: str, env: Mapping[str, str] = os.environ) -> Tracer:
    try:
        return from_config(service_name, read_config(env), env)
    except (TypeError, ValueError) as err:
        raise JaegerConfigBadValue(str(err), location=env.get(CONFIG_ENV) or CONFIG_ENV) from None
