"""The s2i command lines of the Seldon docs (the seed), with `s2i` replaced by `seldon-s2i`.

Each is copied verbatim, placeholders included: translation reads no files and
touches no network, so `<src-folder>` is just a local path to it and the GitHub
URL is passed on untouched.
"""

from __future__ import annotations

import shlex

import pytest

from seldon_platform.s2i.translate import BuildPlan, Help, Usage, translate

BUILDER = "seldonio/seldon-core-s2i-python3:1.11.0-dev"

SEED_BUILDS = {
    # the general form
    "seldon-s2i build <src-folder> seldonio/seldon-core-s2i-python3:1.11.0-dev <my-image-name>":
        ["build", "<src-folder>", "-t", "<my-image-name>"],
    # the template model straight from GitHub
    "seldon-s2i build https://github.com/seldonio/seldon-core.git "
    "--context-dir=wrappers/s2i/python/test/model-template-app "
    "seldonio/seldon-core-s2i-python3:1.11.0-dev seldon-core-template-model":
        ["build", "https://github.com/seldonio/seldon-core.git", "-t",
         "seldon-core-template-model", "--context-dir",
         "wrappers/s2i/python/test/model-template-app"],
    # the same from a clone
    "seldon-s2i build wrappers/s2i/python/test/model-template-app "
    "seldonio/seldon-core-s2i-python3:1.11.0-dev seldon-core-template-model":
        ["build", "wrappers/s2i/python/test/model-template-app", "-t",
         "seldon-core-template-model"],
    # a private index with credentials in the URL
    "seldon-s2i build \\\n"
    "   -e EXTRA_INDEX_URL=https://<pypi-user>:<pypi-auth>@mypypi.example.com/simple \\\n"
    "   -e PIP_TRUSTED_HOST=mypypi.example.com \\\n"
    "   <src-folder> \\\n"
    "   seldonio/seldon-core-s2i-python3:1.11.0-dev \\\n"
    "   <my-image-name>":
        ["build", "<src-folder>", "-t", "<my-image-name>",
         "--env", "EXTRA_INDEX_URL=https://<pypi-user>:<pypi-auth>@mypypi.example.com/simple",
         "--env", "PIP_TRUSTED_HOST=mypypi.example.com"],
    # a local wheel folder
    "seldon-s2i build -i <python-wheel-folder>:/whl <src-folder> "
    "seldonio/seldon-core-s2i-python3:1.11.0-dev <my-image-name>":
        ["build", "<src-folder>", "-t", "<my-image-name>", "--wheels", "<python-wheel-folder>"],
    # how seldon-core's own builder test calls s2i (wrappers/s2i/python/test/run)
    "seldon-s2i build --incremental=true --pull-policy=never test/model-template-app "
    "seldonio/seldon-core-s2i-python3:1.11.0-dev model-template-app":
        ["build", "test/model-template-app", "-t", "model-template-app"],
}


def _argv(command: str) -> list[str]:
    # a shell drops each backslash-newline; shlex would keep the newline as a word
    words = shlex.split(command.replace("\\\n", " "))
    assert words[0] == "seldon-s2i"
    return words[1:]


@pytest.mark.parametrize("command", SEED_BUILDS, ids=range(len(SEED_BUILDS)))
def test_seed_build_command_translates(command):
    plan = translate(_argv(command))
    assert isinstance(plan, BuildPlan)
    assert plan.argv == SEED_BUILDS[command]
    assert plan.injections == []
    assert any(BUILDER in note for note in plan.notes)


def test_seed_pull_policy_is_accepted_with_a_reason():
    plan = translate(_argv(next(c for c in SEED_BUILDS if "--pull-policy" in c)))
    assert any(n.startswith("--pull-policy: Nothing is pulled") for n in plan.notes)


def test_seed_usage_command():
    plan = translate(_argv("seldon-s2i usage seldonio/seldon-core-s2i-python3:1.11.0-dev"))
    assert isinstance(plan, Usage)
    assert plan.builder.name == BUILDER
    assert plan.notes == []


def test_seed_build_help_command():
    assert translate(_argv("seldon-s2i build --help")) == Help("build")
