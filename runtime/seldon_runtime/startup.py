"""The model server's start-up failures: one kind each, its title and fix written once.

A kind is raised with the facts: the cause, the location and the values its
title and fix name, e.g. `ModelClassMissing(cause, location=path, name=..., cls=..., file=...)`.
They print the way the build tools print their errors (`ERROR: title (location)`,
the cause, `To fix it:`), because they are the same type: `user_errors` is the
build side's `seldon_detect/errors.py` itself (a link in the source tree, a
copy in the wheel), so the runtime imports nothing of the build tools and the
format has one source. docs/troubleshooting.md documents every kind's title;
the docs test reads them from `kinds()`.
"""

from __future__ import annotations

from .user_errors import ErrorKind


class StartupError(ErrorKind):
    """Base of the model server's start-up failures: printed once, then exit status 1."""


#: every start-up failure kind of the model server
kinds = StartupError.kinds
_kind = StartupError.define


# -- numeric settings from the environment ------------------------------------------------------
SettingNotInteger = _kind(
    "SettingNotInteger", "Environment variable {name}={value!r} is not an integer",
    "Give a whole number, or unset the variable to use the default.")
SettingNotNumber = _kind(
    "SettingNotNumber", "Environment variable {name}={value!r} is not a number",
    "Give a number of seconds (e.g. 30 or 2.5), or unset the variable to use the default.")

# -- tracing (JAEGER_CONFIG_PATH) ---------------------------------------------------------------
JaegerConfigUnreadable = _kind(
    "JaegerConfigUnreadable", "Cannot read the Jaeger configuration",
    "Mount the file at {path}, or unset JAEGER_CONFIG_PATH to use the default configuration.")
JaegerConfigNotYaml = _kind(
    "JaegerConfigNotYaml", "The Jaeger configuration is not valid YAML",
    "Fix the file; it holds jaeger-client's keys (sampler, local_agent, ...).")
JaegerConfigNotMapping = _kind(
    "JaegerConfigNotMapping", "The Jaeger configuration is not a mapping",
    "Write it as `sampler:` / `local_agent:` keys.")
JaegerConfigBadValue = _kind(
    "JaegerConfigBadValue", "The Jaeger configuration has a bad value",
    "Check sampler.type (const, probabilistic, ratelimiting), sampler.param and "
    "local_agent.reporting_port.")

# -- PREDICTIVE_UNIT_PARAMETERS -----------------------------------------------------------------
_PARAMETERS_FIX = (
    'Give a JSON list like [{{"name": "alpha", "value": "0.5", "type": "FLOAT"}}].',
    "Valid types are INT, FLOAT, DOUBLE, STRING, BOOL, JSON.",
)
BadParameters = _kind("BadParameters", "Bad model parameters", *_PARAMETERS_FIX)
BadParameter = _kind("BadParameter", "Bad model parameter", *_PARAMETERS_FIX)

# -- the model class (MODEL_NAME) -----------------------------------------------------------------
ModelModuleNotFound = _kind(
    "ModelModuleNotFound", "Cannot find the model module for MODEL_NAME={name}",
    "MODEL_NAME is the file name without .py and the class name (MyModel -> MyModel.py "
    "defining class MyModel), or module.path.ClassName.",
    "Check the spelling and case of MODEL_NAME in .s2i/environment.")
ModelImportFailed = _kind(
    "ModelImportFailed", "The model module for MODEL_NAME={name} failed to import",
    "Fix the error in the model code shown above.")
ModelDependencyMissing = _kind(
    "ModelDependencyMissing", "The model module for MODEL_NAME={name} cannot import a dependency",
    "Add the missing package to requirements.txt (or pin a version that has what the model "
    "imports).")
ModelClassMissing = _kind(
    "ModelClassMissing", "The model class for MODEL_NAME={name} is missing",
    "Define `class {cls}` in {file} (names are case-sensitive), or correct MODEL_NAME.")
ModelServiceUnreachable = _kind(
    "ModelServiceUnreachable", "The model {name} needs a service that is not reachable",
    "Start the service the model uses (the error names its address) and make it reachable "
    "from the container.",
    "Give the model the service's address through the variables it reads (for example "
    "REDIS_SERVICE_HOST), with `-e` or the deployment's env.")
ModelCreationFailed = _kind(
    "ModelCreationFailed", "Creating the model {name} failed",
    "Fix the error at the line shown; the server creates the model at start-up.",
    "A file the constructor opens must exist in the container: a file of the repository (the "
    "image's /workspace) or a mounted volume, at the path the code uses.",
    "The constructor receives each entry of PREDICTIVE_UNIT_PARAMETERS as a keyword argument; "
    "check their names and types.")

# -- serving ------------------------------------------------------------------------------------
GrpcPortTaken = _kind(
    "GrpcPortTaken", "Cannot serve gRPC",
    "Free the port, or choose another with --grpc-port or PREDICTIVE_UNIT_GRPC_SERVICE_PORT.",
    "Or turn gRPC off with --grpc-workers 0 (GRPC_WORKERS=0).")
