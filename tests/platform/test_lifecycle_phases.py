"""The lifecycle phases run on the host against the fixture buildpacks (no container)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seldon_detect import tomlfile
from seldon_platform.lifecycle.api import PhaseError
from seldon_platform.lifecycle.processes import LaunchConfig

FIXTURES = Path(__file__).parent / "fixtures"
BUILDPACKS = {"test/env": "env", "test/app": "app", "test/never": "never"}

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/python3").exists(), reason="the fixture buildpacks run /usr/bin/python3"
)


@pytest.fixture
def dirs(tmp_path):
    store = tmp_path / "buildpacks"
    for bp_id, name in BUILDPACKS.items():
        target = store / bp_id.replace("/", "_") / "0.0.1"
        target.parent.mkdir(parents=True)
        target.symlink_to(FIXTURES / "buildpacks" / name)
    app = tmp_path / "workspace"
    shutil.copytree(FIXTURES / "app", app)
    (tmp_path / "layers").mkdir()
    (tmp_path / "platform" / "env").mkdir(parents=True)
    (tmp_path / "platform" / "env" / "USER_SETTING").write_text("from-user")
    (tmp_path / "build-config" / "env").mkdir(parents=True)
    (tmp_path / "build-config" / "env" / "OPERATOR_SETTING").write_text("from-operator")
    order = {
        "order": [
            {
                "group": [
                    {"id": "test/never", "optional": True},
                    {"id": "test/env"},
                    {"id": "test/app"},
                ]
            }
        ]
    }
    tomlfile.write(tmp_path / "order.toml", order)
    (tmp_path / "cache").mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "CNB_APP_DIR": str(app),
        "CNB_LAYERS_DIR": str(tmp_path / "layers"),
        "CNB_PLATFORM_DIR": str(tmp_path / "platform"),
        "CNB_BUILDPACKS_DIR": str(store),
        "CNB_BUILD_CONFIG_DIR": str(tmp_path / "build-config"),
        "CNB_ORDER_PATH": str(tmp_path / "order.toml"),
        "CNB_CACHE_DIR": str(tmp_path / "cache"),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    return tmp_path, env


def run(env, *phases):
    code = "import sys; from seldon_platform.lifecycle.main import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *phases], env=env, capture_output=True, text=True
    )


def test_detect_and_build_write_the_lifecycle_outputs(dirs):
    root, env = dirs
    proc = run(env, "detect", "restore", "build")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    layers = root / "layers"
    group = tomlfile.read(layers / "group.toml")["group"]
    assert [g["id"] for g in group] == ["test/env", "test/app"]
    plan = tomlfile.read(layers / "plan.toml")["entries"]
    assert plan[0]["providers"] == [{"id": "test/env", "version": "0.0.1"}]
    assert plan[0]["requires"] == [{"name": "python-env", "metadata": {"launch": True}}]
    assert "OPERATOR_SETTING=from-operator" in proc.stdout
    assert "USER_SETTING=from-user" in proc.stdout
    # the app buildpack's own assertions checked PATH, env/ and the .ignore rename
    assert (layers / "test_env" / "scratch.ignore").is_dir()
    assert not (layers / "test_env" / "scratch").exists()
    metadata = tomlfile.read(layers / "config" / "metadata.toml")
    assert metadata["buildpack-default-process-type"] == "web"
    assert [p["type"] for p in metadata["processes"]] == ["other", "web"]
    assert metadata["labels"] == [{"key": "org.example.test", "value": "yes"}]
    assert (layers / "sbom" / "launch" / "test_env" / "deps" / "sbom.cdx.json").is_file()
    assert (layers / "sbom" / "cache" / "test_env" / "deps" / "sbom.cdx.json").is_file()


def test_detect_failure_explains_every_buildpack(dirs):
    root, env = dirs
    (Path(env["CNB_APP_DIR"]) / "requirements.txt").unlink()
    proc = run(env, "detect")
    assert proc.returncode == 20
    assert "test/env@0.0.1: skip" in proc.stderr
    assert "no requirements.txt" in proc.stderr
    assert "test/never@0.0.1: skip" in proc.stderr


def test_failing_build_exits_51_with_its_output(dirs):
    root, env = dirs
    broken = Path(env["CNB_BUILDPACKS_DIR"]) / "test_broken" / "0.0.1"
    (broken / "bin").mkdir(parents=True)
    (broken / "buildpack.toml").write_text(
        'api = "0.10"\n[buildpack]\nid = "test/broken"\nversion = "0.0.1"\n'
    )
    (broken / "bin" / "detect").write_text("#!/bin/sh\nexit 0\n")
    (broken / "bin" / "build").write_text("#!/bin/sh\necho boom\nexit 7\n")
    for name in ("detect", "build"):
        (broken / "bin" / name).chmod(0o755)
    tomlfile.write(root / "order.toml", {"order": [{"group": [{"id": "test/broken"}]}]})
    proc = run(env, "detect", "build")
    assert proc.returncode == 51
    assert "boom" in proc.stdout
    assert "test/broken@0.0.1 failed (bin/build exit 7)" in proc.stderr


def test_restore_brings_back_cache_and_image_metadata(dirs):
    root, env = dirs
    assert run(env, "detect", "restore", "build").returncode == 0
    cache = root / "cache"
    shutil.copytree(root / "layers" / "test_env", cache / "test_env", symlinks=True)
    tomlfile.write(
        cache / "cache.toml",
        {"version": 1, "buildpacks": {"test/env": {"deps": {"sha": "sha256:abc"}}}},
    )
    previous = {
        "buildpacks": [
            {
                "key": "test/env",
                "layers": {
                    "deps": {"sha": "sha256:abc", "launch": True, "cache": True, "data": {}},
                    "tools": {"sha": "sha256:def", "launch": True,
                              "data": {"version": "1", "count": 3, "pins": [1], "on": True}},
                    # build = true without cache: the buildpack always makes it again
                    "venv": {"sha": "sha256:123", "launch": True, "build": True, "data": {"a": 1}},
                },
                "store": {"metadata": {"counter": 1}},
            }
        ]
    }
    layers = root / "layers"
    shutil.rmtree(layers)
    layers.mkdir()
    tomlfile.write(layers / "analyzed.toml", {"metadata": previous})
    proc = run(env, "detect", "restore")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    bp = layers / "test_env"
    assert (bp / "deps" / "installed.txt").is_file()
    deps = tomlfile.read(bp / "deps.toml")
    assert "types" not in deps and "requirements" in deps["metadata"]
    # whole numbers come back as floats, as upstream's JSON label and float64 make them
    assert tomlfile.read(bp / "tools.toml") == {
        "metadata": {"version": "1", "count": 3.0, "pins": [1.0], "on": True}}
    assert isinstance(tomlfile.read(bp / "tools.toml")["metadata"]["count"], float)
    assert not (bp / "tools").exists()
    assert not (bp / "venv.toml").exists() and not (bp / "venv").exists()
    assert tomlfile.read(bp / "store.toml") == {"metadata": {"counter": 1}}


def test_launch_cache_layer_is_not_restored_when_the_image_disagrees(dirs):
    root, env = dirs
    assert run(env, "detect", "restore", "build").returncode == 0
    cache = root / "cache"
    shutil.copytree(root / "layers" / "test_env", cache / "test_env", symlinks=True)
    tomlfile.write(
        cache / "cache.toml",
        {"version": 1, "buildpacks": {"test/env": {"deps": {"sha": "sha256:abc"}}}},
    )
    layers = root / "layers"
    shutil.rmtree(layers)
    layers.mkdir()
    previous = {"buildpacks": [{"key": "test/env", "layers": {"deps": {"sha": "sha256:other"}}}]}
    tomlfile.write(layers / "analyzed.toml", {"metadata": previous})
    proc = run(env, "detect", "restore")
    assert "does not match the previous image" in proc.stdout
    assert not (layers / "test_env" / "deps").exists()


def proc_toml(**kw):
    return {"type": "web", "command": ["x"], **kw}


def test_launch_config_rules():
    warnings = []
    config = LaunchConfig()
    config.add("a", "0.10", {"processes": [proc_toml(default=True)]}, warnings.append)
    assert config.default_type == "web"
    config.add("b", "0.10", {"processes": [proc_toml(command=["y"])]}, warnings.append)
    assert config.default_type == "" and warnings
    assert config.processes["web"]["command"] == ["y"]
    with pytest.raises(PhaseError, match="more than one default"):
        config.add(
            "c",
            "0.10",
            {"processes": [proc_toml(default=True), proc_toml(type="w", default=True)]},
            print,
        )
    with pytest.raises(PhaseError, match="direct"):
        config.add("c", "0.10", {"processes": [proc_toml(direct=True)]}, print)
    with pytest.raises(PhaseError, match="array"):
        config.add("c", "0.10", {"processes": [proc_toml(command="x y")]}, print)
    with pytest.raises(PhaseError, match="invalid process type"):
        config.add("c", "0.10", {"processes": [proc_toml(type="a b")]}, print)


@pytest.mark.parametrize("launch", [
    {"processes": [proc_toml(command=["python", 3])]},
    {"processes": [proc_toml(args=["--workers", 2])]},
    {"processes": [proc_toml(args="--debug")]},
    {"processes": [proc_toml(**{"working-dir": 1})]},
    {"processes": [proc_toml(default="yes")]},
    {"labels": [{"key": "k", "value": 1}]},
    {"labels": [{"value": "v"}]},
])
def test_launch_toml_values_upstream_cannot_decode_are_errors(launch):
    """Upstream decodes launch.toml into typed Go fields: a number where a string goes
    fails the build under pack, so it must here too (not be turned into text)."""
    with pytest.raises(PhaseError, match="launch.toml"):
        LaunchConfig().add("c", "0.10", launch, print)


def _bash_buildpack(store: Path, bp_id: str, plan: str, build: str = "exit 0",
                    sbom_formats: str = "") -> None:
    """A buildpack shaped like buildpacks/samples' bash ones: detect writes a plan."""
    bp_dir = store / bp_id.replace("/", "_") / "0.0.1"
    (bp_dir / "bin").mkdir(parents=True)
    (bp_dir / "buildpack.toml").write_text(
        f'api = "0.10"\n[buildpack]\nid = "{bp_id}"\nversion = "0.0.1"\n{sbom_formats}\n')
    (bp_dir / "bin" / "detect").write_text(f"#!/bin/sh\ncat >> \"$2\" <<'X'\n{plan}\nX\n")
    (bp_dir / "bin" / "build").write_text(f"#!/bin/sh\ncd \"$1\"\n{build}\n")
    for name in ("detect", "build"):
        (bp_dir / "bin" / name).chmod(0o755)


def test_a_plan_that_does_not_resolve_names_the_unmet_requirement(dirs):
    root, env = dirs
    store = Path(env["CNB_BUILDPACKS_DIR"])
    _bash_buildpack(store, "samples/hello-moon", '[[requires]]\nname = "some-world"')
    tomlfile.write(root / "order.toml", {"order": [{"group": [{"id": "samples/hello-moon"}]}]})
    proc = run(env, "detect")
    assert proc.returncode == 20, proc.stderr  # the lifecycle's "all failed" status
    assert "samples/hello-moon@0.0.1: pass" in proc.stderr
    assert "samples/hello-moon requires 'some-world', which no buildpack up to it provides" \
        in proc.stderr


@pytest.mark.parametrize("files, error", [
    # an SBOM of an untyped layer is still checked (upstream validates every layer's SBOM)
    ("echo > scratch.toml; echo {} > scratch.sbom.spdx.json", "undeclared SBOM media type"),
    ("echo '[types]' > deps.toml; echo 'launch = true' >> deps.toml; mkdir deps; "
     "echo {} > deps.sbom.xml.json", "unsupported SBOM file"),
    # upstream only looks at *.sbom.*.json: other files are not SBOMs
    ("echo '[types]' > deps.toml; echo 'launch = true' >> deps.toml; mkdir deps; "
     "echo notes > deps.sbom.txt", None),
])
def test_sbom_files_are_checked_as_upstream_does(dirs, files, error):
    root, env = dirs
    _bash_buildpack(Path(env["CNB_BUILDPACKS_DIR"]), "samples/sbom", "", files,
                    'sbom-formats = ["application/vnd.cyclonedx+json"]')
    tomlfile.write(root / "order.toml", {"order": [{"group": [{"id": "samples/sbom"}]}]})
    proc = run(env, "detect", "build")
    if error:
        assert proc.returncode == 52 and error in proc.stderr, proc.stdout + proc.stderr
    else:
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("targets, fits", [
    ('[[targets]]\nos = "linux"\narch = "s390x-nowhere"\n', False),
    ('[[targets]]\nos = "windows"\n', False),
    ('[[targets]]\nos = "linux"\n[[targets.distros]]\nname = "no-such-distro"\n', False),
    # upstream reads arch-variant; a spec-style `variant` is not read, so it matches anything
    ('[[targets]]\nos = "linux"\nvariant = "no-such-variant"\n', True),
    ('[[targets]]\nos = "windows"\n[[targets]]\nos = "linux"\n', True),
    ('[[stacks]]\nid = "*"\n', True),
    ("", True),  # no targets: linux, inferred from bin/build
])
def test_detect_refuses_a_required_buildpack_whose_targets_do_not_fit(dirs, targets, fits):
    """Upstream's detector (Platform API >= 0.12; ours is 0.13) checks `[[targets]]`
    against the run image before a required buildpack can pass."""
    root, env = dirs
    store = Path(env["CNB_BUILDPACKS_DIR"])
    _bash_buildpack(store, "samples/targeted", "")
    descriptor = store / "samples_targeted" / "0.0.1" / "buildpack.toml"
    descriptor.write_text(descriptor.read_text() + targets)
    tomlfile.write(root / "order.toml", {"order": [{"group": [{"id": "samples/targeted"}]}]})
    proc = run(env, "detect")
    if fits:
        assert proc.returncode == 0, proc.stderr
    else:
        assert proc.returncode == 21, proc.stderr
        assert "unable to satisfy target os/arch constraints" in proc.stderr


def test_an_optional_buildpack_whose_targets_do_not_fit_still_runs(dirs):
    root, env = dirs
    store = Path(env["CNB_BUILDPACKS_DIR"])
    _bash_buildpack(store, "samples/targeted", "")
    descriptor = store / "samples_targeted" / "0.0.1" / "buildpack.toml"
    descriptor.write_text(descriptor.read_text() + '[[targets]]\nos = "windows"\n')
    tomlfile.write(root / "order.toml",
                   {"order": [{"group": [{"id": "samples/targeted", "optional": True}]}]})
    proc = run(env, "detect")
    assert proc.returncode == 0, proc.stderr
