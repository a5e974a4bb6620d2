"""Messages as user code receives them.

When the real seldon-core is loaded in the process, user hooks get its own
message classes (copied through the wire bytes), so `isinstance` checks and
`CopyFrom` with them keep working; otherwise they get ours.
"""

from __future__ import annotations

import sys
from typing import Any

from . import messages as pb


def _seldon_core_class(name: str) -> type | None:
    module = sys.modules.get("seldon_core.proto.prediction_pb2")
    cls = getattr(module, name, None) if module is not None else None
    return cls if isinstance(cls, type) and cls is not getattr(pb, name, None) else None


def user_message(proto: Any) -> Any:
    """`proto` (one of ours) as the class user code expects."""
    cls = _seldon_core_class(type(proto).DESCRIPTOR.name)
    return cls.FromString(proto.SerializeToString()) if cls is not None else proto
