"""`seldon-build rebase`: a built image moves onto a patched run image without a rebuild,
keeps its app layers byte for byte and still serves; bad targets are refused."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from seldon_platform.engine import labels_of
from seldon_platform.exporter.image import LIFECYCLE_LABEL

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "raw-model"

pytestmark = pytest.mark.engine


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "seldon_platform.cli", *args],
                          capture_output=True, text=True)


def _diff_ids(engine, ref: str) -> list[str]:
    return list(engine.image_inspect(ref)["RootFS"]["Layers"])


def _patched_run_image(engine, stack_images, tmp_path: Path, name: str, extra: str = "") -> str:
    """The stack's run image plus one file, as a security update would add a layer."""
    ctx = tmp_path / name
    ctx.mkdir()
    (ctx / "patch.txt").write_text(f"{name}\n")
    (ctx / "Containerfile").write_text(
        f"FROM {stack_images.run}\nCOPY patch.txt /etc/seldon-run-patch\n{extra}")
    ref = f"localhost/seldon-test/{name}-{uuid.uuid4().hex[:8]}:1"
    engine.run("build", "--pull=never", "-t", ref, str(ctx), capture=True)
    return ref


def _serve_once(engine, ref: str) -> dict:
    cid = engine.run("run", "-d", "-p", "127.0.0.1::9000", ref, capture=True).stdout.decode() \
        .strip()
    try:
        port = engine.run("port", cid, "9000", capture=True).stdout.decode().split(":")[-1] \
            .strip()
        deadline = time.monotonic() + 60
        while True:
            try:
                reply = requests.post(f"http://127.0.0.1:{port}/api/v1.0/predictions",
                                      json=json.loads((EXAMPLE / "request.json").read_text()),
                                      timeout=5)
                return reply.json()
            except requests.RequestException:
                assert time.monotonic() < deadline, "the container never answered"
                time.sleep(0.25)
    finally:
        engine.run("rm", "-f", cid, capture=True, check=False)


def test_rebase_onto_a_patched_run_image(engine, stack_images, tmp_path):
    tag = f"localhost/seldon-test/rebase-{uuid.uuid4().hex[:8]}:1"
    patched = _patched_run_image(engine, stack_images, tmp_path, "run-patched")
    frozen = _patched_run_image(engine, stack_images, tmp_path, "run-frozen",
                                'LABEL io.buildpacks.rebasable="false"\n')
    try:
        built = _cli("build", str(EXAMPLE), "-t", tag, "--cache-dir", str(tmp_path / "cache"))
        assert built.returncode == 0, built.stdout + built.stderr
        before = _diff_ids(engine, tag)
        run_layers = _diff_ids(engine, stack_images.run)
        app_layers = before[len(run_layers):]
        assert before[:len(run_layers)] == run_layers

        same = _cli("rebase", tag)  # the stack's run image has not changed
        assert same.returncode == 0, same.stderr
        assert "is already on" in same.stdout

        done = _cli("rebase", tag, "--run-image", patched)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"{len(run_layers)} run-image layers swapped, {len(app_layers)} app layers kept" \
            in done.stdout
        after = _diff_ids(engine, tag)
        assert after == _diff_ids(engine, patched) + app_layers  # app layers byte for byte
        metadata = json.loads(labels_of(engine.image_inspect(tag))[LIFECYCLE_LABEL])
        assert metadata["runImage"]["topLayer"] == after[len(after) - len(app_layers) - 1]
        assert metadata["runImage"]["image"].endswith(patched.split("/", 1)[1])
        shown = engine.run("run", "--rm", "--entrypoint", "cat", tag, "/etc/seldon-run-patch",
                           capture=True)
        assert shown.stdout.decode() == "run-patched\n"
        answer = _serve_once(engine, tag)
        assert answer["jsonData"] == {"longest": "quick", "words": 4}

        refused = _cli("rebase", tag, "--run-image", frozen)
        assert refused.returncode == 1
        assert f"ERROR: Run image {frozen} is not rebasable" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert _diff_ids(engine, tag) == after  # untouched

        not_ours = _cli("rebase", stack_images.run)
        assert not_ours.returncode == 1
        assert "was not built with buildpacks" in not_ours.stderr
    finally:
        for ref in (tag, patched, frozen):
            engine.run("rmi", "-f", ref, capture=True, check=False)
