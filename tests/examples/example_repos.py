"""What the example tests need to know about `examples/`, in one place.

Everything here follows the seldon-core 1.x contract as documented (how
`.s2i/environment` is read, how MODEL_NAME is resolved, how parameters are
converted), written independently of the runtime so the examples are
checked against the contract rather than against our own server.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any, Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

#: every example the project promises, with its service type
EXPECTED = {
    "sklearn-iris": "MODEL",
    "numpy-setup-py": "MODEL",
    "conda-env": "MODEL",
    "combined": "MODEL",
    "subpackage": "MODEL",
    "wheel-folder": "MODEL",
    "private-index": "MODEL",
    "parameters": "MODEL",
    "metrics-tags": "MODEL",
    "router": "ROUTER",
    "transformer": "TRANSFORMER",
    "output-transformer": "OUTPUT_TRANSFORMER",
    "combiner": "COMBINER",
    "outlier-detector": "OUTLIER_DETECTOR",
    "raw-model": "MODEL",
    "passthrough": "MODEL",
}

#: example folder -> the sub-folder holding the source of the wheel it needs
WHEEL_SOURCES = {"wheel-folder": "wheel-src", "private-index": "index-src"}

#: for each service type, the methods of which the class needs at least one
SERVICE_METHODS = {
    "MODEL": ("predict", "predict_raw"),
    "ROUTER": ("route", "route_raw"),
    "TRANSFORMER": ("transform_input", "transform_input_raw"),
    "OUTPUT_TRANSFORMER": ("transform_output", "transform_output_raw"),
    "COMBINER": ("aggregate", "aggregate_raw"),
    "OUTLIER_DETECTOR": ("score",),
}

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TRUE = {"y", "yes", "t", "true", "on", "1"}
_FALSE = {"n", "no", "f", "false", "off", "0"}


def parse_s2i_environment(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines the way s2i does: no quoting, `#` lines and blanks skipped."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not _KEY.match(key):
            raise ValueError(f"{path}:{number}: expected KEY=VALUE, got {line!r}")
        if key in values:
            raise ValueError(f"{path}:{number}: {key} is set twice")
        values[key] = value
    return values


def model_file(example: Path, model_name: str) -> Path:
    """The file Seldon imports for MODEL_NAME (`X` -> X.py, `a.b.C` -> a/b.py)."""
    if "." not in model_name:
        return example / f"{model_name}.py"
    module = model_name.rsplit(".", 1)[0].replace(".", "/")
    plain = example / f"{module}.py"
    return plain if plain.exists() else example / module / "__init__.py"


def convert_parameters(raw: str) -> dict[str, Any]:
    """PREDICTIVE_UNIT_PARAMETERS -> keyword arguments, with seldon-core's type table."""
    kwargs: dict[str, Any] = {}
    for item in json.loads(raw):
        name, value, kind = item["name"], item["value"], item["type"]
        if kind == "INT":
            kwargs[name] = int(value)
        elif kind in ("FLOAT", "DOUBLE"):
            kwargs[name] = float(value)
        elif kind == "STRING":
            kwargs[name] = str(value)
        elif kind == "BOOL":
            text = str(value).lower()
            if text not in _TRUE | _FALSE:
                raise ValueError(f"parameter {name}: {value!r} is not a boolean")
            kwargs[name] = text in _TRUE
        else:
            raise ValueError(f"parameter {name}: unknown type {kind}")
    return kwargs


@contextlib.contextmanager
def imported_class(
    example: Path, model_name: str, extra_paths: tuple[Path, ...] = ()
) -> Iterator[type]:
    """Import the user class as seldon-core would, then forget every module it brought in."""
    before = set(sys.modules)
    paths = [str(example), *map(str, extra_paths)]
    sys.path[:0] = paths
    # no __pycache__ in examples/: image builds of the same folders must stay reproducible
    writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        if "." in model_name:
            module_name, class_name = model_name.rsplit(".", 1)
        else:
            module_name = class_name = model_name
        module = importlib.import_module(module_name)
        yield getattr(module, class_name)
    finally:
        sys.dont_write_bytecode = writes_bytecode
        for path in paths:
            sys.path.remove(path)
        # third-party modules (numpy, sklearn) stay loaded; only the example's own go.
        # Decide for all before deleting any: a namespace package's __path__ needs its parent.
        ours = [name for name in set(sys.modules) - before if _comes_from(sys.modules[name], paths)]
        for name in ours:
            del sys.modules[name]


def _comes_from(module: Any, paths: list[str]) -> bool:
    origins = [getattr(module, "__file__", None) or "", *getattr(module, "__path__", [])]
    return any(origin.startswith(path) for origin in origins for path in paths)


def decode_data(message: dict) -> tuple[np.ndarray, list[str]]:
    """The (X, names) a high-level method receives for a `data` payload."""
    data = message["data"]
    if "tensor" in data:
        tensor = data["tensor"]
        X = np.array(tensor["values"]).reshape(tensor["shape"])
    else:
        X = np.array(data["ndarray"])
    return X, list(data.get("names", []))


def fenced_blocks(markdown: str, language: str) -> list[str]:
    """Bodies of the ```<language> blocks of a markdown text, in order."""
    return re.findall(rf"^```{language}\n(.*?)^```", markdown, flags=re.S | re.M)


def readme_response(example: Path) -> Any:
    """The expected response a README shows: its last json block."""
    blocks = fenced_blocks((example / "README.md").read_text(), "json")
    if not blocks:
        raise AssertionError(f"{example.name}/README.md has no ```json block")
    return json.loads(blocks[-1])
