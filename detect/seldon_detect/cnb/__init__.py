"""A small library for writing Cloud Native Buildpacks (Buildpack API 0.10) in Python.

One module per CNB concept, in the spirit of Paketo's packit: `context`
(inputs from the lifecycle), `plan` (build plan in and out), `layers` (layer
directories, `[types]`, metadata and env files), `launch` (processes),
`bindings` (service bindings), `pexec` (running installers with redacted
output), `ids` (buildpack ids on disk) and `entry` (exit codes and error
printing). TOML goes through `seldon_detect.tomlfile`.
"""
