"""seldon/conda-environment against a local file channel, then pip and the runtime on top."""

from __future__ import annotations

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

from tests.contract.condachannel import relocatable_python
from tests.contract.lifecycle import run_group

pytestmark = pytest.mark.skipif(
    relocatable_python() is None,
    reason="needs a non-Debian CPython (e.g. pyenv) and patchelf to build the test channel",
)


@pytest.fixture(scope="session")
def conda_channel(tmp_path_factory):
    from tests.contract.condachannel import build_channel

    return build_channel(tmp_path_factory.mktemp("conda") / "channel")


def test_conda_env_then_requirements_then_runtime(make_app, lifecycle, private_index,
                                                  conda_channel):
    app = make_app({
        "environment.yml": f"""\
name: my-conda-environment
channels:
  - {conda_channel.as_uri()}
  - nodefaults
dependencies:
  - python=3.11
  - condatiny
  - pip:
      - privdep==2.0
""",
        "requirements.txt": "tinydep==1.0\n",
        "CondaModel.py": "import condatiny, privdep, tinydep\n\n\nclass CondaModel:\n"
                         "    pass\n",
    })
    lc = lifecycle(app, env={"PIP_INDEX_URL": private_index["auth_url"]})
    builds = run_group(lc)
    assert list(builds) == ["seldon/s2i-environment", "seldon/conda-environment",
                            "seldon/pip-requirements", "seldon/runtime"], \
        builds["seldon/conda-environment"].output
    assert builds["seldon/runtime"].returncode == 0, [r.output for r in builds.values()]
    conda_layers = lc.layers / "seldon_conda-environment"
    layer = tomllib.loads((conda_layers / "conda-env.toml").read_text())
    assert layer["types"] == {"launch": True, "build": True, "cache": True}
    prefix = conda_layers / "conda-env" / "prefix"
    assert (prefix / "conda-meta").is_dir()
    assert (conda_layers / "conda-env" / "env.launch" / "PATH.prepend").read_bytes() == \
        str(prefix / "bin").encode()
    # no conda/micromamba here: py-rattler from the bundled wheels, in a cache-only layer
    assert tomllib.loads((conda_layers / "rattler.toml").read_text())["types"] == {
        "launch": False, "build": False, "cache": True}
    sbom = (lc.layers / "seldon_runtime" / "launch.sbom.cdx.json").read_text()
    assert "pkg:conda/condatiny@1.0" in sbom and "pkg:pypi/privdep@2.0" in sbom

    lc.restore()
    again = run_group(lc)
    assert again["seldon/runtime"].returncode == 0
    assert "Reusing the conda environment" in again["seldon/conda-environment"].output
    # the solver's own cache layer is declared again, so it survives this build
    assert tomllib.loads((conda_layers / "rattler.toml").read_text())["types"]["cache"] is True


def test_unsolvable_environment_is_a_clear_error(make_app, lifecycle, conda_channel):
    app = make_app({"environment.yml": f"channels: [{conda_channel.as_uri()}]\n"
                                       "dependencies: [python=3.11, no-such-package]\n",
                    "M.py": "class M: pass\n"})
    builds = run_group(lifecycle(app))
    run = builds["seldon/conda-environment"]
    assert run.returncode == 1
    assert "cannot be solved" in run.output and "no-such-package" in run.output
