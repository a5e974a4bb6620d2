"""User hooks as the REST transport calls them.

Every raw hook gets the request's JSON value on REST, except
`send_feedback_raw`: seldon-core hands it a `Feedback` message on both
transports, and code written for it reads `feedback.reward` or
`feedback.request.data`. The data plane still answers with the dict or
`SeldonMessage` the hook returns.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from google.protobuf import json_format

from ..component import Component
from ..errors import SeldonMicroserviceException
from ..proto import messages as pb
from ..proto.user import user_message


def feedback_message(body: Any) -> Any:
    """A REST feedback body as a `Feedback` message; a 400 if protobuf refuses it."""
    try:
        return json_format.ParseDict(body, pb.Feedback())
    except (json_format.ParseError, TypeError, ValueError) as exc:
        raise SeldonMicroserviceException(f"Invalid JSON: {exc}") from None


def _feedback_hook(func: Callable) -> Callable:
    return lambda body: func(user_message(feedback_message(body)))


def rest_component(component: Component) -> Component:
    """`component`, with `send_feedback_raw` taking a `Feedback` message as in seldon-core."""
    if component.send_feedback_raw is None:
        return component
    c = copy.copy(component)
    c.send_feedback_raw = _feedback_hook(component.send_feedback_raw)
    return c
