"""The model's runtime configuration: which class to serve and how.

Values come from `.s2i/environment` and from the build's environment (for
example `pack build -e` or `seldon-s2i -e/-E`), the latter winning, as with s2i.
As s2i does, every key becomes part of the image's default environment (which
`docker run -e` can still override), except build-only keys (package index
settings, proxies, buildpack settings) and secrets, which never reach the image.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from seldon_detect.envfile import EnvEntry
from seldon_detect.failures import (
    BadPayloadPassthrough,
    ModelFileElsewhere,
    ModelFileMissing,
    ModelNameIsFile,
    ModelNameMisspelled,
    ModelNameNotPython,
    ModelNameNotSet,
    ParametersNotJson,
    ParametersWrongShape,
    UnknownServiceType,
)
from seldon_detect.scribe import has_credentials

SERVICE_TYPES = ("MODEL", "ROUTER", "TRANSFORMER", "OUTPUT_TRANSFORMER", "COMBINER",
                 "OUTLIER_DETECTOR")

#: keys for the build only; never written to the image
BUILD_KEYS = frozenset({
    "EXTRA_INDEX_URL", "INDEX_URL", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST",
    "PIP_FIND_LINKS", "NETRC", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy",
    "https_proxy", "no_proxy", "CONDA_ENV_NAME",
})
BUILD_PREFIXES = ("PIP_", "UV_", "BP_", "CNB_", "CONDA_")

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


#: keys of the process environment the image sets itself; a build's value would break it
PROCESS_KEYS = frozenset({"PATH", "HOME", "HOSTNAME", "USER", "PWD", "SHELL", "LD_LIBRARY_PATH",
                          "PYTHONHOME", "VIRTUAL_ENV", "SERVICE_BINDING_ROOT"})


def is_build_key(key: str) -> bool:
    return key in BUILD_KEYS or key.startswith(BUILD_PREFIXES)


def reaches_image(key: str, value: str) -> bool:
    """Every key but build-only ones, the image's own process keys and secrets."""
    return not is_build_key(key) and key not in PROCESS_KEYS and not is_secret(key, value)


_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|CREDENTIAL", re.I)


def is_secret(key: str, value: str) -> bool:
    """A secret-looking name, or a URL with `user[:password]@` in its value."""
    return bool(_SECRET_NAME.search(key)) or has_credentials(value)


def secret_warnings(s2i_env: list[EnvEntry]) -> list[str]:
    """One warning per committed secret in `.s2i/environment`, naming the key and line.

    s2i bakes every key of that file into the image; we keep secrets out of it
    (build keys are used for the build only, other secrets are dropped), and
    say so, since the value still sits in the repository.
    """
    return [
        f".s2i/environment:{e.line}: {e.key} looks like a secret; it is "
        + ("used for this build only and " if is_build_key(e.key) else "")
        + "not put into the image. Pass it at build time instead (--env/-e or a pip "
        "binding) and remove it from the repository."
        for e in s2i_env
        if is_secret(e.key, e.value)
    ]


@dataclass
class ModelConfig:
    model_name: str
    service_type: str
    #: what the image gets as default environment, sorted by key
    launch_env: dict[str, str] = field(default_factory=dict)
    #: where MODEL_NAME came from, for the log
    model_name_source: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def module(self) -> str:
        return self.model_name.rsplit(".", 1)[0] if "." in self.model_name else self.model_name

    @property
    def class_name(self) -> str:
        return self.model_name.rsplit(".", 1)[-1]


def resolve_model_config(
    app_dir: Path, s2i_env: list[EnvEntry], build_env: Mapping[str, str]
) -> ModelConfig:
    """Merge `.s2i/environment` and the build env, infer and validate the model settings."""
    file_env = {e.key: e.value for e in s2i_env}
    merged = {k: v for k, v in [*file_env.items(), *build_env.items()] if reaches_image(k, v)}
    warnings = secret_warnings(s2i_env) + [
        f"{k} (given to the build) looks like a secret; it is used for this build only and "
        "not put into the image."
        for k, v in sorted(build_env.items()) if not is_build_key(k) and is_secret(k, v)
    ]

    typos = misspelt_settings(s2i_env)
    warnings += [f".s2i/environment:{e.line}: nothing reads {e.key}; did you mean {known}?"
                 for e, known in typos if known != "MODEL_NAME"]
    name = merged.get("MODEL_NAME", "").strip()
    if "MODEL_NAME" in build_env:
        source = "the build environment"
    elif "MODEL_NAME" in file_env:
        source = ".s2i/environment"
    else:
        typo = next((e for e, known in typos if known == "MODEL_NAME"), None)
        if typo:
            raise ModelNameMisspelled(
                f"Line {typo.line} sets {typo.key}={typo.value}, which nothing reads, so the "
                "build does not know which class to serve.",
                location=f".s2i/environment:{typo.line}", key=typo.key)
        name, source = infer_model_name(app_dir), "inferred"
    validate_model_name(app_dir, name, _where("MODEL_NAME", s2i_env, build_env))
    merged["MODEL_NAME"] = name

    service_type = merged.get("SERVICE_TYPE", "MODEL").strip().upper() or "MODEL"
    if service_type not in SERVICE_TYPES:
        raise UnknownServiceType(
            "SERVICE_TYPE must be one of: " + ", ".join(SERVICE_TYPES) + ".",
            location=_where("SERVICE_TYPE", s2i_env, build_env), value=merged["SERVICE_TYPE"])
    merged["SERVICE_TYPE"] = service_type
    if merged.get("PERSISTENCE", "0").strip() not in ("", "0"):
        warnings.append("PERSISTENCE is deprecated and ignored by the runtime (as in seldon-core "
                        "1.x); remove it.")
    passthrough = merged.get("PAYLOAD_PASSTHROUGH")
    if passthrough is not None and passthrough.strip().lower() not in (
        "", "0", "1", "true", "false", "t", "f", "yes", "no"
    ):
        raise BadPayloadPassthrough(
            location=_where("PAYLOAD_PASSTHROUGH", s2i_env, build_env), value=passthrough)
    _validate_parameters(merged.get("PREDICTIVE_UNIT_PARAMETERS"), s2i_env, build_env)
    return ModelConfig(name, service_type, dict(sorted(merged.items())), source, warnings)


#: the settings of `.s2i/environment` that s2i users write by hand, for spotting typos
KNOWN_SETTINGS = ("MODEL_NAME", "SERVICE_TYPE", "API_TYPE", "PERSISTENCE", "PAYLOAD_PASSTHROUGH",
                  "PREDICTIVE_UNIT_PARAMETERS", "EXTRA_INDEX_URL", "PIP_TRUSTED_HOST",
                  "GUNICORN_WORKERS", "GUNICORN_THREADS")


def misspelt_settings(s2i_env: list[EnvEntry]) -> list[tuple[EnvEntry, str]]:
    """Entries whose key is one letter or two away from a known setting: (entry, that setting)."""
    found = []
    for entry in s2i_env:
        if entry.key in KNOWN_SETTINGS:
            continue
        close = difflib.get_close_matches(entry.key, KNOWN_SETTINGS, n=1, cutoff=0.85)
        if close:
            found.append((entry, close[0]))
    return found


def _where(key: str, s2i_env: list[EnvEntry], build_env: Mapping[str, str]) -> str:
    if key in build_env:
        return f"build environment: {key}"
    lines = [e.line for e in s2i_env if e.key == key]
    return f".s2i/environment:{lines[-1]}" if lines else key


def _validate_parameters(
    raw: str | None, s2i_env: list[EnvEntry], build_env: Mapping[str, str]
) -> None:
    import json

    if not raw or not raw.strip():
        return
    where = _where("PREDICTIVE_UNIT_PARAMETERS", s2i_env, build_env)
    try:
        params = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ParametersNotJson(str(err), location=where) from None
    if not isinstance(params, list) or not all(
        isinstance(p, dict) and "name" in p and "value" in p and "type" in p for p in params
    ):
        raise ParametersWrongShape(
            "It must be a list of objects, each with name, value and type.", location=where)


def model_candidates(app_dir: Path) -> list[str]:
    """Top-level `X.py` files that define a top-level `class X`."""
    found = []
    for path in sorted(app_dir.glob("*.py")):
        stem = path.stem
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if f"class {stem}" not in text:
            continue
        try:
            tree = ast.parse(text, filename=path.name)
        except SyntaxError:
            # a broken candidate is still a candidate; the import check names the error
            found.append(stem)
            continue
        if any(isinstance(n, ast.ClassDef) and n.name == stem for n in tree.body):
            found.append(stem)
    return found


def infer_model_name(app_dir: Path) -> str:
    candidates = model_candidates(app_dir)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        cause = ("No MODEL_NAME was given and no file X.py at the top of the repository "
                 "defines a class X.")
    else:
        cause = ("No MODEL_NAME was given and several files could be the model: "
                 + ", ".join(candidates) + ".")
    raise ModelNameNotSet(cause, location=".s2i/environment")


def validate_model_name(app_dir: Path, name: str, location: str = "MODEL_NAME") -> None:
    if name.endswith(".py"):
        module = name[:-3].replace("/", ".")
        raise ModelNameIsFile(
            "MODEL_NAME is the name of the class to serve; the runtime finds its file from it.",
            location=location, name=name,
            suggested=module if "." not in module else f"{module}.<ClassName>")
    if not _DOTTED.match(name):
        raise ModelNameNotPython(
            "It must be a class name (file and class with the same name) or "
            "module.path.ClassName.", location=location, name=name)
    module = name.rsplit(".", 1)[0] if "." in name else name
    rel = Path(*module.split("."))
    _check_not_package_of_file(app_dir, name, rel, location)
    if (app_dir / rel.with_suffix(".py")).is_file() or (app_dir / rel / "__init__.py").is_file():
        return
    if "." in name and (app_dir / rel).is_dir():
        return
    # the module may come from an installed dependency; only warn-worthy, checked at import
    if "." in name:
        return
    nested = _nested_module(app_dir, module)
    if nested:
        raise ModelFileElsewhere(
            "The runtime imports the module from the top of the repository; a file in a folder "
            "is imported by its dotted path.", location=location, path=rel, name=name,
            found=nested, dotted=".".join(nested.with_suffix("").parts) + "." + name)
    candidates = model_candidates(app_dir)
    other_case = [p.stem for p in sorted(app_dir.glob("*.py")) if p.stem.lower() == name.lower()]
    raise ModelFileMissing(
        f"The runtime imports module {module!r} from the application directory, and there is "
        "no such file."
        + (f" {other_case[0]}.py differs only in case: MODEL_NAME={other_case[0]}?"
           if other_case else "")
        + (f" Candidates found: {', '.join(candidates)}." if candidates else ""),
        location=location, path=rel, name=name)


def _nested_module(app_dir: Path, module: str) -> Path | None:
    """`<folder>/.../<module>.py` a few folders down, outside hidden folders and environments."""
    for depth in range(1, 4):
        for path in sorted(app_dir.glob("*/" * depth + f"{module}.py")):
            rel = path.relative_to(app_dir)
            if all(_DOTTED.match(part) and part not in ("venv", "site-packages")
                   for part in rel.parent.parts):
                return rel
    return None


def _check_not_package_of_file(app_dir: Path, name: str, rel: Path, location: str) -> None:
    """MODEL_NAME=models.MyModel names the folder `models`, while the class is in
    models/MyModel.py: the module path misses the file's own name."""
    cls = name.rsplit(".", 1)[-1]
    found = rel / f"{cls}.py"
    if "." not in name or not (app_dir / found).is_file():
        return
    init = app_dir / rel / "__init__.py"
    if init.is_file() and cls in init.read_text(encoding="utf-8", errors="replace"):
        return  # the package imports or defines the class itself
    raise ModelFileElsewhere(
        f"{rel} is a folder, so the runtime imports the package, which does not have {cls}; "
        "the class is in a file of that folder.", location=location, path=rel, name=name,
        found=found, dotted=f"{name}.{cls}")
