"""Launcher rules: process selection, arguments, launch env and exec.d."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from seldon_detect import tomlfile
from seldon_platform.launcher import launch

METADATA = {
    "buildpack-default-process-type": "web",
    "buildpacks": [
        {"id": "a/first", "version": "1", "api": "0.10"},
        {"id": "b/second", "version": "1", "api": "0.10"},
    ],
    "processes": [
        {
            "type": "web",
            "command": ["server"],
            "args": ["--port", "80"],
            "buildpack-id": "b/second",
        },
        {
            "type": "task",
            "command": ["tool", "fixed"],
            "args": ["default"],
            "buildpack-id": "b/second",
            "working-dir": "/tmp",
        },
    ],
}


@pytest.fixture
def image(tmp_path):
    layers = tmp_path / "layers"
    (layers / "config").mkdir(parents=True)
    tomlfile.write(layers / "config" / "metadata.toml", METADATA)
    first = layers / "a_first" / "one"
    (first / "bin").mkdir(parents=True)
    (first / "env").mkdir()
    (first / "env" / "SEARCH.prepend").write_text("first")
    (first / "env" / "SEARCH.delim").write_text(":")
    (first / "env" / "MODE.default").write_text("first-default")
    (first / "env.launch" / "web").mkdir(parents=True)
    (first / "env.launch" / "web" / "WEB_ONLY").write_text("yes")
    second = layers / "b_second" / "two"
    (second / "env.launch").mkdir(parents=True)
    (second / "env.launch" / "SEARCH.prepend").write_text("second")
    (second / "env.launch" / "SEARCH.delim").write_text(":")
    (second / "env.launch" / "MODE.default").write_text("second-default")
    (second / "env.launch" / "FORCED").write_text("buildpack")
    return {
        "CNB_LAYERS_DIR": str(layers),
        "CNB_APP_DIR": str(tmp_path),
        "PATH": "/cnb/process:/usr/bin:/cnb/lifecycle",
    }


def test_default_process_with_its_args(image):
    plan = launch.select(["/cnb/lifecycle/launcher"], image)
    assert plan["type"] == "web"
    assert plan["argv"] == ["server", "--port", "80"]


def test_process_from_entrypoint_name_and_user_args_replace_default_args(image):
    plan = launch.select(["/cnb/process/task", "mine"], image)
    assert plan["argv"] == ["tool", "fixed", "mine"]
    assert plan["working-dir"] == "/tmp"


def test_process_from_cnb_process_type(image):
    plan = launch.select(["/cnb/lifecycle/launcher"], {**image, "CNB_PROCESS_TYPE": "task"})
    assert plan["argv"] == ["tool", "fixed", "default"]


def test_direct_and_shell_user_commands(image):
    assert launch.select(["launcher", "--", "ls", "-l"], image)["argv"] == ["ls", "-l"]
    shell = launch.select(["launcher", "echo $HOME $0 $1", "a", "b"], image)["argv"]
    assert shell[:2] == ["bash", "-c"] and shell[2].endswith('exec bash -c "$@"')
    assert shell[3:] == ["launcher", "echo $HOME $0 $1", "a", "b"]
    # the script sees the later words as $0, $1 ... as with the reference launcher
    done = subprocess.run(shell, capture_output=True, text=True, env={"HOME": "/h",
                                                                      "PATH": "/usr/bin:/bin"})
    assert done.stdout == "/h a b\n"


def test_unknown_or_missing_default_process_is_an_error(image, tmp_path):
    with pytest.raises(launch.LaunchError, match="not found"):
        launch.select(["/cnb/process/nope"], image)
    tomlfile.write(Path(image["CNB_LAYERS_DIR"]) / "config" / "metadata.toml", {"processes": []})
    with pytest.raises(launch.LaunchError, match="no default process"):
        launch.select(["launcher"], image)


def test_launch_env_order_and_platform_vars(image):
    plan = launch.select(["/cnb/process/web"], image)
    env = launch.launch_env(plan, {**image, "FORCED": "user", "MODE": ""})
    assert env["SEARCH"] == "second:first"  # later buildpacks end up in front
    assert env["MODE"] == "first-default"  # the earlier default wins
    assert env["FORCED"] == "buildpack"  # override files beat the user's value
    assert env["WEB_ONLY"] == "yes"
    assert env["PATH"].split(":")[0].endswith("a_first/one/bin")
    assert "/cnb/process" not in env["PATH"] and "/cnb/lifecycle" not in env["PATH"]
    assert "CNB_LAYERS_DIR" not in env
    other = launch.launch_env(launch.select(["/cnb/process/task"], image), image)
    assert "WEB_ONLY" not in other


def test_exec_d_output_on_fd3_sets_variables(image):
    exec_d = Path(image["CNB_LAYERS_DIR"]) / "a_first" / "one" / "exec.d"
    exec_d.mkdir()
    hook = exec_d / "hook"
    hook.write_text('#!/bin/sh\necho "log line"\necho "COMPUTED = \\"from-${MODE}\\"" >&3\n')
    hook.chmod(0o755)
    plan = launch.select(["/cnb/process/web"], image)
    env = launch.launch_env(plan, image)
    launch.run_exec_d(plan, env)
    assert env["COMPUTED"] == "from-first-default"


def test_failing_exec_d_stops_the_launch(image):
    exec_d = Path(image["CNB_LAYERS_DIR"]) / "a_first" / "one" / "exec.d"
    exec_d.mkdir()
    (exec_d / "bad").write_text("#!/bin/sh\nexit 3\n")
    (exec_d / "bad").chmod(0o755)
    plan = launch.select(["/cnb/process/web"], image)
    with pytest.raises(launch.LaunchError, match="exited with 3"):
        launch.run_exec_d(plan, launch.launch_env(plan, image))


def test_main_execs_the_process_in_place(image, tmp_path):
    """The whole launcher in a child process: the process replaces it (same pid)."""
    script = tmp_path / "show"
    script.write_text(
        f"#!{sys.executable}\nimport json, os, sys\n"
        "print(json.dumps([os.getpid(), sys.argv[1:], os.environ.get('WEB_ONLY')]))\n"
    )
    script.chmod(0o755)
    metadata = dict(METADATA, processes=[{"type": "web", "command": [str(script)], "args": ["a"]}])
    tomlfile.write(Path(image["CNB_LAYERS_DIR"]) / "config" / "metadata.toml", metadata)
    code = (
        "import os, sys; print(os.getpid(), flush=True);"
        "from seldon_platform.launcher.launch import main;"
        "sys.exit(main(['/cnb/process/web', 'b']))"
    )
    env = {**os.environ, **image}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    pid_line, result = out.stdout.strip().splitlines()
    pid, argv, web_only = json.loads(result)
    assert pid == int(pid_line)
    assert argv == ["b"] and web_only == "yes"


def test_a_buildpacks_layer_roots_come_before_its_env_files(image):
    """Upstream's launcher adds `bin/` and `lib/` of all of a buildpack's layers, then
    applies their env files: a layer's PATH override sees the later layer's `bin/`."""
    bp = Path(image["CNB_LAYERS_DIR"]) / "a_first"
    (bp / "one" / "env" / "PATH.override").write_text("/only/this")
    (bp / "two" / "bin").mkdir(parents=True)
    env = launch.launch_env(launch.select(["/cnb/process/web"], image), image)
    assert env["PATH"] == "/only/this"


def test_a_relative_command_and_working_dir_are_found_from_the_app_dir(image, tmp_path):
    """Upstream's launcher changes to the app dir, looks the command up there, then
    changes to the process's working dir (relative to the app dir)."""
    (tmp_path / "sub").mkdir()
    script = tmp_path / "serve"
    script.write_text(f"#!{sys.executable}\nimport os\nprint(os.getcwd())\n")
    script.chmod(0o755)
    metadata = dict(METADATA, processes=[
        {"type": "web", "command": ["./serve"], "args": [], "working-dir": "sub"}])
    tomlfile.write(Path(image["CNB_LAYERS_DIR"]) / "config" / "metadata.toml", metadata)
    code = ("import sys; from seldon_platform.launcher.launch import main;"
            "sys.exit(main(['/cnb/process/web']))")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, **image},
                         cwd="/", capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(tmp_path / "sub")
