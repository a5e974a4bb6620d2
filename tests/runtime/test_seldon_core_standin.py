"""The `seldon_core` stand-in next to seldon-core 1.18.2: same names, same answers.

One script runs twice: with the anchor venv's real seldon-core, and with the
runtime's stand-in (the runtime's own Python, seldon-core absent); its JSON
output must be equal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO

COMPAT = REPO / "runtime" / "seldon_runtime" / "compat"

#: every name model code takes from these modules (seldon-core's examples,
#: servers and components, and its documentation)
NAMES = {
    "seldon_core": ["Storage", "__version__"],
    "seldon_core.user_model": ["SeldonComponent", "SeldonResponse", "SeldonNotImplementedError",
                               "SeldonMicroserviceException"],
    "seldon_core.flask_utils": ["SeldonMicroserviceException", "ANNOTATIONS_FILE"],
    "seldon_core.metrics": ["COUNTER", "GAUGE", "TIMER", "create_counter", "create_gauge",
                            "create_timer", "validate_metrics", "DEFAULT_LABELS",
                            "split_image_tag", "FEEDBACK_KEY", "PREDICT_METRIC_METHOD_TAG"],
    "seldon_core.env_utils": ["NONIMPLEMENTED_MSG", "NONIMPLEMENTED_IMAGE_MSG", "get_model_name",
                              "get_image_name", "get_deployment_name", "get_predictor_name",
                              "get_predictor_version", "ENV_MODEL_NAME"],
    "seldon_core.utils": ["json_to_seldon_message", "seldon_message_to_json", "json_to_feedback",
                          "feedback_to_json", "json_to_seldon_messages", "seldon_messages_to_json",
                          "json_to_seldon_model_metadata", "get_data_from_proto",
                          "grpc_datadef_to_array", "get_meta_from_proto",
                          "array_to_rest_datadef", "array_to_grpc_datadef",
                          "array_to_list_value", "extract_request_parts_json",
                          "extract_request_parts", "extract_feedback_request_parts", "getenv",
                          "getenv_as_bool", "get_request_path"],
    "seldon_core.storage": ["Storage"],
    "seldon_core.microservice": ["PARAMETERS_ENV_NAME", "parse_parameters",
                                 "HTTP_SERVICE_PORT_ENV_NAME", "DEFAULT_HTTP_PORT"],
    "seldon_core.metadata": ["validate_model_metadata", "SeldonInvalidMetadataError"],
    "seldon_core.proto.prediction_pb2": ["SeldonMessage", "DefaultData", "Feedback", "Meta"],
}

SCRIPT = r"""
import importlib, json, os, sys, tempfile
import numpy as np
from google.protobuf.json_format import MessageToDict

names = json.loads(sys.argv[1])
out = {"missing": [f"{m}.{n}" for m, ns in names.items()
                   for n in ns if not hasattr(importlib.import_module(m), n)]}
from seldon_core import Storage, utils as u, env_utils, metrics, microservice, metadata
from seldon_core.user_model import SeldonResponse

def plain(v):
    if isinstance(v, np.ndarray):
        return {"array": v.tolist(), "dtype": v.dtype.kind, "shape": list(v.shape)}
    if hasattr(v, "DESCRIPTOR"):
        return MessageToDict(v)
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, bytes):
        return v.decode("latin-1")
    return v

msgs = [{"data": {"names": ["a", "b"], "tensor": {"shape": [1, 2], "values": [1, 2]}},
         "meta": {"puid": "p", "tags": {"t": 1}}},
        {"data": {"ndarray": [[1, "x"], [2, "y"]]}},
        {"jsonData": {"k": [1, 2]}}, {"strData": "hi"}, {"binData": "AAE="}]
for i, m in enumerate(msgs):
    proto = u.json_to_seldon_message(m)
    out[f"roundtrip{i}"] = u.seldon_message_to_json(proto)
    out[f"data{i}"] = plain(u.get_data_from_proto(proto))
    out[f"parts{i}"] = plain(u.extract_request_parts(proto))
    out[f"partsjson{i}"] = plain(u.extract_request_parts_json(m))
    out[f"meta{i}"] = u.get_meta_from_proto(proto)
arr = np.array([[1.5, 2.0], [3.0, 4.0]])
for kind in ("tensor", "ndarray"):
    out[f"rest_{kind}"] = plain(u.array_to_rest_datadef(kind, arr, ["a", "b"]))
    datadef = u.array_to_grpc_datadef(kind, arr, ["a", "b"])
    out[f"grpc_{kind}"] = plain(datadef)
    out[f"back_{kind}"] = plain(u.grpc_datadef_to_array(datadef))
fb = u.json_to_feedback({"request": msgs[0], "reward": 0.5,
                         "truth": {"data": {"ndarray": [[1]]}}})
out["feedback"] = u.feedback_to_json(fb)
out["feedback_parts"] = plain(u.extract_feedback_request_parts(fb))
out["messages"] = u.seldon_messages_to_json(u.json_to_seldon_messages({"seldonMessages": msgs[:2]}))
out["metadata_proto"] = plain(u.json_to_seldon_model_metadata({"name": "m", "versions": ["1"],
                                                                "extra": 1}))
try:
    u.json_to_seldon_message({"data": {"tensor": "no"}})
except Exception as exc:
    out["bad_json"] = [type(exc).__name__, exc.to_dict()["status"]["reason"]]
out["request_path"] = u.get_request_path()
out["env"] = [env_utils.get_model_name(), env_utils.get_image_name(),
              env_utils.get_predictor_version(), env_utils.get_deployment_name()]
out["getenv"] = [u.getenv("NOPE", "SELDON_TEST_X", default="d"), u.getenv_as_bool("SELDON_TEST_X"),
                 u.getenv_as_bool("NOPE", default=True)]
out["split"] = list(metrics.split_image_tag("repo/img:0.1"))
out["labels"] = {k: metrics.DEFAULT_LABELS[k] for k in ("model_name", "model_image",
                                                        "model_version", "predictor_version")}
out["counter"] = metrics.create_counter("c", 1)
out["valid"] = [metrics.validate_metrics([metrics.create_gauge("g", 2)]),
                metrics.validate_metrics([{"type": "NOPE", "key": "k", "value": 1}])]
out["params"] = microservice.parse_parameters([{"name": "a", "value": "2", "type": "INT"},
                                               {"name": "b", "value": "true", "type": "BOOL"}])
try:
    microservice.parse_parameters([{"name": "a", "value": "x", "type": "INT"}])
except Exception as exc:
    out["bad_param"] = [type(exc).__name__, exc.to_dict()["status"]["reason"]]
out["metadata"] = metadata.validate_model_metadata({"name": "m", "versions": ["1"]})
try:
    metadata.validate_model_metadata({"name": 3})
except metadata.SeldonInvalidMetadataError:
    out["bad_metadata"] = True
resp = SeldonResponse.create([1])
out["response"] = [resp.data, resp.tags, resp.metrics]
src = tempfile.mkdtemp()
open(os.path.join(src, "model.joblib"), "w").write("m")
out["local_noop"] = Storage.download(src) == src and Storage.download("file://" + src) == src
dest = Storage.download("file://" + src, tempfile.mkdtemp())
out["local_linked"] = sorted((f, os.path.islink(os.path.join(dest, f))) for f in os.listdir(dest))
print(json.dumps(out, sort_keys=True))
"""

ENV = {"PREDICTIVE_UNIT_ID": "unit", "PREDICTIVE_UNIT_IMAGE": "repo/img:0.1",
       "PREDICTOR_LABELS": '{"version": "v7"}', "SELDON_TEST_X": "True"}


def _run(python: str, extra_path: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREDICTIVE_", "SELDON_"))}
    env.update(ENV, PYTHONPATH=extra_path)
    out = subprocess.run([python, "-c", SCRIPT, json.dumps(NAMES)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.slow
def test_stand_in_answers_as_seldon_core(seldon_core_venv):
    theirs = _run(str(seldon_core_venv / "bin" / "python"), "")
    assert theirs["missing"] == []
    ours = _run(sys.executable, os.pathsep.join([str(REPO / "runtime"), str(COMPAT)]))
    assert ours["missing"] == []
    differ = {k: (theirs.get(k), ours.get(k)) for k in theirs.keys() | ours.keys()
              if theirs.get(k) != ours.get(k)}
    assert differ == {}


STORAGE = r"""
import os, sys, tempfile, types
from seldon_core import Storage, storage
root = tempfile.mkdtemp()
storage.PVC_ROOT = root
os.makedirs(os.path.join(root, "models", "iris"))
print(Storage.download("pvc://claim/models/iris") == os.path.join(root, "models", "iris"))
try:
    Storage.download("pvc://claim/absent")
except RuntimeError as exc:
    print("pvc:", exc)
for uri in ("s3://bucket/model", "gs://bucket/model"):
    try:
        Storage.download(uri)
    except ModuleNotFoundError as exc:
        print("missing:", exc)
# s3 through a minio client stand-in: listing, keys under the prefix, is_dir skipped
calls = []
class Obj:
    def __init__(self, name, is_dir=False):
        self.object_name, self.is_dir = name, is_dir
class Minio:
    def __init__(self, endpoint, **kw):
        calls.append(("client", endpoint, kw["secure"]))
    def list_objects(self, bucket, prefix, recursive):
        return [Obj(prefix + "/", True), Obj(prefix + "/model.joblib")]
    def fget_object(self, bucket, name, path):
        calls.append(("get", bucket, name, os.path.basename(path)))
sys.modules["minio"] = types.SimpleNamespace(Minio=Minio)
os.environ["AWS_ENDPOINT_URL"] = "https://minio.local:9000"
out = Storage.download("s3://bucket/models/iris")
print(calls, os.path.isdir(out))
"""


def test_storage_backends_and_missing_libraries():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "runtime"), str(COMPAT)])
    out = subprocess.run([sys.executable, "-c", STORAGE], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "True"
    assert lines[1].startswith("pvc:") and "/absent does not exist" in lines[1]
    assert "the 'minio' package" in lines[2] and "add `minio` to requirements.txt" in lines[2]
    assert "add `google-cloud-storage` to requirements.txt" in lines[3]
    assert lines[4] == ("[('client', 'minio.local:9000', True), "
                        "('get', 'bucket', 'models/iris/model.joblib', 'model.joblib')] True")
