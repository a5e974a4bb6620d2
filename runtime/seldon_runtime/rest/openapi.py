"""A small OpenAPI 3.0 description of the internal microservice API (`/seldon.json`)."""

from __future__ import annotations

_MESSAGE = {"$ref": "#/components/schemas/SeldonMessage"}


def _post(summary: str, request: dict) -> dict:
    return {
        "post": {
            "summary": summary,
            "requestBody": {"content": {"application/json": {"schema": request}}},
            "responses": {
                "200": {
                    "description": "A SeldonMessage",
                    "content": {"application/json": {"schema": _MESSAGE}},
                }
            },
        }
    }


DOCUMENT = {
    "openapi": "3.0.0",
    "info": {"title": "Seldon External API", "version": "0.1"},
    "paths": {
        "/predict": _post("Run the model", _MESSAGE),
        "/transform-input": _post("Transform a request", _MESSAGE),
        "/transform-output": _post("Transform a response", _MESSAGE),
        "/route": _post("Choose a child of a router", _MESSAGE),
        "/aggregate": _post(
            "Combine the outputs of several children",
            {"type": "array", "items": _MESSAGE},
        ),
        "/send-feedback": _post(
            "Send a reward for an earlier prediction",
            {"$ref": "#/components/schemas/Feedback"},
        ),
    },
    "components": {
        "schemas": {
            "SeldonMessage": {
                "type": "object",
                "properties": {
                    "status": {"type": "object"},
                    "meta": {"type": "object"},
                    "data": {
                        "type": "object",
                        "properties": {
                            "names": {"type": "array", "items": {"type": "string"}},
                            "tensor": {"type": "object"},
                            "ndarray": {"type": "array"},
                            "tftensor": {"type": "object"},
                        },
                    },
                    "binData": {"type": "string", "format": "byte"},
                    "strData": {"type": "string"},
                    "jsonData": {},
                },
            },
            "Feedback": {
                "type": "object",
                "properties": {
                    "request": _MESSAGE,
                    "response": _MESSAGE,
                    "reward": {"type": "number"},
                    "truth": _MESSAGE,
                },
            },
        }
    },
}
