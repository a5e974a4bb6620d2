"""An image built like Seldon Core's own example repositories (see SELDON_REPO_SHAPE):
labels, settings from -e/-E in the model's environment, seldon_core imports,
requestPath, and commands run in the image."""

from __future__ import annotations

import json

import pytest
import requests

pytestmark = [pytest.mark.engine, pytest.mark.images("seldon-repo-shape")]


def test_labels_from_image_metadata_and_s2i(images, engine):
    build = images.image("seldon-repo-shape")
    labels = json.loads(engine.run("image", "inspect", build.image, "--format",
                                   "{{json .Labels}}", capture=True).stdout)
    assert labels["name"] == "Shaped Model" and labels["vendor"] == "e2e"
    assert labels["version"] == "0.3"
    assert labels["io.k8s.display-name"] == build.image
    assert labels["io.openshift.s2i.build.image"] == "seldonio/seldon-core-s2i-python3:1.18.2"
    assert "`cp image_metadata.json /tmp/.s2i/image_metadata.json`: done" in \
        " ".join(build.log.split())


def test_settings_reach_the_model_and_request_path_is_set(images, runner):
    image = images.image("seldon-repo-shape").image
    container = runner.serve(image, env={"PREDICTIVE_UNIT_ID": "mean"})
    try:
        body = requests.post(container.url("/api/v1.0/predictions"),
                             json={"data": {"ndarray": [[1.0, 3.0]]}}, timeout=30).json()
        assert body["data"]["ndarray"] == [[2.0]]
        assert body["meta"]["tags"] == {"setting": "from-env-file", "threads": "1",
                                        "storage": True, "flag": True}
        assert body["meta"]["requestPath"] == {"mean": "NOT_IMPLEMENTED:NOT_IMPLEMENTED"}
    finally:
        container.remove()


def test_commands_run_in_the_image_with_its_environment(images, engine):
    image = images.image("seldon-repo-shape").image
    script = 'echo "$MODEL_NAME"; python -c "import seldon_core.utils, sys; print(sys.prefix)"'
    done = engine.run("run", "--rm", image, "bash", "-c", script, capture=True)
    assert done.stdout.decode().splitlines() == ["MeanModel", "/layers/seldon_python-venv/venv"]
    # run-time values still override the build's
    done = engine.run("run", "--rm", "-e", "MY_SETTING=at-run-time", image, "printenv",
                      "MY_SETTING", capture=True)
    assert done.stdout.decode().strip() == "at-run-time"
