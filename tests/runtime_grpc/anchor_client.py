"""Run with the anchor venv's python: seldon-core's generated stubs call a server.

Prints one JSON object per case: the reply as protobuf JSON, or the status code
and details. Used to compare our runtime with seldon-core 1.18.2 field by field.
"""

import json
import sys

import grpc
from google.protobuf import empty_pb2, json_format
from seldon_core.proto import prediction_pb2 as pb
from seldon_core.proto import prediction_pb2_grpc as stubs

MSG = "SeldonMessage"
CASES = [
    ("Model", "Predict", MSG, {"data": {"names": ["a", "b"], "ndarray": [[1, 2]]}}),
    ("Model", "Predict", MSG, {"data": {"tensor": {"shape": [2, 2], "values": [1, 2, 3, 4]}}}),
    ("Model", "Predict", MSG, {"data": {"ndarray": [["a", 1]]}}),
    ("Model", "Predict", MSG, {"strData": "hello", "meta": {"puid": "p1", "tags": {"t": 1}}}),
    ("Model", "Predict", MSG, {"binData": "YWJj"}),
    ("Model", "Predict", MSG, {"jsonData": {"k": [1, 2], "s": "x"}}),
    ("Model", "Predict", MSG, {"jsonData": [1, 2]}),
    ("Model", "Predict", MSG, {"meta": {"metrics": [{"key": "m", "type": "GAUGE", "value": 2}]},
                               "data": {"ndarray": [[1]]}}),
    ("Seldon", "Predict", MSG, {"data": {"tensor": {"shape": [1, 3], "values": [1, 2, 3]}}}),
    ("Generic", "TransformInput", MSG, {"data": {"ndarray": [[1, 2]]}}),
    ("Transformer", "TransformInput", MSG, {"data": {"tensor": {"shape": [1, 1], "values": [3]}}}),
    ("OutputTransformer", "TransformOutput", MSG, {"data": {"ndarray": [[1, 2]]}}),
    ("Router", "Route", MSG, {"meta": {"puid": "r", "tags": {"x": 1}},
                              "data": {"tensor": {"shape": [1, 1], "values": [5]}}}),
    ("Combiner", "Aggregate", "SeldonMessageList", {"seldonMessages": [
        {"meta": {"tags": {"x": 1}}, "data": {"ndarray": [[1, 2]]}},
        {"meta": {"tags": {"y": 2}}, "data": {"ndarray": [[3, 4]]}}]}),
    ("Model", "SendFeedback", "Feedback", {"request": {"data": {"ndarray": [[1, 2]]}},
                                           "response": {"meta": {"routing": {"0": 3}}},
                                           "reward": 0.5}),
    ("Model", "Metadata", "Empty", {}),
    ("Seldon", "ModelMetadata", "SeldonModelMetadataRequest", {"name": "x"}),
    # failures: compared by status only
    ("Model", "Predict", MSG, {}),
    ("Model", "Predict", MSG, {"strData": "fail"}),
    ("Model", "Predict", MSG, {"strData": "forbidden"}),
]


def main(port: str, only_first: int) -> None:
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    grpc.channel_ready_future(channel).result(timeout=60)
    for service, method, cls, body in CASES[: only_first or None]:
        request = empty_pb2.Empty() if cls == "Empty" else json_format.ParseDict(
            body, getattr(pb, cls)())
        stub = getattr(stubs, f"{service}Stub")(channel)
        try:
            reply = getattr(stub, method)(request, timeout=30)
            out = {"reply": json_format.MessageToDict(reply)}
        except grpc.RpcError as err:
            out = {"code": err.code().name, "details": err.details()}
        print(json.dumps({"case": f"{service}/{method} {json.dumps(body)}", **out}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
