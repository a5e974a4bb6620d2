"""Jaeger tracing, as seldon-core's `TRACING=1` does it: spans for REST and gRPC calls,
joined to the caller's trace through `uber-trace-id`, sent to a Jaeger agent over UDP in
the agent's own format (Thrift compact `Agent.emitBatch`). No dependency beyond the
standard library; nothing runs unless tracing is on."""
