"""Real builds of the fixture app on the stack images: launcher, reuse, reproducibility, secrets.

One module-scoped sequence of builds (each takes about a second) shared by the tests.
"""

import io
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from seldon_detect.scribe import Scribe
from seldon_platform.build import BuildOptions, build

pytestmark = pytest.mark.engine

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "s3cr3t-Bind-" + uuid.uuid4().hex[:8]
ENV_SECRET = "envpass-" + uuid.uuid4().hex[:8]


def run_build(app, tag, cache, **kw):
    out = io.StringIO()
    opts = BuildOptions(
        source=str(app), tag=tag, builder=FIXTURES / "builder.toml", cache_root=cache, **kw
    )
    result = build(opts, Scribe(stream=out))
    return result, out.getvalue()


def statuses(result):
    return {r.name: r.status for r in result.export.reports}


@pytest.fixture(scope="module")
def builds(engine, stack_images, tmp_path_factory):
    root = tmp_path_factory.mktemp("platform-builds")
    app = root / "app"
    shutil.copytree(FIXTURES / "app", app)
    binding = root / "creds"
    binding.mkdir()
    (binding / "type").write_text("pip")
    (binding / "password").write_text(SECRET)
    tag = f"localhost/seldon-build-test-{uuid.uuid4().hex[:8]}:latest"
    cache = root / "cache"
    secret_env = {
        "USER_SETTING": "hello",
        "PIP_INDEX_URL": f"https://user:{ENV_SECRET}@127.0.0.1/simple",
    }
    common = dict(env=secret_env, bindings=[binding])
    steps = {}
    steps["first"] = run_build(app, tag, cache, **common)
    steps["first_id"] = engine.image_inspect(tag)["Id"]
    steps["noop"] = run_build(app, tag, cache, **common)
    (app / "model.txt").write_text("model-v2\n")
    steps["code"] = run_build(app, tag, cache, **common)
    steps["code_id"] = engine.image_inspect(tag)["Id"]
    (app / "requirements.txt").write_text("numpy==2.0\n")
    steps["deps"] = run_build(app, tag, cache, **common)
    steps.update(tag=tag, cache=cache, root=root, app=app)
    yield steps
    ids = {steps[k][0].image_id.split(":")[1] for k in ("first", "noop", "code", "deps")}
    engine.run("rmi", "-f", tag, *sorted(ids), check=False, capture=True)


def run_image(engine, tag, *args, entrypoint=None, user=None):
    cmd = ["run", "--rm"]
    if user:
        cmd += ["--user", user]
    if entrypoint:
        cmd += ["--entrypoint", entrypoint]
    proc = engine.run(*cmd, tag, *args, capture=True)
    return proc.stdout.decode()


def test_first_build_runs_through_the_launcher(engine, builds):
    result, log = builds["first"]
    assert set(statuses(result).values()) == {"new"}
    assert "test/never@0.0.1: skip" in log
    shown = json.loads(run_image(engine, builds["tag"]).splitlines()[-1])
    assert shown["argv"] == ["default-arg"]
    assert shown["env"]["PORT"] == "9000"
    assert shown["env"]["WORKERS"] == "3"  # from exec.d
    assert shown["env"]["ONLY_WEB"] == "yes"
    assert shown["cwd"] == "/workspace"


def test_any_uid_can_run_the_image_and_user_commands_work(engine, builds):
    tag = builds["tag"]
    shown = json.loads(run_image(engine, tag, "x", user="12345:0").splitlines()[-1])
    assert shown["uid"] == 12345 and shown["argv"] == ["x"]
    assert (
        run_image(engine, tag, "--", "hello-deps", entrypoint="/cnb/lifecycle/launcher").strip()
        == "deps-ok"
    )
    assert (
        run_image(engine, tag, "echo port=$PORT", entrypoint="/cnb/lifecycle/launcher").strip()
        == "port=9000"
    )
    other = json.loads(run_image(engine, tag, entrypoint="/cnb/process/other").splitlines()[-1])
    assert other["argv"] == ["fixed", "other-arg"] and other["env"]["ONLY_WEB"] is None


def test_noop_rebuild_gives_the_same_image(builds):
    result, log = builds["noop"]
    assert result.image_id == builds["first"][0].image_id
    assert result.image_id == "sha256:" + builds["first_id"]
    assert statuses(result)["test/env:tools"] == "reused"
    assert {s for n, s in statuses(result).items() if n != "test/env:tools"} == {"unchanged"}
    assert "deps: reusing cached layer" in log
    deps = {r.name: r for r in result.export.reports}["test/env:deps"]
    assert deps.reason == "cached copy untouched"  # taken over without writing a new tar


def test_code_only_rebuild_changes_only_the_app_layer(builds):
    result, _ = builds["code"]
    assert builds["code_id"] != builds["first_id"]
    changed = {n for n, s in statuses(result).items() if s not in ("unchanged", "reused")}
    assert changed == {"app"}


def test_dependency_change_rebuilds_the_env_layer_with_a_reason(builds):
    result, log = builds["deps"]
    assert "deps: installing (requirements changed" in log
    report = {r.name: r for r in result.export.reports}["test/env:deps"]
    assert report.status == "changed"
    assert report.reason == "metadata changed: requirements"
    assert "changed   test/env:deps" in log and "metadata changed: requirements" in log


def test_secrets_reach_no_layer_config_label_or_cache(engine, builds):
    dump = builds["root"] / "dump"
    subprocess.run(
        [
            "skopeo",
            "copy",
            "--quiet",
            "--dest-oci-accept-uncompressed-layers",
            f"containers-storage:{builds['tag']}",
            f"oci:{dump}:x",
        ],
        env=engine.env,
        check=True,
        capture_output=True,
    )
    blobs = list((dump / "blobs" / "sha256").iterdir())
    assert len(blobs) > 8
    for blob in blobs:
        data = blob.read_bytes()
        assert SECRET.encode() not in data, blob
        assert ENV_SECRET.encode() not in data, blob
    for path in builds["cache"].rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data and ENV_SECRET.encode() not in data, path
    _, log = builds["first"]
    assert "using binding creds" in log  # the build did see the secret


@pytest.mark.parametrize("kind", ["oci-archive", "oci-layout"])
def test_oci_outputs_stand_alone(engine, builds, tmp_path, kind):
    out = tmp_path / "image"
    run_build(
        builds["app"],
        f"localhost/unused:{kind}",
        builds["root"] / f"cache-{kind}",
        output=kind,
        output_path=out,
    )
    ref = f"oci-archive:{out}" if kind == "oci-archive" else f"oci:{out}:localhost/unused:{kind}"
    proc = subprocess.run(
        ["skopeo", "inspect", "--config", "--raw", ref],
        env=engine.env,
        capture_output=True,
        check=True,
    )
    config = json.loads(proc.stdout)
    assert config["config"]["Entrypoint"] == ["/cnb/process/web"]
    assert "io.buildpacks.lifecycle.metadata" in config["config"]["Labels"]
    assert not engine.image_exists(f"localhost/unused:{kind}")
    if kind == "oci-layout":
        # every blob the manifest names is in the layout (run image layers included)
        index = json.loads((out / "index.json").read_text())
        digest = index["manifests"][0]["digest"].split(":")[1]
        manifest = json.loads((out / "blobs" / "sha256" / digest).read_text())
        for layer in manifest["layers"]:
            assert (out / "blobs" / "sha256" / layer["digest"].split(":")[1]).is_file()


def test_inspect_describes_processes_layers_and_sbom(engine, builds):
    from seldon_platform.inspect import describe

    text = describe(engine, builds["tag"])
    assert "web (default): python3 /workspace/show.py default-arg  [test/app]" in text
    assert "test/env:deps" in text and "buildpack test/env@0.0.1 (launch,build,cache)" in text
    assert "application source (/workspace)" in text
    assert "test_env/deps: cdx.json, 0 components" in text
