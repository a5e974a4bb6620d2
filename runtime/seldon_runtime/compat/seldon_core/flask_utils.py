from seldon_runtime.errors import SeldonMicroserviceException

__all__ = ["SeldonMicroserviceException"]
