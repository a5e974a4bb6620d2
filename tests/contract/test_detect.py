"""bin/detect of every buildpack: exit codes, plan TOML, errors with file and line."""

from __future__ import annotations

import pytest

from tests.contract.lifecycle import DETECT_FAIL, DETECT_PASS

ALL = ["seldon/s2i-environment", "seldon/conda-environment", "seldon/python-venv",
       "seldon/pip-requirements", "seldon/setup-py", "seldon/runtime"]


def _passing(lc) -> dict[str, int]:
    return {bp: lc.detect(bp).returncode for bp in ALL}


def test_empty_app(make_app, lifecycle):
    lc = lifecycle(make_app({}))
    assert _passing(lc) == {
        "seldon/s2i-environment": DETECT_PASS, "seldon/conda-environment": DETECT_FAIL,
        "seldon/python-venv": DETECT_PASS, "seldon/pip-requirements": DETECT_FAIL,
        "seldon/setup-py": DETECT_FAIL, "seldon/runtime": DETECT_PASS,
    }


def test_conda_app_switches_the_env_provider(make_app, lifecycle):
    lc = lifecycle(make_app({"environment.yml": "dependencies:\n  - python=3.11\n",
                             "requirements.txt": "tinydep\n"}))
    codes = _passing(lc)
    assert codes["seldon/conda-environment"] == DETECT_PASS
    assert codes["seldon/python-venv"] == DETECT_FAIL
    assert codes["seldon/pip-requirements"] == DETECT_PASS


def test_plans(make_app, lifecycle):
    lc = lifecycle(make_app({"requirements.txt": "-r more.txt\n", "more.txt": "tinydep\n",
                             "setup.py": "from setuptools import setup\nsetup(name='m')\n"}))
    s2i = lc.detect("seldon/s2i-environment").plan
    assert s2i["provides"] == [{"name": "seldon-model"}]
    assert s2i["or"] == [{}]  # still usable when nothing requires the model config
    venv = lc.detect("seldon/python-venv").plan
    assert venv["provides"] == [{"name": "python-env"}]
    pip = lc.detect("seldon/pip-requirements").plan
    (req,) = pip["requires"]
    assert req["name"] == "python-env" and "provides" not in pip
    assert set(req["metadata"]) == {"requirements", "requirements-index",
                                    "requirements-installer"}
    setup = lc.detect("seldon/setup-py").plan
    assert setup["requires"][0]["metadata"]["project-kind"] == "setup.py"
    runtime = lc.detect("seldon/runtime").plan
    assert [r["name"] for r in runtime["requires"]] == ["python-env", "seldon-model"]
    assert runtime["requires"][0]["metadata"]["runtime"].startswith("seldon_runtime-")


def test_nested_requirement_change_changes_the_key(make_app, lifecycle):
    app = make_app({"requirements.txt": "-r more.txt\n", "more.txt": "tinydep\n"})
    lc = lifecycle(app)
    first = lc.detect("seldon/pip-requirements").plan["requires"][0]["metadata"]
    (app / "more.txt").write_text("tinydep==1.0\n")
    second = lc.detect("seldon/pip-requirements").plan["requires"][0]["metadata"]
    assert first["requirements"] != second["requirements"]
    assert first["requirements-index"] == second["requirements-index"]


def test_index_password_changes_nothing_in_the_plan(make_app, lifecycle, tmp_path):
    app = make_app({"requirements.txt": "tinydep\n"})
    first = lifecycle(app, env={"EXTRA_INDEX_URL": "https://u:one@pypi.example/simple"})
    one = first.detect("seldon/pip-requirements").plan
    (first.platform / "env" / "EXTRA_INDEX_URL").write_text("https://u:two@pypi.example/simple")
    two = first.detect("seldon/pip-requirements").plan
    assert one == two
    assert "one" not in str(one)


@pytest.mark.parametrize("files, location, words", [
    ({"requirements.txt": "numpy\nnot a valid ! spec\n"}, "requirements.txt:2",
     "Invalid requirement"),
    ({"requirements.txt": "-r missing.txt\n"}, "requirements.txt:1", "nested requirements"),
    ({"requirements.txt": "-r b.txt\n", "b.txt": "-r requirements.txt\n"}, "requirements.txt",
     "loop"),
])
def test_broken_requirements_are_errors_with_location(make_app, lifecycle, files, location,
                                                       words):
    run = lifecycle(make_app(files)).detect("seldon/pip-requirements")
    assert run.returncode == 1
    assert location in run.output and words in run.output
    assert "Traceback" not in run.output


def test_broken_environment_yml_is_an_error(make_app, lifecycle):
    run = lifecycle(make_app({"environment.yml": "dependencies:\n  - numpy\n - bad\n"})) \
        .detect("seldon/conda-environment")
    assert run.returncode == 1
    assert "environment.yml:3" in run.output and "not valid YAML" in run.output


def test_positional_arguments_work_without_cnb_variables(make_app, lifecycle):
    """Older platforms pass only `detect <platform> <plan>`."""
    import subprocess

    lc = lifecycle(make_app({"requirements.txt": "tinydep\n"}))
    plan = lc.layers.parent / "positional-plan.toml"
    plan.write_text("")
    bp = lc.bp_dir("seldon/pip-requirements")
    env = {"PATH": "/usr/bin:/bin", "CNB_BUILDPACK_DIR": str(bp)}
    proc = subprocess.run([str(bp / "bin" / "detect"), str(lc.platform), str(plan)],
                          cwd=lc.app, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert 'name = "python-env"' in plan.read_text()
