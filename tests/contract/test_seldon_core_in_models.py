"""Models written for seldon-core build as they did with s2i: their `seldon_core`
imports pass the build-time import check, and seldon-core in the requirements is
reported."""

from __future__ import annotations

from tests.contract.lifecycle import run_group
from tests.contract.tinywheels import make_wheel

# the shapes of Seldon Core's own example models and servers
IMPORTS = """\
import seldon_core
from seldon_core import Storage
from seldon_core.user_model import SeldonComponent, SeldonResponse, SeldonNotImplementedError
from seldon_core.flask_utils import SeldonMicroserviceException
from seldon_core.metrics import DEFAULT_LABELS, create_counter, validate_metrics
from seldon_core.utils import getenv_as_bool, get_data_from_proto, json_to_seldon_message
from seldon_core.microservice import PARAMETERS_ENV_NAME, parse_parameters
from seldon_core.env_utils import NONIMPLEMENTED_MSG
from seldon_core.proto import prediction_pb2

assert seldon_core.Storage is Storage


class MyModel(SeldonComponent):
    def predict(self, X, names, meta=None):
        return SeldonResponse(X, tags={"ok": True})
"""


def test_model_importing_seldon_core_builds(make_app, lifecycle, private_index):
    app = make_app({"MyModel.py": IMPORTS, "requirements.txt": "tinydep\n"})
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"]})
    run = run_group(lc)["seldon/runtime"]
    assert run.returncode == 0, run.output
    assert "Model class MyModel imports" in run.output
    assert "seldon-core" not in run.output


def test_seldon_core_in_requirements_is_reported(make_app, lifecycle, private_index,
                                                 index_packages):
    make_wheel(index_packages, "seldon-core", "1.19.0")
    app = make_app({"MyModel.py": "class MyModel:\n    def predict(self, X, names):\n"
                                  "        return X\n",
                    "requirements.txt": "seldon-core\n"})
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"]})
    run = run_group(lc)["seldon/runtime"]
    assert run.returncode == 0, run.output
    text = " ".join(run.output.split())
    assert "seldon-core 1.19.0 was installed by the model's requirements" in text
    assert "does not need it" in text and "not open source" in text


def test_any_python_of_the_env_finds_the_stand_in_and_seldon_core_wins(
        make_app, lifecycle, private_index, index_packages):
    import subprocess

    make_wheel(index_packages, "seldon-core", "1.19.0", body="REAL = True\n")
    app = make_app({"MyModel.py": "class MyModel:\n    pass\n", "requirements.txt": "tinydep\n"})
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"]})
    assert run_group(lc)["seldon/runtime"].returncode == 0
    python = lc.layers / "seldon_python-venv" / "venv" / "bin" / "python"
    code = "import seldon_core.utils as u; print(u.__file__)"
    found = subprocess.run([str(python), "-I", "-c", code], capture_output=True, text=True)
    assert "/seldon_runtime/compat/seldon_core/utils.py" in found.stdout, found.stderr
    # an installed seldon-core comes first on sys.path
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links",
                    str(index_packages), "seldon-core"], check=True)
    real = subprocess.run([str(python), "-c", "import seldon_core; print(seldon_core.REAL)"],
                          capture_output=True, text=True)
    assert real.stdout.strip() == "True", real.stderr
