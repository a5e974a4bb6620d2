"""A small library for writing Cloud Native Buildpacks (Buildpack API 0.10) in Python.

One module per CNB concept, in the spirit of Paketo's packit: `context`
(inputs from the lifecycle), `plan` (build plan in and out), `layers` (the
`Layer` type and `<layer>.toml`, shared with the platform's lifecycle), `env`
(a layer's environment as a value), `metadata` (typed layer metadata),
`reuse` (restored layers and the reuse rule), `launch` (processes), `result`
(what `build()` returns and the files written from it), `bindings` (service
bindings), `pexec` (running installers with redacted output), `ids`
(buildpack ids on disk) and `entry` (exit codes, error printing, writing the
result). TOML goes through `seldon_detect.tomlfile`.
"""
