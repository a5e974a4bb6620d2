"""docs/ci: the pipelines parse, and build, cache, push and pass the private
index through a pip binding as their README says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from doc_commands import shell_commands, tool_invocations
from docs_support import ROOT, literal_credentials

CI = ROOT / "docs" / "ci"


def github() -> dict:
    return yaml.safe_load((CI / "github-actions.yml").read_text())


def gitlab() -> dict:
    return yaml.safe_load((CI / "gitlab-ci.yml").read_text())


def _flatten(items) -> list[str]:
    """GitLab flattens nested script lists (what YAML anchors produce)."""
    out = []
    for item in items if isinstance(items, list) else [items]:
        out += _flatten(item) if isinstance(item, list) else [item]
    return out


def github_scripts() -> dict[str, str]:
    jobs = github()["jobs"]
    return {
        name: "\n".join(s["run"] for s in job["steps"] if "run" in s) for name, job in jobs.items()
    }


def gitlab_scripts() -> dict[str, str]:
    return {
        name: "\n".join(_flatten(job.get("before_script", [])) + _flatten(job["script"]))
        for name, job in gitlab().items()
        if isinstance(job, dict) and "script" in job
    }


def all_scripts() -> dict[str, str]:
    return {
        **{f"github:{k}": v for k, v in github_scripts().items()},
        **{f"gitlab:{k}": v for k, v in gitlab_scripts().items()},
    }


def test_github_workflow_shape():
    workflow = github()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers
    for name, job in workflow["jobs"].items():
        assert job["runs-on"], name
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{name}: a step runs or uses, not both"


def test_gitlab_pipeline_shape():
    pipeline = gitlab()
    stages = pipeline["stages"]
    jobs = {k: v for k, v in pipeline.items() if isinstance(v, dict) and "script" in v}
    assert jobs
    for name, job in jobs.items():
        assert job["stage"] in stages, name
        assert all(isinstance(line, str) for line in _flatten(job["script"]))


@pytest.mark.parametrize("recipe", ["github", "gitlab"])
def test_both_tools_build_and_the_image_is_pushed(recipe):
    scripts = {k: v for k, v in all_scripts().items() if k.startswith(recipe)}
    text = "\n".join(scripts.values())
    builds = [
        argv
        for tool, argv in tool_invocations(text)
        if tool == "seldon-build" and argv[0] == "build"
    ]
    assert builds, "no seldon-build build"
    packs = [w for w in shell_commands(text) if w[:2] == ["pack", "build"]]
    assert packs and all("--builder" in w for w in packs)
    assert re.search(r"^\s*podman push ", text, re.M), "seldon-build images are pushed with podman"
    assert all("--publish" in w for w in packs), "pack pushes with --publish"


@pytest.mark.parametrize("recipe", ["github", "gitlab"])
def test_private_index_comes_from_ci_secrets_through_a_pip_binding(recipe):
    scripts = {k: v for k, v in all_scripts().items() if k.startswith(recipe)}
    text = "\n".join(scripts.values())
    assert "echo pip >" in text and "pip.conf" in text and "netrc" in text
    for tool, argv in tool_invocations(text):
        if tool == "seldon-build" and argv[0] == "build":
            assert "--binding" in argv
    for words in shell_commands(text):
        if words[:2] == ["pack", "build"]:
            volume = words[words.index("--volume") + 1]
            assert volume.split(":")[1].startswith("/platform/bindings/")
    secrets = "PYPI_TOKEN" in text and ("secrets.PYPI_TOKEN" in _raw(recipe) or recipe == "gitlab")
    assert secrets, "the token is a CI secret"
    assert not literal_credentials(_raw(recipe))


def _raw(recipe: str) -> str:
    return (CI / ("github-actions.yml" if recipe == "github" else "gitlab-ci.yml")).read_text()


def test_caches_are_kept_between_runs():
    steps = github()["jobs"]["seldon-build"]["steps"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert "seldon-build" in cache["with"]["path"]
    assert "requirements.txt" in cache["with"]["key"]
    job = gitlab()["seldon-build"]
    assert job["variables"]["SELDON_BUILD_CACHE"].endswith(job["cache"]["paths"][0].rstrip("/"))
    for words in shell_commands("\n".join(all_scripts().values())):
        if words[:2] == ["pack", "build"]:
            assert "--cache-image" in words


def test_gitlab_cache_folder_is_left_out_of_the_build_source():
    project = (ROOT / "project.toml").read_text()
    folder = gitlab()["seldon-build"]["cache"]["paths"][0]
    assert f'"{folder}"' in project


def test_readme_links_both_recipes():
    readme = (CI / "README.md").read_text()
    for path in CI.glob("*.yml"):
        assert f"({path.name})" in readme
    assert Path(CI / "README.md").is_file()
