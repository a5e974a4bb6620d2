"""Images on the Python the model was made for: 3.8 with scikit-learn 0.24.2, and 3.12.

Each serves the prediction computed outside the image on the same Python, and
reports `platform.python_version()` from inside the container; the interpreter
runs on the run image's own libraries, as a random UID with a read-only root;
a rebuild reuses the interpreter layer without downloading it.
"""

from __future__ import annotations

import json
import math

import pytest
import requests

pytestmark = [pytest.mark.engine,
              pytest.mark.images("python38-sklearn", "python312", "s2i-python38")]

INTERPRETER = "/layers/seldon_cpython/cpython/bin/python3"
SBOM = "/layers/sbom/launch/seldon_cpython/cpython/sbom.cdx.json"
#: the stdlib extension modules that need a shared library of the run image
LINKED = "import ssl, ctypes, sqlite3, lzma, bz2, zlib; ctypes.CDLL(None); print('ok')"


def _close(got, want) -> bool:
    return len(got) == len(want) and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for ga, wa in zip(got, want)
        for a, b in zip(ga, wa))


def _predict(url: str, rows) -> dict:
    reply = requests.post(url + "/api/v1.0/predictions", json={"data": {"ndarray": rows}},
                          timeout=30)
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize("name", ["python38-sklearn", "python312"])
def test_serves_on_the_python_asked_for(images, runner, name):
    from .python_versions import SAMPLES

    build = images.image(name)
    minor = build.values["python"]
    assert f"asked for {minor} by " in build.log
    container = runner.serve(build.image)
    try:
        answer = _predict(container.url(), SAMPLES)
        assert _close(answer["data"]["ndarray"], build.values["expected"]), answer
        assert answer["meta"]["tags"]["python"].startswith(minor + "."), answer["meta"]
        linked = container.engine.run("exec", container.id, INTERPRETER, "-c", LINKED,
                                      capture=True, check=False)
        assert linked.stdout.decode().strip() == "ok", linked.stderr.decode()
        sbom = container.engine.run("exec", container.id, "cat", SBOM, capture=True)
        component = json.loads(sbom.stdout)["components"][0]
        sha = build.values["py" + minor.replace(".", "") + "-sha"]
        assert component["hashes"] == [{"alg": "SHA-256", "content": sha}]
        assert component["purl"] == f"pkg:generic/cpython@{minor}"
    finally:
        container.remove()


def test_random_uid_and_read_only_root_on_python38(images, runner):
    from .python_versions import SAMPLES

    build = images.image("python38-sklearn")
    container = runner.serve(build.image, "--user", "123456:0", "--read-only",
                             "--tmpfs", "/tmp")
    try:
        answer = _predict(container.url(), SAMPLES)
        assert _close(answer["data"]["ndarray"], build.values["expected"])
        assert answer["meta"]["tags"]["python"].startswith("3.8.")
    finally:
        container.remove()


def test_the_s2i_builder_name_picks_python38(images, runner):
    build = images.image("s2i-python38")
    assert "asked for 3.8 by the s2i builder name (SELDON_S2I_PYTHON)" in build.log
    container = runner.serve(build.image)
    try:
        assert _predict(container.url(), [[1.0, 2.0]])["meta"]["tags"]["python"] \
            .startswith("3.8.")
    finally:
        container.remove()


def test_a_rebuild_reuses_the_interpreter(images, pbs_dists):
    images.image("python312")
    fetched = len(pbs_dists.requested)
    again = images.run_again("python312", "no-op")
    assert again.ok, again.describe()
    assert "Reusing Python 3.12" in again.log and "nothing downloaded" in again.log
    assert "Reusing the Python environment" in again.log
    assert len(pbs_dists.requested) == fetched, "the rebuild downloaded the interpreter"
