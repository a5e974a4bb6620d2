"""Stand-in for the `seldon_core` package, used only when it is not installed.

Only the modules model code imports are provided; they re-export
seldon_runtime's own classes, so exceptions and responses are recognised.
"""
