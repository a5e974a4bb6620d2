"""A setup.py project (no requirements.txt): its dependencies come from the private index."""

from __future__ import annotations

from tests.contract.lifecycle import run_group

SETUP = """\
from setuptools import setup

setup(name="my-model", version="0.1", py_modules=["MyModel"], install_requires=["privdep"])
"""


def test_setup_py_project(make_app, lifecycle, private_index):
    app = make_app({"setup.py": SETUP,
                    "MyModel.py": "import privdep\n\n\nclass MyModel:\n    pass\n",
                    ".s2i/environment": "MODEL_NAME=MyModel\nSERVICE_TYPE=MODEL\n"})
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"]})
    builds = run_group(lc)
    assert list(builds) == ["seldon/s2i-environment", "seldon/python-venv", "seldon/setup-py",
                            "seldon/runtime"]
    assert builds["seldon/runtime"].returncode == 0, [r.output for r in builds.values()]
    site = next((lc.layers / "seldon_python-venv" / "venv" / "lib").glob(
        "python3*/site-packages"))
    assert (site / "privdep").is_dir()
