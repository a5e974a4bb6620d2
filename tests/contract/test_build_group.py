"""The whole group on a requirements.txt app, against a private index with basic auth."""

from __future__ import annotations

from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

from tests.contract.conftest import INDEX_PASSWORD
from tests.contract.lifecycle import run_group

MODEL = """\
import privdep


class MyModel:
    def predict(self, X, features_names=None):
        return X
"""


def _app(make_app, **extra):
    files = {
        "MyModel.py": MODEL,
        "requirements.txt": "-r requirements/base.txt\n",
        "requirements/base.txt": "privdep==2.0  # from the private index\n",
        ".s2i/environment": "MODEL_NAME=MyModel\nSERVICE_TYPE=MODEL\nPERSISTENCE=0\n"
                            "API_TYPE=REST\n",
    }
    files.update(extra)
    return make_app(files)


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text())


def _all_bytes(root: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in root.rglob("*") if p.is_file() and not p.is_symlink()]


def test_requirements_app_builds_and_reuses(make_app, lifecycle, private_index):
    app = _app(make_app)
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"]})
    builds = run_group(lc)
    assert list(builds) == ["seldon/s2i-environment", "seldon/python-venv",
                            "seldon/pip-requirements", "seldon/runtime"]
    for bp_id, run in builds.items():
        assert run.returncode == 0, f"{bp_id}: {run.output}"

    venv = lc.layers / "seldon_python-venv"
    assert _toml(venv / "venv.toml")["types"] == {"launch": True, "build": True, "cache": True}
    site = next((venv / "venv" / "lib").glob("python3*/site-packages"))
    assert (site / "privdep" / "__init__.py").is_file()
    assert (site / "tinydep" / "__init__.py").is_file()
    assert list(site.glob("seldon_runtime-*.dist-info"))

    config = lc.layers / "seldon_s2i-environment" / "config"
    assert (config / "env.launch" / "MODEL_NAME.default").read_bytes() == b"MyModel"
    assert (config / "env.launch" / "SERVICE_TYPE.default").read_bytes() == b"MODEL"
    launch = _toml(lc.layers / "seldon_runtime" / "launch.toml")
    procs = {p["type"]: p for p in launch["processes"]}
    assert set(procs) == {"web", "rest", "grpc"}
    assert procs["web"]["default"] is True and procs["web"]["command"] == ["seldon-runtime"]
    assert all(isinstance(p["command"], list) and "direct" not in p for p in procs.values())
    assert "bundled with this buildpack (no index used)" in builds["seldon/runtime"].output
    sbom = (lc.layers / "seldon_runtime" / "launch.sbom.cdx.json").read_text()
    assert '"name": "privdep"' in sbom
    # every SBOM file is of a media type its buildpack declares (else the lifecycle fails)
    for sbom_file in lc.layers.glob("*/*.sbom.*"):
        bp = lc.buildpacks_dir / sbom_file.parent.name / "buildpack.toml"
        assert sbom_file.name.endswith(".sbom.cdx.json")
        assert "application/vnd.cyclonedx+json" in _toml(bp)["buildpack"]["sbom-formats"]

    # second build: restored metadata (no [types]) and cached contents -> reuse
    lc.restore()
    assert "types" not in _toml(venv / "venv.toml")
    again = run_group(lc)
    assert all(r.returncode == 0 for r in again.values()), [r.output for r in again.values()]
    assert "Reusing the Python environment" in again["seldon/python-venv"].output
    assert "Reusing the installed requirements.txt" in again["seldon/pip-requirements"].output
    assert _toml(venv / "venv.toml")["types"] == {"launch": True, "build": True, "cache": True}
    # whether the env was reused lives in a build-only layer: the exported venv
    # layer must not differ between a fresh and a reusing build
    assert not list(venv.glob("venv/env.build/SELDON_PYTHON_ENV_STATE*"))
    state = venv / "python-env-state"
    assert (state / "env.build" / "SELDON_PYTHON_ENV_STATE.override").read_bytes() == b"reused"
    assert _toml(venv / "python-env-state.toml")["types"] == {
        "launch": False, "build": True, "cache": False}
    # the pip download cache survives a build that did not need it
    pip_cache = lc.layers / "seldon_pip-requirements" / "pip-cache.toml"
    assert _toml(pip_cache)["types"] == {"launch": False, "build": False, "cache": True}

    # a nested requirements file changes -> rebuild, with the reason
    lc.restore()
    (app / "requirements" / "base.txt").write_text("privdep==2.0\ntinydep==1.0\n")
    third = run_group(lc)
    assert third["seldon/runtime"].returncode == 0, third["seldon/runtime"].output
    assert "input-requirements changed" in third["seldon/python-venv"].output


def test_credentials_never_leak(make_app, lifecycle, private_index):
    app = _app(make_app, **{".s2i/environment": "MODEL_NAME=MyModel\n"
                            f"EXTRA_INDEX_URL={private_index['auth_url']}\n"})
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"],
                             "PIP_TRUSTED_HOST": "127.0.0.1"})
    builds = run_group(lc)
    assert all(r.returncode == 0 for r in builds.values()), [r.output for r in builds.values()]
    secret = INDEX_PASSWORD.encode()
    for output in lc.outputs:
        assert INDEX_PASSWORD not in output
    leaks = [p for p, data in _all_bytes(lc.layers) if secret in data]
    assert leaks == []
    # the build plan (group plan.toml in a real lifecycle) carries no secret either
    plans = list(lc.layers.parent.glob("*plan-*.toml"))
    assert plans and not [p for p in plans if secret in p.read_bytes()]
    # the exported app keeps its runtime settings but loses the build-only key
    env_file = (app / ".s2i" / "environment").read_text()
    assert "MODEL_NAME=MyModel" in env_file and INDEX_PASSWORD not in env_file


def test_wrong_password_is_a_credentials_error(make_app, lifecycle, private_index):
    app = _app(make_app)
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["bad_auth_url"]})
    builds = run_group(lc)
    failed = builds["seldon/pip-requirements"]
    assert failed.returncode != 0
    assert "refused by a package index (403)" in failed.output, failed.output
    assert "Check the user and password" in failed.output
    assert "wrong" not in failed.output.replace("wrong@", "")  # no password in the log
    assert "Traceback" not in failed.output


def test_wheel_folder_binding_is_searched_first(make_app, lifecycle, private_index,
                                                wheel_folder):
    app = make_app({
        "MyModel.py": "import localdep\n\nclass MyModel:\n    pass\n",
        "requirements.txt": "localdep==0.3\n",
    })
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"]},
                   bindings={"local-wheels": {"type": "wheels"}})
    for wheel in wheel_folder.iterdir():
        (lc.platform / "bindings" / "local-wheels" / wheel.name).write_bytes(wheel.read_bytes())
    builds = run_group(lc)
    assert builds["seldon/runtime"].returncode == 0, builds["seldon/pip-requirements"].output
    assert "wheel folder:" in builds["seldon/pip-requirements"].output
    assert not (app / ".s2i").exists()  # MODEL_NAME inferred from MyModel.py
    config = lc.layers / "seldon_s2i-environment" / "config" / "env.launch"
    assert (config / "MODEL_NAME.default").read_bytes() == b"MyModel"


def test_model_import_failure_names_the_missing_module(make_app, lifecycle, private_index):
    app = make_app({
        "MyModel.py": "import not_installed_anywhere\n\nclass MyModel:\n    pass\n",
        "requirements.txt": "tinydep\n",
    })
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"]})
    builds = run_group(lc)
    run = builds["seldon/runtime"]
    assert run.returncode == 1
    assert "module 'not_installed_anywhere' is missing" in run.output
    assert "Add the package" in run.output


def test_pip_binding_with_netrc(make_app, lifecycle, private_index):
    """Credentials from a `pip` binding (pip.conf + netrc) work and stay out of every layer."""
    app = _app(make_app)
    port = private_index["url"].split(":")[2].split("/")[0]
    netrc = f"machine 127.0.0.1 login modeller password {INDEX_PASSWORD}\n"
    lc = lifecycle(app, env={}, bindings={"pypi": {
        "type": "pip",
        "pip.conf": f"[global]\nindex-url = http://127.0.0.1:{port}/simple/\n",
        "netrc": netrc,
    }})
    (lc.platform / "env" / "PIP_CONFIG_FILE").unlink()  # the binding's pip.conf is the config
    builds = run_group(lc)
    assert builds["seldon/runtime"].returncode == 0, builds["seldon/pip-requirements"].output
    assert [p for p, data in _all_bytes(lc.layers) if INDEX_PASSWORD.encode() in data] == []
    assert all(INDEX_PASSWORD not in out for out in lc.outputs)
