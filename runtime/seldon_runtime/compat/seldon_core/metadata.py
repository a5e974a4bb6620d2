"""`validate_model_metadata`, checked by the runtime's own metadata rules."""

from __future__ import annotations

from seldon_runtime.metadata import InvalidMetadata, validate


class SeldonInvalidMetadataError(Exception):
    pass


def validate_model_metadata(data: dict) -> dict:
    """`data` with seldon-core's defaults filled in; raises SeldonInvalidMetadataError."""
    meta = {"name": "", "versions": [], "platform": "", "inputs": [], "outputs": [],
            "custom": {}, **data}
    try:
        validate(meta)
    except (InvalidMetadata, KeyError, TypeError) as exc:
        raise SeldonInvalidMetadataError(str(exc)) from None
    return meta
