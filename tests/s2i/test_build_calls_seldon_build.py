"""`seldon-s2i build` goes through the real `seldon-build build` command line.

Only the last step, `seldon_platform.build.build` (which runs containers), is
replaced: the test checks that our argument list is accepted by seldon-build's
own parser and arrives as the right `BuildOptions`. A full build with served
predictions belongs to the end-to-end tests.
"""

from __future__ import annotations

import pytest

import seldon_platform.build
from seldon_platform.s2i.cli import main

BUILDER = "seldonio/seldon-core-s2i-python3:1.11.0-dev"


@pytest.fixture
def builds(monkeypatch):
    calls = []

    def fake_build(opts, scribe, engine=None):
        bindings = {p.name: (p / "type").read_text().strip() for p in opts.bindings}
        calls.append((opts, scribe, bindings))

    monkeypatch.setattr(seldon_platform.build, "build", fake_build)
    return calls


@pytest.fixture
def model(tmp_path):
    app = tmp_path / "model"
    (app / ".s2i").mkdir(parents=True)
    (app / "MyModel.py").write_text("class MyModel:\n    def predict(self, X, names):\n"
                                    "        return X\n")
    (app / ".s2i" / "environment").write_text("MODEL_NAME=MyModel\nSERVICE_TYPE=MODEL\n")
    return app


def test_every_mapped_flag_reaches_the_build_options(builds, model, tmp_path, monkeypatch):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    certs = tmp_path / "certs"
    certs.mkdir()
    (certs / "corp.crt").write_text("PEM")
    env_file = tmp_path / "build.env"
    env_file.write_text("PIP_TRUSTED_HOST=pypi.example.com\n")
    status = main([
        "build", "--loglevel=3", "-e", "SERVICE_TYPE=ROUTER", "-E", str(env_file),
        "-i", f"{wheels}:/whl", "-i", f"{certs}:/etc/pki/ca-trust/source/anchors",
        "--incremental=false", "--rm", "--pull-policy=never",
        str(tmp_path), "--context-dir=model", "--ref", "main", BUILDER, "router:0.1",
    ])
    assert status == 0
    [(opts, scribe, bindings)] = builds
    assert opts.source == str(tmp_path)
    assert opts.tag == "router:0.1"
    assert opts.context_dir == "model"
    assert opts.ref == "main"
    assert opts.env == {"PIP_TRUSTED_HOST": "pypi.example.com", "SERVICE_TYPE": "ROUTER"}
    assert opts.wheels == wheels.resolve()
    assert list(bindings.values()) == ["ca-certificates"]
    assert opts.clear_cache is True
    assert opts.labels == {"io.k8s.display-name": "router:0.1",
                           "io.openshift.s2i.build.image": BUILDER}
    assert opts.output == "engine"
    assert scribe.verbose and not scribe.quiet


def test_plain_seed_form_builds_the_local_dir(builds, model):
    assert main(["build", str(model), BUILDER, "my-model"]) == 0
    [(opts, scribe, _)] = builds
    assert (opts.source, opts.tag, opts.clear_cache, opts.wheels) == (
        str(model), "my-model", False, None)
    assert not scribe.verbose


def test_quiet_reaches_seldon_build(builds, model):
    assert main(["build", "-q", str(model), BUILDER, "my-model"]) == 0
    assert builds[0][1].quiet
