"""The stack images as built by `make stacks`: CNB contract, contents and size."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine


def run_in(
    engine, image: str, *cmd: str, extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    return engine.run("run", "--rm", *extra, image, *cmd, check=False, capture=True)


@pytest.mark.parametrize("kind", ["build", "run"])
def test_images_carry_the_cnb_labels_user_and_env(engine, stack_images, kind):
    ref = getattr(stack_images, kind)
    info = engine.image_inspect(ref)
    assert info is not None, f"{ref} was not built"
    config = info["Config"]
    labels = config["Labels"]
    assert labels["io.buildpacks.stack.id"] == "io.seldon.stacks.bookworm"
    assert labels["io.buildpacks.base.distro.name"] == "debian"
    assert labels["io.buildpacks.base.distro.version"] == "12"
    assert labels["io.buildpacks.base.maintainer"]
    assert labels["io.buildpacks.base.homepage"]
    env = dict(e.split("=", 1) for e in config["Env"])
    assert env["CNB_USER_ID"] == "1000" and env["CNB_GROUP_ID"] == "1000"
    assert env["CNB_STACK_ID"] == "io.seldon.stacks.bookworm"
    assert env["PATH"]
    assert config["User"] == "1000:1000"
    assert info["Os"] == "linux" and info["Architecture"]


@pytest.mark.parametrize("kind", ["build", "run"])
def test_python_has_ssl_and_venv_and_the_user_is_cnb(engine, stack_images, kind):
    ref = getattr(stack_images, kind)
    proc = run_in(engine, ref, "sh", "-c",
                  "id -u; id -g; id -un; echo $HOME; test -w /workspace && echo ws-ok; "
                  "/usr/bin/python3 -c 'import ssl, venv, sys; print(sys.version_info[:2])'")
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().split()
    assert lines[:5] == ["1000", "1000", "cnb", "/home/cnb", "ws-ok"]
    assert proc.stdout.decode().strip().endswith("(3, 11)")


def test_run_image_has_no_compiler_no_apt_lists_and_is_small(engine, stack_images):
    proc = run_in(engine, stack_images.run, "sh", "-c",
                  "for c in gcc cc g++ make; do command -v $c && exit 3; done; "
                  "ls /var/lib/apt/lists | grep -v -e '^partial$' -e '^lock$' && exit 4; "
                  "python3 -c 'import venv' 2>/dev/null; echo checked")
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)
    size = engine.image_inspect(stack_images.run)["Size"]
    assert size < 150e6, f"run image is {size / 1e6:.0f} MB, the ceiling is 150 MB"


def test_build_image_compiles_c(engine, stack_images):
    proc = run_in(engine, stack_images.build, "sh", "-c",
                  "printf 'int main(void){return 0;}' > /tmp/a.c "
                  "&& cc /tmp/a.c -o /tmp/a && /tmp/a "
                  "&& python3-config --includes")
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"python3.11" in proc.stdout


def test_venv_made_in_the_build_image_runs_in_the_run_image(engine, stack_images, tmp_path: Path):
    shared = tmp_path / "layers"
    shared.mkdir()
    shared.chmod(0o777)
    mount = ("-v", f"{shared}:/layers")
    made = run_in(engine, stack_images.build, "python3", "-m", "venv", "--without-pip",
                  "/layers/venv", extra=mount)
    assert made.returncode == 0, made.stderr.decode()
    ran = run_in(engine, stack_images.run, "/layers/venv/bin/python", "-c",
                 "import sys, ssl; print(sys.prefix, sys.base_prefix)", extra=mount)
    assert ran.returncode == 0, ran.stderr.decode()
    assert ran.stdout.decode().split() == ["/layers/venv", "/usr"]


def test_run_image_works_with_an_arbitrary_uid(engine, stack_images):
    proc = run_in(engine, stack_images.run, "python3", "-c", "import os; print(os.getuid())",
                  extra=("--user", "123456:0", "--read-only", "--tmpfs", "/tmp"))
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().strip() == "123456"


def test_second_stacks_run_reuses_every_image(engine, stack_images):
    from io import StringIO

    from seldon_detect.scribe import Scribe
    from seldon_platform.stacks import ensure_stacks

    out = StringIO()
    ensure_stacks(engine, Scribe(stream=out))
    text = out.getvalue()
    assert text.count("reused (inputs unchanged)") == 3, text
    assert "building" not in text
