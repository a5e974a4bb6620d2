"""How V2 tensors reach a Seldon user class and how its answer becomes V2 outputs.

The request is turned into the SeldonMessage the data plane already serves,
so every hook, tag, metric and raw/rest override behaves as on the Seldon
protocol. The whole mapping (docs/protocols.md repeats it):

| V2 request / reply                    | what the user class sees / returns                  |
| ------------------------------------- | --------------------------------------------------- |
| one input                             | `X` = its array (its shape and dtype), `names` = [] |
| several inputs                        | `X` = the inputs side by side as columns (each      |
|                                       | reshaped to (rows, -1); numpy promotes dtypes),     |
|                                       | `names` = input names (`name:j` for the j-th column |
|                                       | of a multi-column input)                            |
| several inputs, class sets            | `X` = {input name: array}, `names` = input names    |
| `v2_dict_inputs = True`               |                                                     |
| BYTES input                           | object array of `bytes`; of `str` when the input's  |
|                                       | `content_type` parameter is `str`                   |
| request `id`                          | `meta["puid"]`                                      |
| `*_raw` / `*_rest` hooks              | the SeldonMessage above, arrays as lists            |
| result array, 2-D, with `class_names` | one output per column, named by `class_names`       |
| other array / list / scalar           | one output `output-0`                               |
| dict result                           | one output per key                                  |
| str / bytes result                    | one BYTES output `output-0` of shape [1]            |
| `tags()` / SeldonResponse tags        | response `parameters` (non-scalars as JSON text)    |
| `metrics()`                           | Prometheus, as on the Seldon protocol (not in body) |
"""

from __future__ import annotations

import base64
from typing import Any, NamedTuple

import numpy as np

from ..codecs import tftensor
from ..errors import SeldonMicroserviceException
from ..jsonio import dumps
from .tensors import Tensor

DICT_INPUTS_ATTRIBUTE = "v2_dict_inputs"
DEFAULT_OUTPUT = "output-0"


class Output(NamedTuple):
    name: str
    data: np.ndarray


def _columns(t: Tensor) -> np.ndarray:
    arr = t.data
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    return arr.reshape(arr.shape[0], -1)


def features(inputs: list[Tensor], as_dict: bool) -> tuple[Any, list]:
    """(X, names) for the user's method, following the table above."""
    if len(inputs) == 1 and not as_dict:
        return inputs[0].data, []
    names = [t.name for t in inputs]
    if as_dict:
        return {t.name: t.data for t in inputs}, names
    columns = [_columns(t) for t in inputs]
    rows = {c.shape[0] for c in columns}
    if len(rows) > 1:
        raise SeldonMicroserviceException(
            "inputs have different numbers of rows "
            f"({', '.join(f'{t.name}: {c.shape[0]}' for t, c in zip(inputs, columns))}); "
            f"give them the same first dimension, or set {DICT_INPUTS_ATTRIBUTE} = True "
            "on the model class to receive a dict")
    names = []
    for t, c in zip(inputs, columns):
        k = c.shape[1]
        names.extend([t.name] if k == 1 else [f"{t.name}:{j}" for j in range(k)])
    return np.hstack(columns), names


def _listed(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _listed(v) for k, v in value.items()}
    return value


def request_message(X: Any, names: list, request_id: str, raw_hook: bool) -> dict:
    """The SeldonMessage (JSON form) the data plane gets for (X, names)."""
    if isinstance(X, dict):
        msg: dict = {"jsonData": _listed(X) if raw_hook else X}
    else:
        msg = {"data": {"names": names, "ndarray": X.tolist() if raw_hook else X}}
    if request_id:
        msg["meta"] = {"puid": request_id}
    return msg


def _array(value: Any, what: str) -> np.ndarray:
    arr = value if isinstance(value, np.ndarray) else np.asarray(value)
    if arr.dtype.kind == "O" and arr.size and isinstance(arr.reshape(-1)[0], (list, dict)):
        raise SeldonMicroserviceException(
            f"the model's {what} is not a rectangular array: it has no V2 tensor form", 500,
            reason="MICROSERVICE_INTERNAL_ERROR")
    return arr


def _is_default(names: list, n: int) -> bool:
    return names == [f"t:{i}" for i in range(n)]


def _data_outputs(data: dict) -> list[Output]:
    if "tensor" in data:
        tensor = data["tensor"]
        arr = _array(tensor["values"], "result").reshape(tensor["shape"])
    elif "tftensor" in data:
        arr = tftensor.decode(data["tftensor"])
    else:
        arr = _array(data.get("ndarray", []), "result")
    names = data.get("names") or []
    if arr.ndim == 2 and len(names) == arr.shape[1] and not _is_default(names, arr.shape[1]):
        return [Output(str(name), arr[:, j]) for j, name in enumerate(names)]
    return [Output(DEFAULT_OUTPUT, arr)]


def outputs(reply: dict) -> list[Output]:
    """The V2 outputs of a SeldonMessage reply (JSON form)."""
    if "data" in reply:
        return _data_outputs(reply["data"])
    if "jsonData" in reply:
        value = reply["jsonData"]
        if isinstance(value, dict):
            return [Output(str(k), _array(v, f"result {k!r}")) for k, v in value.items()]
        return [Output(DEFAULT_OUTPUT, _array(value, "result"))]
    if "strData" in reply:
        return [Output(DEFAULT_OUTPUT, np.array([reply["strData"]], dtype=object))]
    if "binData" in reply:
        return [Output(DEFAULT_OUTPUT, np.array([base64.b64decode(reply["binData"])],
                                                dtype=object))]
    return []


def parameter_value(value: Any) -> Any:
    """A tag as a V2 parameter: scalars as they are, anything else as JSON text."""
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return dumps(value).decode().rstrip("\n")


def reply_parameters(reply: dict) -> dict:
    meta = reply.get("meta")
    tags = meta.get("tags") if isinstance(meta, dict) else None
    if not isinstance(tags, dict):
        return {}
    return {str(k): parameter_value(v) for k, v in tags.items()}
