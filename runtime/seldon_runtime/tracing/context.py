"""The `uber-trace-id` header: `{trace-id}:{span-id}:{parent-span-id}:{flags}` in hex."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

HEADER = "uber-trace-id"
SAMPLED, DEBUG = 1, 2


@dataclass(frozen=True)
class SpanContext:
    trace_id: int
    span_id: int
    parent_id: int
    flags: int

    @property
    def sampled(self) -> bool:
        return bool(self.flags & SAMPLED)

    def header(self) -> str:
        return f"{self.trace_id:x}:{self.span_id:x}:{self.parent_id:x}:{self.flags:x}"


def parse(value: str | None) -> SpanContext | None:
    """The caller's context, or None for a missing or malformed header (a new trace)."""
    if not value:
        return None
    parts = unquote(value).strip().split(":")
    if len(parts) != 4:
        return None
    try:
        trace_id, span_id, parent_id, flags = (int(p, 16) for p in parts)
    except ValueError:
        return None
    if trace_id == 0 or span_id == 0 or trace_id >> 128 or span_id >> 64:
        return None
    return SpanContext(trace_id, span_id, parent_id, flags)
