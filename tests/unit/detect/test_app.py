"""describe(): real-looking repositories, one typed description each."""

from __future__ import annotations

import pytest

from seldon_detect.app import describe
from seldon_detect.conda import parse_environment
from seldon_detect.errors import UserError
from seldon_detect.indexes import IndexSettings, probe_index
from seldon_detect.project import find_project
from seldon_detect.pyversion import find_python_hint


def _app(tmp_path, files):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def test_s2i_template_app(tmp_path):
    app = describe(_app(tmp_path, {
        "MyModel.py": "class MyModel:\n    def predict(self, X, f):\n        return X\n",
        "requirements.txt": "scikit-learn\n",
        ".s2i/environment": "MODEL_NAME=MyModel\nAPI_TYPE=REST\nSERVICE_TYPE=MODEL\n"
                            "PERSISTENCE=0\n",
    }))
    assert app.model_candidates == ["MyModel"]
    assert app.requirements.names == ["scikit-learn"]
    assert [e.key for e in app.s2i_env] == ["MODEL_NAME", "API_TYPE", "SERVICE_TYPE",
                                            "PERSISTENCE"]
    assert app.project is None and app.conda is None
    assert "requirements.txt: 1 requirement(s)" in app.summary()


def test_conda_app(tmp_path):
    app = describe(_app(tmp_path, {"environment.yaml": """\
name: my-conda-environment
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python=3.11
  - scikit-learn=1.3
  - pip:
      - seldon-core==1.18.2
"""}))
    env = app.conda
    assert env.channels == ["conda-forge"]
    assert env.python == "3.11"
    assert env.pip == ["seldon-core==1.18.2"]
    assert env.specs == ["python=3.11", "scikit-learn=1.3"]


@pytest.mark.parametrize("text, words", [
    ("- a\n- b\n", "must be a mapping"),
    ("channels: conda-forge\n", "`channels` must be a list"),
    ("dependencies:\n  - {foo: 1}\n", "Unsupported entry"),
    ("dependencies: [a\n", "not valid YAML"),
])
def test_broken_environment(tmp_path, text, words):
    path = tmp_path / "environment.yml"
    path.write_text(text)
    with pytest.raises(UserError) as err:
        parse_environment(path)
    assert words in err.value.render()


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "environment.yml"
    path.write_text("name: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(UserError):
        parse_environment(path)


@pytest.mark.parametrize("files, kind", [
    ({"setup.py": "from setuptools import setup\nsetup()\n"}, "setup.py"),
    ({"pyproject.toml": "[build-system]\nrequires=['hatchling']\n"
                        "build-backend='hatchling.build'\n"}, "pyproject"),
    ({"pyproject.toml": "[project]\nname='m'\nversion='1'\n"}, "pyproject"),
    ({"pyproject.toml": "[tool.black]\nline-length=100\n"}, None),
    ({"setup.py": "", "pyproject.toml": "[build-system]\nrequires=[]\n"}, "pyproject+setup.py"),
])
def test_projects(tmp_path, files, kind):
    project = find_project(_app(tmp_path, files))
    assert (project.kind if project else None) == kind


def test_broken_pyproject(tmp_path):
    with pytest.raises(UserError) as err:
        find_project(_app(tmp_path, {"pyproject.toml": "[project\n"}))
    assert err.value.location == "pyproject.toml"


@pytest.mark.parametrize("files, version", [
    ({"runtime.txt": "python-3.11.4\n"}, "3.11.4"),
    ({".python-version": "3.10\n"}, "3.10"),
    ({}, None),
])
def test_python_hints(tmp_path, files, version):
    hint = find_python_hint(_app(tmp_path, files))
    assert (hint.version if hint else None) == version


def test_bad_python_hint(tmp_path):
    with pytest.raises(UserError) as err:
        find_python_hint(_app(tmp_path, {"runtime.txt": "3.11\n"}))
    assert "python-3.11" in err.value.render()


def test_index_settings_hide_credentials_from_fingerprint_and_log(tmp_path):
    wheels = tmp_path / "whl"
    wheels.mkdir()
    (wheels / "a-1-py3-none-any.whl").write_bytes(b"x")
    one = IndexSettings.from_sources([], {"EXTRA_INDEX_URL": "https://u:one@h/simple",
                                          "PIP_TRUSTED_HOST": "h"}, [wheels, tmp_path / "no"])
    two = IndexSettings.from_sources([], {"EXTRA_INDEX_URL": "https://u:two@h/simple",
                                          "PIP_TRUSTED_HOST": "h"}, [wheels])
    assert one.fingerprint() == two.fingerprint()
    assert one.wheel_dirs == [wheels]
    assert "one" not in "\n".join(one.describe())
    assert one.pip_env()["PIP_EXTRA_INDEX_URL"] == "https://u:one@h/simple"
    before = one.fingerprint()
    (wheels / "b-1-py3-none-any.whl").write_bytes(b"y")
    assert one.fingerprint() != before  # a new wheel in the folder changes the key
    assert IndexSettings.from_sources([], {}, [wheels]).fingerprint() != \
        IndexSettings.from_sources([], {}, []).fingerprint()


def test_probe_unreachable_index_is_none():
    assert probe_index("http://127.0.0.1:9/simple/", "x", timeout=1) is None


def test_conda_entries_run_together_by_a_deeper_indent_name_their_line(tmp_path):
    path = tmp_path / "environment.yml"
    path.write_text("name: m\ndependencies:\n  - python=3.11\n   - numpy\n")
    with pytest.raises(UserError) as err:
        parse_environment(path)
    assert err.value.title == ("environment.yml: 'python=3.11 - numpy' is two list entries run "
                               "together")
    assert err.value.location == "environment.yml:3"
