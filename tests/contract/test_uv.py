"""BP_PIP_INSTALLER=uv: the requirements are installed by uv, from the same private index."""

from __future__ import annotations

from tests.contract.conftest import INDEX_PASSWORD
from tests.contract.lifecycle import run_group


def test_uv_installs_requirements(make_app, lifecycle, private_index, uv_on_index):
    app = make_app({"MyModel.py": "import privdep\n\nclass MyModel:\n    pass\n",
                    "requirements.txt": "privdep==2.0\n"})
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"],
                             "BP_PIP_INSTALLER": "uv"})
    builds = run_group(lc)
    run = builds["seldon/pip-requirements"]
    assert builds["seldon/runtime"].returncode == 0, run.output
    assert "uv install -r requirements.txt" in run.output
    site = next((lc.layers / "seldon_python-venv" / "venv" / "lib").glob(
        "python3*/site-packages"))
    assert (site / "privdep-2.0.dist-info" / "INSTALLER").read_text().strip() == "uv"
    assert all(INDEX_PASSWORD not in out for out in lc.outputs)


def test_unknown_installer_is_an_error(make_app, lifecycle):
    app = make_app({"requirements.txt": "x\n"})
    run = lifecycle(app, env={"BP_PIP_INSTALLER": "poetry"}).detect("seldon/pip-requirements")
    assert run.returncode == 1 and "Unknown BP_PIP_INSTALLER 'poetry'" in run.output


def test_a_version_no_index_has_is_named_by_its_line(make_app, lifecycle, private_index,
                                                      uv_on_index):
    app = make_app({"MyModel.py": "class MyModel:\n    pass\n",
                    "requirements.txt": "# pinned by hand\nprivdep==9.9\n"})
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"],
                             "BP_PIP_INSTALLER": "uv"})
    run = run_group(lc)["seldon/pip-requirements"]
    assert run.returncode != 0
    assert ("ERROR: uv pip install: no matching distribution for privdep==9.9 "
            "(requirements.txt:2)") in run.output, run.output[-2000:]
    assert INDEX_PASSWORD not in run.output
