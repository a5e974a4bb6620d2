"""MLServer `MLModel` wrappers running V2Models' logic, written for the comparison tests.

Each wrapper decodes the V2 request the way seldon-runtime's mapping does
(docs/protocols.md), calls the unchanged class and encodes the answer with
MLServer's own codecs, so any difference in the replies comes from the
servers, not from the model code.
"""

import numpy as np
import V2Models
from mlserver import MLModel
from mlserver.codecs import NumpyCodec, StringCodec
from mlserver.types import InferenceRequest, InferenceResponse


def _array(request_input):
    content_type = (request_input.parameters and request_input.parameters.content_type)
    if request_input.datatype == "BYTES" and content_type == "str":
        return np.array(StringCodec.decode_input(request_input), dtype=object)
    return NumpyCodec.decode_input(request_input)


def _output(name, arr):
    arr = np.asarray(arr)
    flat = arr.reshape(-1)
    if arr.dtype.kind in "OU" and flat.size and isinstance(flat[0], str):
        return StringCodec.encode_output(name, list(flat))
    return NumpyCodec.encode_output(name, arr)


class _Wrapper(MLModel):
    cls = None

    async def load(self) -> bool:
        self.obj = self.cls()
        return True

    def features(self, inputs):
        if len(inputs) == 1:
            return _array(inputs[0]), []
        cols = [_array(i).reshape(len(_array(i)), -1) for i in inputs]
        return np.hstack(cols), [i.name for i in inputs]

    def outputs(self, result):
        names = getattr(self.obj, "class_names", None)
        names = names() if callable(names) else names
        if isinstance(result, dict):
            return [_output(k, v) for k, v in result.items()]
        arr = np.asarray(result)
        if names and arr.ndim == 2 and arr.shape[1] == len(names):
            return [_output(n, arr[:, j]) for j, n in enumerate(names)]
        return [_output("output-0", arr)]

    async def predict(self, payload: InferenceRequest) -> InferenceResponse:
        X, names = self.features(payload.inputs)
        outputs = self.outputs(self.obj.predict(X, names))
        if payload.outputs:
            wanted = [o.name for o in payload.outputs]
            outputs = [o for o in outputs if o.name in wanted]
        return InferenceResponse(model_name=self.name, id=payload.id, outputs=outputs)


class Echo(_Wrapper):
    cls = V2Models.Echo


class SumProduct(_Wrapper):
    cls = V2Models.SumProduct


class Words(_Wrapper):
    cls = V2Models.Words

    def features(self, inputs):
        return {i.name: _array(i) for i in inputs}, [i.name for i in inputs]
