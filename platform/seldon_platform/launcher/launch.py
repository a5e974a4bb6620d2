"""Start a process of the image the way the CNB launcher does.

Selection: `/cnb/process/<type>` (argv[0]), else `CNB_PROCESS_TYPE`, else
`launcher -- CMD ARGS` (direct), else `launcher CMD...` (through bash, with
`profile.d` scripts), else the default process. The environment comes from
the launch layers in buildpack order, then exec.d programs; the process then
replaces the launcher (`execve`), so signals reach it directly.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any, Mapping, MutableMapping, Sequence

from seldon_detect import tomlfile
from seldon_detect.cnb.ids import escape_id

from ..lifecycle import envfiles
from ..lifecycle.api import api_at_least

PROCESS_DIR = "/cnb/process"
LIFECYCLE_DIR = "/cnb/lifecycle"
#: variables that describe the platform to the launcher and are not passed on
PLATFORM_VARS = (
    "CNB_LAYERS_DIR",
    "CNB_APP_DIR",
    "CNB_PROCESS_TYPE",
    "CNB_PLATFORM_API",
    "CNB_DEPRECATION_MODE",
)
EXIT_NO_PROCESS = 82
EXIT_EXEC_D = 83
EXIT_EXEC = 84


class LaunchError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str]) -> int:
    try:
        plan = select(argv, os.environ)
        env = launch_env(plan, os.environ)
        run_exec_d(plan, env)
        # as upstream: the command is looked up from the app dir, then the working dir
        # (relative to the app dir) is entered
        os.chdir(plan["app"])
        command = plan["argv"]
        executable = os.path.abspath(
            shutil.which(command[0], path=env.get("PATH")) or command[0])
        os.chdir(plan["working-dir"])
        os.execve(executable, command, env)
    except LaunchError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return err.code
    except OSError as err:
        print(f"ERROR: cannot start the process: {err}", file=sys.stderr)
        return EXIT_EXEC
    return EXIT_EXEC  # execve only returns by raising


def select(argv: Sequence[str], environ: Mapping[str, str]) -> dict[str, Any]:
    """What to run: `argv` (full command line), process `type` or None, `working-dir`, dirs."""
    layers = Path(environ.get("CNB_LAYERS_DIR", "/layers"))
    app = environ.get("CNB_APP_DIR", "/workspace")
    metadata = tomlfile.read(layers / "config" / "metadata.toml")
    processes = {p["type"]: p for p in metadata.get("processes", [])}
    apis = {bp["id"]: bp.get("api", "0.10") for bp in metadata.get("buildpacks", [])}
    base = {"layers": layers, "app": app, "buildpacks": metadata.get("buildpacks", [])}
    user_args = list(argv[1:])
    ptype = None
    if Path(argv[0]).parent == Path(PROCESS_DIR):
        ptype = Path(argv[0]).name
    elif environ.get("CNB_PROCESS_TYPE"):
        ptype = environ["CNB_PROCESS_TYPE"]
    elif user_args and user_args[0] == "--":
        if len(user_args) < 2:
            raise LaunchError(EXIT_NO_PROCESS, "`--` must be followed by a command")
        return {**base, "type": None, "argv": user_args[1:], "working-dir": app}
    elif user_args:
        return {
            **base,
            "type": None,
            "argv": shell_command(layers, app, user_args),
            "working-dir": app,
        }
    else:
        ptype = metadata.get("buildpack-default-process-type") or None
        if ptype is None:
            raise LaunchError(
                EXIT_NO_PROCESS, "when there is no default process a command is required"
            )
    if ptype not in processes:
        known = ", ".join(sorted(processes)) or "none"
        raise LaunchError(EXIT_NO_PROCESS, f"process type {ptype!r} not found (known: {known})")
    proc = processes[ptype]
    args = list(proc.get("args", []))
    if user_args:
        replace = api_at_least(apis.get(proc.get("buildpack-id", ""), "0.10"), "0.9")
        args = user_args if replace else args + user_args
    return {
        **base,
        "type": ptype,
        "argv": [*proc["command"], *args],
        "working-dir": proc.get("working-dir") or app,
    }


def shell_command(layers: Path, app: str, user_args: list[str]) -> list[str]:
    """`bash -c` that sources launch layers' profile.d scripts and `<app>/.profile` first.

    As in the reference launcher, the first user argument is the script and the
    others are its positional parameters (`launcher 'echo $1' hi`).
    """
    scripts = [str(p) for p in sorted(layers.glob("*/*/profile.d/*")) if p.is_file()]
    scripts.append(f"{app}/.profile")
    sources = "".join(f"[ -f {shlex.quote(s)} ] && . {shlex.quote(s)}; " for s in scripts)
    return ["bash", "-c", sources + 'exec bash -c "$@"', "launcher", *user_args]


def layer_dirs_by_buildpack(plan: Mapping[str, Any]) -> list[list[Path]]:
    """Each buildpack's launch layer directories (buildpack order), sorted by name."""
    out = []
    for bp in plan["buildpacks"]:
        bp_dir = plan["layers"] / escape_id(bp["id"])
        if bp_dir.is_dir():
            out.append(sorted(p for p in bp_dir.iterdir() if p.is_dir()))
    return out


def layer_dirs(plan: Mapping[str, Any]) -> list[Path]:
    """Launch layer directories in buildpack order, then by layer name."""
    return [layer for layers in layer_dirs_by_buildpack(plan) for layer in layers]


def launch_env(plan: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in environ.items() if k not in PLATFORM_VARS}
    path = [
        p for p in env.get("PATH", "").split(os.pathsep) if p not in (PROCESS_DIR, LIFECYCLE_DIR)
    ]
    env["PATH"] = os.pathsep.join(path)
    # as upstream's launcher: per buildpack, the roots of all its layers, then their env files
    for layers in layer_dirs_by_buildpack(plan):
        for layer in layers:
            envfiles.prepend_path(env, "PATH", layer / "bin")
            envfiles.prepend_path(env, "LD_LIBRARY_PATH", layer / "lib")
        for layer in layers:
            envfiles.apply_dir(env, layer / "env")
            envfiles.apply_dir(env, layer / "env.launch")
            if plan["type"]:
                envfiles.apply_dir(env, layer / "env.launch" / plan["type"])
    return env


def run_exec_d(plan: Mapping[str, Any], env: MutableMapping[str, str]) -> None:
    """Run exec.d programs; each prints `NAME = "value"` TOML on fd 3 to set variables."""
    dirs = [layer / "exec.d" for layer in layer_dirs(plan)]
    if plan["type"]:
        dirs += [layer / "exec.d" / plan["type"] for layer in layer_dirs(plan)]
    for directory in dirs:
        if not directory.is_dir():
            continue
        for program in sorted(p for p in directory.iterdir() if p.is_file()):
            env.update(_exec_d(program, plan["app"], env))


def _exec_d(program: Path, app: str, env: Mapping[str, str]) -> dict[str, str]:
    import subprocess

    read_fd, write_fd = os.pipe()
    try:
        proc = subprocess.Popen(
            [str(program)],
            cwd=app,
            env=dict(env),
            pass_fds=(write_fd, 3),
            preexec_fn=lambda: os.dup2(write_fd, 3),
        )
    except OSError as err:
        os.close(read_fd)
        os.close(write_fd)
        raise LaunchError(EXIT_EXEC_D, f"exec.d program {program} cannot run: {err}") from err
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        output = pipe.read().decode("utf-8")
    if proc.wait() != 0:
        raise LaunchError(EXIT_EXEC_D, f"exec.d program {program} exited with {proc.returncode}")
    try:
        data = tomlfile.loads(output)
    except tomlfile.TOMLDecodeError as err:
        raise LaunchError(
            EXIT_EXEC_D, f"exec.d program {program} wrote invalid TOML: {err}"
        ) from err
    return {str(k): str(v) for k, v in data.items()}
