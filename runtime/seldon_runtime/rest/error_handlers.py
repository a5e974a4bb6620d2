"""A model's `model_error_handler` Flask blueprint, as seldon-core honours it on REST.

seldon-core registers that blueprint on its Flask app, so the model's
`app_errorhandler` functions answer the exceptions they were registered for.
The runtime has no Flask on its request path; when a model brings such a
blueprint (and so has Flask installed), it is registered on a private Flask
app that is used only to answer a failed request: Flask finds the handler
for the exception and builds the response as it would have in seldon-core.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

log = logging.getLogger(__name__)

ATTRIBUTE = "model_error_handler"


class Answer(NamedTuple):
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class BlueprintErrors:
    """Answers exceptions with the handlers of one Flask blueprint."""

    def __init__(self, blueprint: Any):
        import flask

        self._app = flask.Flask("seldon_runtime.model_error_handler")
        self._app.register_blueprint(blueprint)

    def answer(self, exc: Exception, environ: dict) -> Answer | None:
        """The blueprint's response to `exc`, or None when it has no handler for it."""
        with self._app.request_context(environ):
            try:
                reply = self._app.handle_user_exception(exc)
            except Exception as failure:  # noqa: BLE001 - the usual error body answers instead
                if failure is not exc:
                    log.exception("model_error_handler failed on %r", exc)
                return None
            response = self._app.make_response(reply)
            return Answer(response.status_code, list(response.headers.items()),
                          response.get_data())


def from_model(obj: Any) -> BlueprintErrors | None:
    """The model's blueprint handlers, if it has a `model_error_handler` blueprint."""
    blueprint = getattr(obj, ATTRIBUTE, None)
    if blueprint is None:
        return None
    if not type(blueprint).__module__.startswith("flask"):
        log.warning("%s is a %s, not a Flask Blueprint: ignored", ATTRIBUTE,
                    type(blueprint).__name__)
        return None
    return BlueprintErrors(blueprint)
