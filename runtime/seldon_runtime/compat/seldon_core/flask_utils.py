from seldon_runtime.errors import SeldonMicroserviceException

# The pod annotations seldon-core read (the runtime reads them the same way).
ANNOTATIONS_FILE = "/etc/podinfo/annotations"
ANNOTATION_GRPC_MAX_MSG_SIZE = "seldon.io/grpc-max-message-size"
ANNOTATION_REST_TIMEOUT = "seldon.io/rest-timeout"
DEFAULT_ANNOTATION_REST_TIMEOUT = 5000

__all__ = [
    "ANNOTATIONS_FILE",
    "ANNOTATION_GRPC_MAX_MSG_SIZE",
    "ANNOTATION_REST_TIMEOUT",
    "DEFAULT_ANNOTATION_REST_TIMEOUT",
    "SeldonMicroserviceException",
]
