"""Which images the e2e suite builds, and with which command line.

Seed command lines (`seldon-s2i ...`) are the s2i guide's, word for word apart
from the tool's name; only their <placeholders> are filled in (the private
index is a local http server, so its URL is ours). The other half of the
examples is built with `seldon-build build`. Each image is built once per
session and shared by every test that names it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .builds import EXAMPLES, BuildSpec
from .python_versions import py312_repo, s2i_python38_repo, sklearn38_repo

BUILDER = "seldonio/seldon-core-s2i-python3:1.11.0-dev"
SEED_GENERAL = f"seldon-s2i build <src-folder> {BUILDER} <my-image-name>"
SEED_WHEELS = (f"seldon-s2i build -i <python-wheel-folder>:/whl <src-folder> {BUILDER} "
               "<my-image-name>")
SEED_GIT_CONTEXT = (f"seldon-s2i build <git-repo> --context-dir=<context-dir> {BUILDER} "
                    "<my-image-name>")
SEED_PRIVATE_INDEX = (
    "seldon-s2i build \\\n"
    "   -e EXTRA_INDEX_URL=http://<pypi-user>:<pypi-auth>@<index-host>/simple \\\n"
    "   -e PIP_TRUSTED_HOST=<index-host> \\\n"
    "   <src-folder> \\\n"
    f"   {BUILDER} \\\n"
    "   <my-image-name>"
)
SELDON_BUILD = "seldon-build build <src-folder> -t <my-image-name>"
SELDON_CONDA = SELDON_BUILD + " --binding <conda-binding> --binding <ca-binding>"
OWN_PYTHON = " --env BP_CPYTHON_URL=<py{v}-url> --env BP_CPYTHON_SHA256=<py{v}-sha>"
S2I_PYTHON38 = ("seldon-s2i build -e BP_CPYTHON_URL=<py38-url> -e BP_CPYTHON_SHA256=<py38-sha> "
                "<src-folder> seldonio/seldon-core-s2i-python38:1.17.1 <my-image-name>")

BROKEN_LOAD_MARKER = "e2e-load-failure-7d1c"
BINDING_MARKER = "e2e-binding-content-3b8f0c"


def wheel_folder(source: Path, values: dict) -> dict:
    """The README's `python3 ../make_wheel.py wheel-src wheels`, kept outside the source."""
    wheels = source.parent / f"{source.name}-wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    subprocess.run([sys.executable, str(EXAMPLES / "make_wheel.py"), str(source / "wheel-src"),
                    str(wheels)], check=True, capture_output=True)
    return {"python-wheel-folder": str(wheels)}


def git_repository(source: Path, values: dict) -> dict:
    """A local git repository holding the example two folders down (s2i's --context-dir)."""
    repo = source.parent / f"{source.name}-git"
    shutil.rmtree(repo, ignore_errors=True)
    shutil.copytree(source, repo / "models" / "raw-model")
    git = ["git", "-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid", "-C", str(repo)]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "model"], check=True)
    return {"git-repo": str(repo), "context-dir": "models/raw-model"}


def pip_binding(source: Path, values: dict) -> dict:
    """A `pip` service binding beside (never inside) the source, as the README shows."""
    binding = source.parent / f"{source.name}-binding"
    binding.mkdir(exist_ok=True)
    (binding / "type").write_text("pip\n")
    (binding / "pip.conf").write_text(
        f"# {BINDING_MARKER}\n[global]\nextra-index-url = {values['index-url']}\n"
        f"trusted-host = {values['index-host'].split(':')[0]}\n")
    return {"binding": str(binding)}


def broken_load(source: Path, values: dict) -> dict:
    """A model whose load() raises: the container must stop with the error in its log."""
    (source / ".s2i").mkdir()
    (source / ".s2i" / "environment").write_text("MODEL_NAME=Broken\nSERVICE_TYPE=MODEL\n")
    (source / "Broken.py").write_text(
        "class Broken:\n"
        "    def load(self):\n"
        f"        raise RuntimeError('{BROKEN_LOAD_MARKER}: the weights file is missing')\n\n"
        "    def predict(self, X, names):\n"
        "        return X\n")
    return {}


JQ_MODEL = """\
import ctypes
import json
import subprocess


class JqModel:
    def load(self):
        # the library of the Debian package, found through LD_LIBRARY_PATH
        lib = ctypes.CDLL("libjq.so.1")
        lib.jq_init.restype = ctypes.c_void_p
        assert lib.jq_init()
        with open("/proc/self/maps") as maps:
            self.library = next(line.split()[-1] for line in maps if "libjq.so" in line)

    def predict_raw(self, message):
        # the program of the Debian package, found through PATH
        program = message["jsonData"]["program"]
        done = subprocess.run(["jq", "-c", program], input=json.dumps(message["jsonData"]["doc"]),
                              capture_output=True, text=True, check=True)
        return {"jsonData": {"result": json.loads(done.stdout), "library": self.library}}
"""


def debian_packages(source: Path, values: dict) -> dict:
    """A model that needs a program and a library from Debian: jq from the Aptfile, tzdata
    from project.toml (already in the run image, so nothing is added for it)."""
    (source / ".s2i").mkdir()
    (source / ".s2i" / "environment").write_text("MODEL_NAME=JqModel\nSERVICE_TYPE=MODEL\n")
    (source / "JqModel.py").write_text(JQ_MODEL)
    (source / "Aptfile").write_text("# the jq program, and libjq which the model loads\njq\n")
    (source / "project.toml").write_text('[io.seldon.debian-packages]\ninstall = ["tzdata"]\n')
    return {}


# The shape of Seldon Core's own example repositories (mean_classifier, echo-model,
# runtime_metrics_tags): built with their Makefile's `s2i build -E environment .`
# line, an `assemble` that copies image_metadata.json for labels, and model code
# importing seldon_core. The files are ours.
SELDON_REPO_SHAPE = ("seldon-s2i build -E environment -e OMP_NUM_THREADS=1 . "
                     "seldonio/seldon-core-s2i-python3:1.18.2 <my-image-name>")
SHAPED_MODEL = """\
import os

import seldon_core
from seldon_core.user_model import SeldonComponent, SeldonResponse
from seldon_core.utils import getenv_as_bool


class MeanModel(SeldonComponent):
    def predict(self, X, names, meta=None):
        tags = {"setting": os.environ.get("MY_SETTING"),
                "threads": os.environ.get("OMP_NUM_THREADS"),
                "storage": seldon_core.Storage.download(".") == ".",
                "flag": getenv_as_bool("MY_FLAG")}
        return SeldonResponse(X.mean(axis=1, keepdims=True), tags=tags)
"""
SHAPED_ASSEMBLE = """\
#!/bin/bash
echo "Before assembling"
/s2i/bin/assemble
rc=$?
if [ $rc -ne 0 ]; then
    exit $rc
fi
mkdir -p /tmp/.s2i/
cp image_metadata.json /tmp/.s2i/image_metadata.json
"""


def seldon_repo_shape(source: Path, values: dict) -> dict:
    (source / ".s2i" / "bin").mkdir(parents=True)
    (source / ".s2i" / "bin" / "assemble").write_text(SHAPED_ASSEMBLE)
    (source / "image_metadata.json").write_text(
        '{"labels": [{"name": "Shaped Model"}, {"vendor": "e2e"}, {"version": "0.3"}]}')
    (source / "MeanModel.py").write_text(SHAPED_MODEL)
    # an s2i -E file: // comments, spaces around `=`, a line without `=`
    (source / "environment").write_text(
        "// settings of the model\nMODEL_NAME = MeanModel\nSERVICE_TYPE=MODEL\n"
        "PERSISTENCE =0\nMY_SETTING=from-env-file\nMY_FLAG=true\nnot a setting\n")
    return {}


def _s2i(name: str, example: str) -> BuildSpec:
    return BuildSpec(name, example, SEED_GENERAL)


def _build(name: str, example: str) -> BuildSpec:
    return BuildSpec(name, example, SELDON_BUILD)


SPECS: dict[str, BuildSpec] = {spec.name: spec for spec in [
    _s2i("sklearn-iris", "sklearn-iris"),
    _build("metrics-tags", "metrics-tags"),
    BuildSpec("wheel-folder", "wheel-folder", SEED_WHEELS, prepare=wheel_folder),
    _build("wheel-folder-missing", "wheel-folder"),
    BuildSpec("private-index-env", "private-index", SEED_PRIVATE_INDEX, needs=("private-index",)),
    BuildSpec("private-index-binding", "private-index", SELDON_BUILD + " --binding <binding>",
              prepare=pip_binding, needs=("private-index",)),
    _build("numpy-setup-py", "numpy-setup-py"),
    _s2i("subpackage", "subpackage"),
    _build("parameters", "parameters"),
    BuildSpec("raw-model", "raw-model", SEED_GIT_CONTEXT, prepare=git_repository),
    _build("passthrough", "passthrough"),
    _s2i("router", "router"),
    _build("transformer", "transformer"),
    _s2i("output-transformer", "output-transformer"),
    _build("combiner", "combiner"),
    _s2i("outlier-detector", "outlier-detector"),
    BuildSpec("broken-load", None, SELDON_BUILD, prepare=broken_load),
    BuildSpec("debian-packages", None, SELDON_BUILD, prepare=debian_packages),
    BuildSpec("seldon-repo-shape", None, SELDON_REPO_SHAPE, prepare=seldon_repo_shape),
    _build("rebuild", "passthrough"),
    BuildSpec("conda-env", "conda-env", SELDON_CONDA, needs=("conda-forge",)),
    BuildSpec("combined", "combined", SELDON_CONDA, needs=("conda-forge",)),
    BuildSpec("python38-sklearn", None, SELDON_BUILD + OWN_PYTHON.format(v=38),
              prepare=sklearn38_repo, needs=("pbs-dists",)),
    BuildSpec("python312", None, SELDON_BUILD + OWN_PYTHON.format(v=312), prepare=py312_repo,
              needs=("pbs-dists",)),
    BuildSpec("s2i-python38", None, S2I_PYTHON38, prepare=s2i_python38_repo,
              needs=("pbs-dists",)),
]}
