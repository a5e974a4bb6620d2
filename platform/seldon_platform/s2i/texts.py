"""What `seldon-s2i` prints for `help`, `build --help` and `usage BUILDER`."""

from __future__ import annotations

import textwrap

from seldon_platform.s2i.builders import ACCEPTED
from seldon_platform.s2i.flags import ACCEPT, FLAGS, HELP, MAP, REJECT, Flag

OVERVIEW = f"""\
seldon-s2i: the s2i command line of the Seldon Core docs, building with the
Seldon model buildpacks (no s2i, no Docker daemon, no builder image to pull).

Commands:
  build SRC BUILDER TAG   build the model in SRC into the image TAG
  usage BUILDER           what the builder expects from a model repository
  version                 print the version
  help [COMMAND]          this text, or the flags of a command

BUILDER is any {ACCEPTED} name; it selects our buildpacks.
Run `seldon-s2i build --help` for the flags, and see docs/s2i.md.
"""


def build_help() -> str:
    lines = [
        "Usage: seldon-s2i build SRC BUILDER TAG [flags]",
        "",
        "SRC is a local directory, a local git repository (built as it is on disk) or a",
        "git URL (https://, git://, ssh:// or git@host:path). BUILDER is any",
        f"{ACCEPTED} name. TAG names the image made.",
        "",
        "The build runs `seldon-build build` in this process; the flags translate as follows.",
        "",
        "Flags that do something:",
    ]
    lines += [_flag_line(f, f.does) for f in FLAGS if f.fate in (HELP, MAP)]
    lines += ["", "Flags accepted with nothing to do (an info line says why):"]
    lines += [_flag_line(f, f.why) for f in FLAGS if f.fate == ACCEPT]
    lines += ["", "Flags refused with an error (what they do in s2i):"]
    lines += [_flag_line(f, f.does) for f in FLAGS if f.fate == REJECT]
    lines += [
        "",
        "Mappings: -e K=V -> --env K=V, -E F -> --env-file F, --context-dir, --ref as they are,",
        "-i DIR:/whl -> --wheels DIR, -i DIR:<CA or pip config dir> -> a build-only service",
        "binding, --incremental=false -> --clear-cache, -q -> -q, --loglevel>=2 -> -v.",
    ]
    return "\n".join(lines) + "\n"


def _flag_line(flag: Flag, text: str) -> str:
    spelled = f"-{flag.short}, --{flag.name}" if flag.short else f"    --{flag.name}"
    if not flag.boolean:
        spelled += " VALUE"
    head = f"  {spelled:<34} "
    if len(head) > 37:  # a long flag name gets its text on the next line
        return head.rstrip() + "\n" + textwrap.fill(text, 100, initial_indent=" " * 37,
                                                    subsequent_indent=" " * 37)
    return textwrap.fill(head + text, 100, subsequent_indent=" " * 37)


USAGE = """\
This builder turns a Seldon Core Python model repository into an image that
serves it with the Seldon protocol: REST on port 9000, gRPC on port 5000 and
Prometheus metrics on port 6000.

What the repository holds:
  MyModel.py              a class MyModel with predict(self, X, features_names),
                          or route / aggregate / transform_input / transform_output
                          for the other service types
  requirements.txt        pip requirements, and/or setup.py / pyproject.toml,
                          and/or environment.yml (conda); all that are present
                          are installed, conda first
  .s2i/environment        KEY=VALUE lines configuring the model (below)

Settings (in .s2i/environment, or -e KEY=VALUE on the build command line,
which wins over the file):
  MODEL_NAME              module and class to serve, e.g. MyModel or pkg.mod.MyModel;
                          may be left out when exactly one X.py defines class X
  SERVICE_TYPE            MODEL (default), ROUTER, TRANSFORMER, OUTPUT_TRANSFORMER,
                          COMBINER or OUTLIER_DETECTOR
  PERSISTENCE             accepted for old repositories; the server ignores it
  API_TYPE                accepted for old repositories; REST and gRPC are always served
  PAYLOAD_PASSTHROUGH     true: predict() gets the request body undecoded and
                          returns the response body itself
  PREDICTIVE_UNIT_PARAMETERS
                          JSON list of {"name", "value", "type"} (INT, FLOAT,
                          DOUBLE, STRING, BOOL) passed to the class constructor
  GUNICORN_WORKERS, GUNICORN_THREADS, GRPC_WORKERS, SELDON_LOG_LEVEL, ...
                          the server's own settings, as for seldon-core-microservice

The settings above become the image's default environment, so `docker run -e`
or the SeldonDeployment can still change them.

Build-only settings (used while installing, never stored in the image):
  EXTRA_INDEX_URL         another package index; may carry user:password@, which
                          is kept out of the image and the logs. Pass it with -e
                          rather than committing it in .s2i/environment.
  PIP_TRUSTED_HOST        index host to trust without TLS verification
  PIP_INDEX_URL, PIP_*    any other pip setting

Local wheels: `-i DIR:/whl` installs from the wheels in DIR before any index.

Example:
  seldon-s2i build . seldonio/seldon-core-s2i-python3 my-model:0.1
  podman run --rm --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \\
      -p 9000:9000 my-model:0.1
  curl -s -H 'Content-Type: application/json' \\
       -d '{"data": {"ndarray": [[1.0, 2.0]]}}' http://localhost:9000/api/v1.0/predictions
"""
