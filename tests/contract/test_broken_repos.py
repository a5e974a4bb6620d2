"""Repositories broken the way moved s2i repos are: the error block names the file, the line and
a fix, once, without frames of our own code."""

from __future__ import annotations

from tests.contract.lifecycle import run_group

MODEL = "class MyModel:\n    pass\n"


def _failed(lc, bp_id: str):
    builds = run_group(lc)
    assert list(builds)[-1] == bp_id, {k: v.output for k, v in builds.items()}
    run = builds[bp_id]
    assert run.returncode == 1, run.output
    return run.output


def _head(output: str) -> str:
    heads = [line for line in output.splitlines() if line.startswith("ERROR: ")]
    assert len(heads) == 1, output
    return heads[0]


def _pip_failure(make_app, lifecycle, index, bp_id: str, **files: str) -> tuple[str, str]:
    """(ERROR line, output) of MyModel.py plus `files` (dots in names as `_`) against the
    private index only."""
    app = make_app({"MyModel.py": MODEL, **{k.replace("_", "."): v for k, v in files.items()}})
    out = _failed(lifecycle(app, env={"PIP_INDEX_URL": index["auth_url"]}), bp_id)
    return _head(out), out


def test_python2_model_names_its_line_once(make_app, lifecycle):
    app = make_app({"MyModel.py": "class MyModel(object):\n    def predict(self, X, names):\n"
                                  "        print \"predicting\"\n        return X\n"})
    out = _failed(lifecycle(app), "seldon/runtime")
    assert _head(out) == ("ERROR: The model MyModel cannot be imported: MyModel.py is Python 2 "
                          "code (MyModel.py:3)")
    assert out.count('print "predicting"') == 1, out
    assert "<frozen" not in out and "importlib" not in out, out
    assert "print(x)" in out


def test_class_named_in_another_case_is_pointed_at(make_app, lifecycle):
    app = make_app({"Iris.py": "class iris:\n    pass\n", ".s2i/environment": "MODEL_NAME=Iris\n"})
    out = _failed(lifecycle(app), "seldon/runtime")
    assert _head(out) == "ERROR: The model module has no class 'Iris', but has 'iris' (Iris.py)"
    assert "set MODEL_NAME=Iris.iris" in out
    assert "Traceback" not in out


def test_module_level_error_names_the_line_and_load(make_app, lifecycle):
    app = make_app({"MyModel.py": "W = open('/models/weights.bin').read()\n\n"
                                  "class MyModel:\n    pass\n"})
    out = _failed(lifecycle(app), "seldon/runtime")
    assert _head(out) == "ERROR: The model MyModel cannot be imported (MyModel.py:1)"
    assert out.count("FileNotFoundError") == 1, out
    assert "load()" in out
    assert 'File "<string>"' not in out


def test_hash_mismatch_names_the_requirements_line(make_app, lifecycle, private_index,
                                                   wheel_folder):
    app = make_app({"MyModel.py": MODEL,
                    "requirements.txt": "# pinned\nlocaldep==0.3 --hash=sha256:" + "0" * 64 + "\n"})
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"]},
                   bindings={"local-wheels": {"type": "wheels"}})
    for wheel in wheel_folder.iterdir():
        (lc.platform / "bindings" / "local-wheels" / wheel.name).write_bytes(wheel.read_bytes())
    out = _failed(lc, "seldon/pip-requirements")
    assert _head(out) == ("ERROR: pip install -r requirements.txt: localdep==0.3 does not match "
                          "its --hash (requirements.txt:2)")
    assert "replace the hash on that line" in out


def test_unreachable_git_requirement_says_how_to_do_without(make_app, lifecycle, private_index):
    head, out = _pip_failure(
        make_app, lifecycle, private_index, "seldon/pip-requirements",
        requirements_txt="tinydep\ngit+https://git.invalid/org/features.git@v1#egg=features\n")
    assert head == ("ERROR: pip install -r requirements.txt: cannot fetch "
                    "https://git.invalid/org/features.git (requirements.txt:2)")
    assert "wheel folder" in out


def test_setup_py_importing_an_uninstalled_module_names_its_line(make_app, lifecycle,
                                                                 private_index):
    head, out = _pip_failure(
        make_app, lifecycle, private_index, "seldon/setup-py",
        setup_py="from setuptools import setup\nimport numpy_is_not_here\n\n"
                 "setup(name='mymodel', version='0.1', py_modules=['MyModel'])\n")
    assert head == ("ERROR: setup.py imports 'numpy_is_not_here', which is not installed yet "
                    "(setup.py:2)")
    assert "requirements.txt" in out


def test_model_in_a_folder_gets_its_dotted_name(make_app, lifecycle):
    app = make_app({"models/Iris.py": "class Iris:\n    pass\n",
                    ".s2i/environment": "# moved from s2i\nMODEL_NAME=Iris\n"})
    out = _failed(lifecycle(app), "seldon/s2i-environment")
    assert _head(out) == ("ERROR: No file Iris.py for MODEL_NAME=Iris, but models/Iris.py exists "
                          "(.s2i/environment:2)")
    assert "Set MODEL_NAME=models.Iris.Iris" in out


def test_the_dotted_name_it_suggests_builds(make_app, lifecycle):
    app = make_app({"models/Iris.py": "class Iris:\n    pass\n",
                    ".s2i/environment": "MODEL_NAME=models.Iris.Iris\n"})
    builds = run_group(lifecycle(app))
    assert builds["seldon/runtime"].returncode == 0, builds["seldon/runtime"].output


def test_misspelt_model_name_key_is_named_by_its_line(make_app, lifecycle):
    app = make_app({"MyModel.py": MODEL,
                    "Helper.py": "class Helper:\n    pass\n",
                    ".s2i/environment": "MODLE_NAME=MyModel\nSERVICE_TYPE=MODEL\n"})
    out = _failed(lifecycle(app), "seldon/s2i-environment")
    assert _head(out) == "ERROR: MODEL_NAME is not set, but MODLE_NAME is (.s2i/environment:1)"
    assert "Rename MODLE_NAME to MODEL_NAME" in out


def test_unreachable_conda_channel_is_named(make_app, lifecycle):
    app = make_app({"MyModel.py": MODEL,
                    "environment.yml": "channels:\n  - https://conda.invalid/t/tok-123/ours\n"
                                       "dependencies:\n  - python=3.11\n  - numpy\n"})
    out = _failed(lifecycle(app), "seldon/conda-environment")
    head = _head(out)
    assert head.startswith("ERROR: Cannot reach the conda channel https://conda.invalid/t/"), out
    assert head.endswith("/ours (environment.yml: channels)")
    assert "tok-123" not in out
    assert "channel_alias" in out
