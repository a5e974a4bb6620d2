from seldon_runtime.errors import SeldonMicroserviceException
from seldon_runtime.user_model import SeldonComponent, SeldonNotImplementedError, SeldonResponse

__all__ = [
    "SeldonComponent",
    "SeldonMicroserviceException",
    "SeldonNotImplementedError",
    "SeldonResponse",
]
