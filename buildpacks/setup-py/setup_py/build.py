"""`pip install -e .`: the project's dependencies into the env, its code served from the app dir.

Editable, as the s2i builder did: the code stays in the exported app
directory, so editing a module does not invalidate the environment layer;
only the project files (`setup.py`, `setup.cfg`, `pyproject.toml`) are in
its key.
"""

from __future__ import annotations

from seldon_detect.app import read_s2i_env
from seldon_detect.cnb import pyenv
from seldon_detect.cnb.context import BuildContext
from seldon_detect.cnb.pip import PipRunner, index_settings
from seldon_detect.cnb.result import BuildResult
from seldon_detect.project import find_project
from seldon_detect.scribe import Scribe


def build(ctx: BuildContext, scribe: Scribe) -> BuildResult:
    """Installs into the environment's layer (another buildpack's): no layer of its own."""
    scribe.title(f"{ctx.buildpack.id} {ctx.buildpack.version}")
    project = find_project(ctx.app_dir)
    assert project is not None
    env = pyenv.current()
    if env.reused:
        scribe.info(f"Reusing the installed project: {project.kind} files are unchanged")
        return BuildResult()
    s2i_env = read_s2i_env(ctx.app_dir)
    settings = index_settings(ctx, s2i_env)
    runner = PipRunner(env.python, settings, ctx.bindings)
    with scribe.step(f"pip install -e . ({project.kind})"):
        runner.install(["-e", "."], "pip install -e .", scribe, env.version(), cwd=ctx.app_dir)
    return BuildResult()
