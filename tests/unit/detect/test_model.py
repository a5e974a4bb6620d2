"""Model settings: inference, validation, and the runtime/build split."""

from __future__ import annotations

import pytest

from seldon_detect.envfile import parse_env_text
from seldon_detect.errors import UserError
from seldon_detect.model import (
    is_build_key,
    misspelt_settings,
    model_candidates,
    resolve_model_config,
)


def _app(tmp_path, files):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def test_candidates_need_matching_file_and_class(tmp_path):
    app = _app(tmp_path, {
        "MyModel.py": "import os\n\nclass MyModel(object):\n    pass\n",
        "Other.py": "# class Other mentioned only in a comment\n",
        "util.py": "class Util: pass\n",
        "Broken.py": "class Broken(:\n",
    })
    # util.py defines Util, not util: names are case-sensitive, as in Python imports
    assert model_candidates(app) == ["Broken", "MyModel"]


def test_file_settings_and_build_env_merge(tmp_path):
    app = _app(tmp_path, {"M.py": "class M: pass\n", "N.py": "class N: pass\n"})
    entries = parse_env_text("MODEL_NAME=M\nSERVICE_TYPE=router\nPIP_TRUSTED_HOST=h\n"
                             "CUSTOM=1\n", "e")
    # as with s2i -e, every variable given to the build reaches the image, except
    # build-only keys, the image's own process keys and secrets
    config = resolve_model_config(app, entries, {
        "MODEL_NAME": "N", "HOME": "/root", "PATH": "/x", "GUNICORN_THREADS": "4",
        "OMP_NUM_THREADS": "1", "MY_SETTING": "x", "BP_DEBIAN_PACKAGES": "curl",
        "API_TOKEN": "t0ken", "DB_URL": "postgres://u:p@db/x"})
    assert config.model_name == "N" and config.service_type == "ROUTER"
    assert config.launch_env == {"CUSTOM": "1", "GUNICORN_THREADS": "4", "MODEL_NAME": "N",
                                 "MY_SETTING": "x", "OMP_NUM_THREADS": "1",
                                 "SERVICE_TYPE": "ROUTER"}
    assert [w.split(" ")[0] for w in config.warnings] == ["API_TOKEN", "DB_URL"]


def test_secrets_in_the_s2i_environment_file_are_named_and_kept_out_of_the_image(tmp_path):
    app = _app(tmp_path, {"M.py": "class M: pass\n"})
    entries = parse_env_text(
        "MODEL_NAME=M\n"
        "EXTRA_INDEX_URL=https://alice:s3cret@pypi.example/simple\n"
        "export API_TOKEN='abc'\n"
        "FEATURE_STORE=https://bob:hunter2@store.example/\n"
        "PIP_TRUSTED_HOST=pypi.example\n"
        "MODEL_STORE=https://ghp_tokenonly@store.example/m\n",
        ".s2i/environment",
    )
    config = resolve_model_config(app, entries, {})
    assert config.launch_env == {"MODEL_NAME": "M", "SERVICE_TYPE": "MODEL"}
    named = [w.split(" looks like a secret")[0] for w in config.warnings]
    assert named == [".s2i/environment:2: EXTRA_INDEX_URL", ".s2i/environment:3: API_TOKEN",
                     ".s2i/environment:4: FEATURE_STORE", ".s2i/environment:6: MODEL_STORE"]
    assert "used for this build only" in config.warnings[0]
    assert "used for this build only" not in config.warnings[1]
    assert not any("s3cret" in w or "hunter2" in w or "ghp_" in w for w in config.warnings)


@pytest.mark.parametrize("env, words", [
    ("MODEL_NAME=Missing\n", "No file Missing.py"),
    ("MODEL_NAME=bad-name\n", "is not a Python name"),
    ("MODEL_NAME=M\nSERVICE_TYPE=NOPE\n", "Unknown SERVICE_TYPE"),
    ("MODEL_NAME=M\nPAYLOAD_PASSTHROUGH=maybe\n", "PAYLOAD_PASSTHROUGH must be true or false"),
    ("MODEL_NAME=M\nPREDICTIVE_UNIT_PARAMETERS=[{\n", "not valid JSON"),
    ("MODEL_NAME=M\nPREDICTIVE_UNIT_PARAMETERS={}\n", "wrong shape"),
])
def test_invalid_settings(tmp_path, env, words):
    app = _app(tmp_path, {"M.py": "class M: pass\n"})
    with pytest.raises(UserError) as err:
        resolve_model_config(app, parse_env_text(env, ".s2i/environment"), {})
    assert words in err.value.render()


def test_output_transformer_and_case(tmp_path):
    app = _app(tmp_path, {"M.py": "class M: pass\n"})
    config = resolve_model_config(app, [], {"SERVICE_TYPE": "output_transformer"})
    assert config.service_type == "OUTPUT_TRANSFORMER" and config.model_name_source == "inferred"


@pytest.mark.parametrize("key, build", [
    ("EXTRA_INDEX_URL", True), ("PIP_INDEX_URL", True), ("BP_PIP_INSTALLER", True),
    ("https_proxy", True), ("MODEL_NAME", False), ("GUNICORN_WORKERS", False),
])
def test_build_keys(key, build):
    assert is_build_key(key) is build


@pytest.mark.parametrize("key, known", [("MODLE_NAME", "MODEL_NAME"),
                                        ("SERVICE_TPYE", "SERVICE_TYPE"),
                                        ("GUNICORN_WORKER", "GUNICORN_WORKERS"),
                                        ("OMP_NUM_THREADS", None), ("MODEL", None)])
def test_misspelt_settings(key, known):
    entries = parse_env_text(f"{key}=x\n", ".s2i/environment")
    assert misspelt_settings(entries) == ([(entries[0], known)] if known else [])


def test_a_misspelt_setting_is_a_warning_naming_its_line(tmp_path):
    app = _app(tmp_path, {"M.py": "class M: pass\n"})
    env = parse_env_text("MODEL_NAME=M\nSERVICE_TPYE=ROUTER\n", ".s2i/environment")
    config = resolve_model_config(app, env, {})
    assert ".s2i/environment:2: nothing reads SERVICE_TPYE; did you mean SERVICE_TYPE?" \
        in config.warnings


@pytest.mark.parametrize("value, suggested", [("MyModel.py", "MODEL_NAME=MyModel:"),
                                              ("models/iris.py", "MODEL_NAME=models.iris.<Cl")])
def test_model_name_given_as_a_file_says_which_name_to_use(tmp_path, value, suggested):
    app = _app(tmp_path, {"MyModel.py": "class MyModel: pass\n"})
    with pytest.raises(UserError) as err:
        resolve_model_config(app, parse_env_text(f"MODEL_NAME={value}\n", ".s2i/environment"), {})
    assert err.value.title == f"MODEL_NAME {value!r} names a file, not a class"
    assert err.value.location == ".s2i/environment:1"
    assert suggested in err.value.fix[0]


def test_model_name_in_another_case_than_its_file_is_pointed_at(tmp_path):
    app = _app(tmp_path, {"MyModel.py": "class MyModel: pass\n", "Other.py": "class Other: pass\n"})
    with pytest.raises(UserError) as err:
        resolve_model_config(app, parse_env_text("MODEL_NAME=mymodel\n", ".s2i/environment"), {})
    assert "MyModel.py differs only in case: MODEL_NAME=MyModel?" in err.value.cause


@pytest.mark.parametrize("init", [None, "", "# the package\n"])
def test_model_name_naming_the_folder_of_the_file_gets_the_full_path(tmp_path, init):
    files = {"models/MyModel.py": "class MyModel: pass\n"}
    if init is not None:
        files["models/__init__.py"] = init
    app = _app(tmp_path, files)
    env = parse_env_text("MODEL_NAME=models.MyModel\n", ".s2i/environment")
    with pytest.raises(UserError) as err:
        resolve_model_config(app, env, {})
    assert err.value.title == ("No file models.py for MODEL_NAME=models.MyModel, but "
                               "models/MyModel.py exists")
    assert "Set MODEL_NAME=models.MyModel.MyModel" in err.value.fix[0]


def test_a_package_that_imports_its_class_is_a_model_module(tmp_path):
    app = _app(tmp_path, {"models/MyModel.py": "class MyModel: pass\n",
                          "models/__init__.py": "from .MyModel import MyModel\n"})
    env = parse_env_text("MODEL_NAME=models.MyModel\n", ".s2i/environment")
    assert resolve_model_config(app, env, {}).module == "models"
