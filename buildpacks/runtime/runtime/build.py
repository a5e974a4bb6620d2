"""Install seldon-runtime, check the model imports, scrub build keys, write processes and SBOM."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from runtime.importcheck import check_import
from runtime.processes import processes
from runtime.seldoncore import warn_if_installed
from runtime.standin import install_stand_in
from runtime.wheels import runtime_wheel, wheel_dir
from seldon_detect.app import S2I_ENV_FILE, read_s2i_env
from seldon_detect.cnb import pyenv
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.pip import PipRunner, index_settings
from seldon_detect.cnb.result import BuildResult
from seldon_detect.cnb.sbom import cyclonedx, installed_components
from seldon_detect.envfile import remove_keys
from seldon_detect.errors import UserError
from seldon_detect.indexes import IndexSettings
from seldon_detect.model import is_build_key, resolve_model_config
from seldon_detect.scribe import Scribe


def _install_runtime(ctx: BuildContext, s2i_env: list, env: pyenv.PythonEnv, wheel: Path,
                     scribe: Scribe) -> None:
    """Offline from the bundled wheels when they fit; else with the user's indexes too.

    The bundled dependency wheels are for the stack's Python; another Python (from
    seldon/cpython or a conda env), or pins in the app's requirements, need the indexes.
    """
    settings = index_settings(ctx, s2i_env)
    bundled = [wheel_dir(ctx.buildpack.dir), *settings.wheel_dirs]
    offline = PipRunner(env.python, IndexSettings(wheel_dirs=bundled), ctx.bindings)
    version = env.version()
    tag = "cp" + "".join(version.split(".")[:2])
    if not any(f"-{tag}-" in w.name for w in wheel_dir(ctx.buildpack.dir).glob("*.whl")):
        scribe.info(f"the bundled wheels are not for Python {version}: the runtime's "
                    "dependencies come from the indexes")
    else:
        try:
            offline.install(["--no-index", str(wheel)], "pip install seldon-runtime", scribe,
                            version, echo=False)
            scribe.info("installed from the wheels bundled with this buildpack (no index used)")
            return
        except UserError as err:
            scribe.info(f"bundled wheels are not enough ({err.title}); using the indexes too")
    online = PipRunner(env.python, dataclasses.replace(settings, wheel_dirs=bundled),
                       ctx.bindings)
    online.install([str(wheel)], "pip install seldon-runtime", scribe, version)


def build(ctx: BuildContext, scribe: Scribe) -> BuildResult:
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    env = pyenv.current()
    env_path = ctx.app_dir / S2I_ENV_FILE
    s2i_env = read_s2i_env(ctx.app_dir)
    config = resolve_model_config(ctx.app_dir, s2i_env, ctx.platform_env)
    wheel = runtime_wheel(ctx.buildpack.dir)
    if env.reused:
        scribe.info(f"Reusing the installed runtime ({wheel.name})")
    else:
        with scribe.step(f"pip install {wheel.name}"):
            _install_runtime(ctx, s2i_env, env, wheel, scribe)

    install_stand_in(env.prefix)
    components = installed_components(env.prefix)
    warn_if_installed(components, scribe)
    check_import(env.python, ctx.app_dir, config, scribe)

    if env_path.is_file():
        removed = remove_keys(env_path, {e.key for e in s2i_env if is_build_key(e.key)})
        if removed:
            scribe.info(f"Removed build-only keys from {S2I_ENV_FILE} in the image: "
                        + ", ".join(removed))

    scribe.info("Processes: " + ", ".join(p.type for p in processes()) + " (default: web)")
    return BuildResult(processes=tuple(processes()),
                       launch_sbom=cyclonedx(components, config.model_name))
