"""seldon-core's custom-error recipe: an exception class and a blueprint that answers it."""

from flask import Blueprint, jsonify


class UserCustomException(Exception):
    status_code = 402

    def __init__(self, message, application_error_code, http_status_code):
        super().__init__(message)
        self.message = message
        self.application_error_code = application_error_code
        self.status_code = http_status_code

    def to_dict(self):
        return {"status": {"status": 1, "info": self.message,
                           "code": self.application_error_code, "reason": "USER_EXCEPTION"}}


model_error_handler = Blueprint("error_handlers", __name__)


@model_error_handler.app_errorhandler(UserCustomException)
def handle_custom_error(error):
    response = jsonify(error.to_dict())
    response.status_code = error.status_code
    response.headers["X-Handled-By"] = "model_error_handler"
    return response


class ErrorHandler:
    def __init__(self):
        self.model_error_handler = model_error_handler

    def predict(self, X, features_names=None):
        if X[0][0] == 1:
            raise UserCustomException("payment required", 1402, 402)
        if X[0][0] == 2:
            raise ValueError("not for the blueprint")
        return X
