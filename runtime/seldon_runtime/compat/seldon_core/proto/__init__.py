"""Stand-in for `seldon_core.proto`: the protocol messages of seldon_runtime."""
