"""Layers, env, typed metadata and the build result the entry point writes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

from seldon_detect.cnb.env import LayerEnv, write_env_dirs
from seldon_detect.cnb.launch import Process
from seldon_detect.cnb.layers import LayerTomlError, LayerTypes, read_layer, read_layers
from seldon_detect.cnb.metadata import LayerMetadata, MetadataMismatch, contents, flat, labelled
from seldon_detect.cnb.result import BuildResult, LayerResult, write_result
from seldon_detect.cnb.reuse import LayersDir
from seldon_detect.tomlfile import dumps

CACHE = LayerTypes(cache=True)


@dataclass(frozen=True)
class DepsMetadata(LayerMetadata):
    python: str = labelled("the interpreter")
    packages: tuple[str, ...] = ()
    inputs: Mapping[str, str] = flat("input-")
    installed: tuple[str, ...] = contents()


def _restore(layers_dir, name, metadata, contents=True):
    """What the restorer leaves: metadata without [types], the directory for cached layers."""
    (layers_dir / f"{name}.toml").write_text(dumps({"metadata": metadata}))
    if contents:
        (layers_dir / name).mkdir(exist_ok=True)


def _toml(path):
    return tomllib.loads(path.read_text())


def test_metadata_round_trips_through_the_toml_table():
    meta = DepsMetadata("3.11.2 /usr/bin/python3", ("a", "b"), {"requirements": "sha256:1"},
                        ("a 1.0",))
    table = meta.to_toml()
    assert table == {"python": "3.11.2 /usr/bin/python3", "packages": ["a", "b"],
                     "input-requirements": "sha256:1", "installed": ["a 1.0"]}
    assert DepsMetadata.from_toml(tomllib.loads(dumps(table))) == meta


@dataclass(frozen=True)
class ToolMetadata(LayerMetadata):
    versions: Mapping[str, str]
    count: int = 0
    pinned: bool = False


def test_tables_numbers_and_flags_round_trip():
    meta = ToolMetadata({"uv": "0.4.1", "pip": "24.0"}, 2, True)
    assert meta.to_toml() == {"versions": {"pip": "24.0", "uv": "0.4.1"}, "count": 2,
                              "pinned": True}
    assert ToolMetadata.from_toml(tomllib.loads(dumps(meta.to_toml()))) == meta
    assert ToolMetadata({"uv": "0.5.0"}).changes_from(meta) == [
        "versions changed from {pip: 24.0, uv: 0.4.1} to {uv: 0.5.0}",
        "count changed from 2 to 0", "pinned changed from True to False"]


def test_every_input_field_is_compared_and_named_in_the_reason():
    old = DepsMetadata("3.11.2 /a", ("a",), {"requirements": "1", "project": "p"}, ("x 1",))
    new = DepsMetadata("3.12.1 /a", ("a",), {"requirements": "2"}, ("y 2",))
    assert new.changes_from(old) == [
        "the interpreter changed from 3.11.2 /a to 3.12.1 /a",
        "input-project changed from p to (none)",
        "input-requirements changed from 1 to 2",
    ]
    # a contents field records what the layer holds: it never forces a rebuild
    assert DepsMetadata("3.11.2 /a", ("a",), {}, ("z 3",)).changes_from(
        DepsMetadata("3.11.2 /a", ("a",), {}, ())) == []


def test_reuse_decision_and_its_reasons(tmp_path):
    layers = LayersDir(tmp_path)
    wanted = DepsMetadata("3.11.2 /a", ("a",))
    assert layers.reuse("deps", wanted).reasons == ("no previous layer",)
    _restore(tmp_path, "deps", wanted.to_toml())
    reuse = layers.reuse("deps", wanted)
    assert reuse.reused and reuse.previous == wanted
    assert layers.reuse("deps", DepsMetadata("3.11.2 /a", ("a", "b"))).reasons == (
        "packages changed from [a] to [a, b]",)
    (tmp_path / "deps").rmdir()
    assert layers.reuse("deps", wanted).reasons == ("layer contents were not restored",)


@pytest.mark.parametrize("table, why", [
    ({"python": "x", "packages": []}, "it has no installed"),
    ({"python": "x", "packages": "a", "installed": []}, "its packages is not a list"),
    ({"python": 3, "packages": [], "installed": []}, "its python is not a str"),
    ({"python": "x", "packages": [1], "installed": []}, "its packages is not a str"),
    ({"python": "x", "packages": [], "installed": [], "solver": "conda"},
     "it has solver, which this version does not know"),
])
def test_metadata_of_another_buildpack_version_means_rebuild(tmp_path, table, why):
    _restore(tmp_path, "deps", table)
    reuse = LayersDir(tmp_path).reuse("deps", DepsMetadata("x"))
    assert not reuse.reused and reuse.previous is None
    assert reuse.reasons == (
        f"the previous layer's metadata is from another buildpack version ({why})",)


def test_result_writes_types_metadata_env_sbom_and_launch(tmp_path):
    env = (LayerEnv().default("MODEL_NAME", "MyModel")
           .override("SELDON_X", "1", scope="build")
           .prepend_path("PYTHONPATH", "/x")
           .default("PORT", "9000", process="web"))
    result = BuildResult(
        layers=(LayerResult("deps", LayerTypes(launch=True, build=True, cache=True),
                            DepsMetadata("3"), env,
                            sbom='{"bom": 1}\n'),),
        processes=(Process("web", ["seldon-runtime"], default=True),
                   Process("rest", ["seldon-runtime", "--grpc-workers", "0"],
                           working_dir="/workspace")),
        labels={"k": "v"}, launch_sbom='{"bom": 2}\n')
    write_result(tmp_path, result)
    assert _toml(tmp_path / "deps.toml") == {
        "types": {"launch": True, "build": True, "cache": True},
        "metadata": {"python": "3", "packages": [], "installed": []}}
    assert (tmp_path / "deps/env.launch/MODEL_NAME.default").read_bytes() == b"MyModel"
    assert (tmp_path / "deps/env.build/SELDON_X.override").read_bytes() == b"1"
    assert (tmp_path / "deps/env/PYTHONPATH.prepend").read_bytes() == b"/x"
    assert (tmp_path / "deps/env/PYTHONPATH.delim").read_bytes() == b":"
    assert (tmp_path / "deps/env.launch/web/PORT.default").read_bytes() == b"9000"
    assert (tmp_path / "deps.sbom.cdx.json").read_text() == '{"bom": 1}\n'
    assert (tmp_path / "launch.sbom.cdx.json").read_text() == '{"bom": 2}\n'
    launch = _toml(tmp_path / "launch.toml")
    assert launch["labels"] == [{"key": "k", "value": "v"}]
    assert launch["processes"][0] == {"type": "web", "command": ["seldon-runtime"], "args": [],
                                      "default": True}
    assert launch["processes"][1]["working-dir"] == "/workspace"
    # the platform reads the same files with the same type
    (layer,) = read_layers(tmp_path)
    assert layer.types == LayerTypes(launch=True, build=True, cache=True)
    assert layer.metadata["python"] == "3"


def test_a_restored_layers_env_dir_is_replaced_whole(tmp_path):
    _restore(tmp_path, "deps", {})
    stale = tmp_path / "deps/env.launch/OLD_SETTING.default"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"from an older build")
    kept = tmp_path / "deps/env.build/SELDON_X.override"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"1")
    os.utime(kept, (1_000_000, 1_000_000))
    (tmp_path / "deps/lib.so").write_bytes(b"contents stay")
    env = LayerEnv().override("SELDON_X", "1", scope="build")
    write_result(tmp_path, BuildResult(layers=(
        LayerResult("deps", LayerTypes(build=True, cache=True), env=env),)))
    assert not stale.exists() and not stale.parent.exists()
    # unchanged bytes are not rewritten: the exporter would see a new mtime
    assert kept.read_bytes() == b"1" and kept.stat().st_mtime == 1_000_000
    assert (tmp_path / "deps/lib.so").read_bytes() == b"contents stay"


def test_restored_layers_the_result_does_not_name_are_dropped(tmp_path):
    _restore(tmp_path, "old-cache", {"python": "3.9"})
    (tmp_path / "old-cache.sbom.cdx.json").write_text("{}")
    _restore(tmp_path, "pip-cache", {"python": "3.11.2", "packages": [], "installed": []})
    (tmp_path / "launch.toml").write_text("")
    layers = LayersDir(tmp_path)
    carried = layers.carry("pip-cache", CACHE, DepsMetadata)
    assert layers.carry("never-built", CACHE, DepsMetadata) is None
    write_result(tmp_path, BuildResult(layers=(carried,)))
    assert not (tmp_path / "old-cache").exists() and not (tmp_path / "old-cache.toml").exists()
    assert not (tmp_path / "old-cache.sbom.cdx.json").exists()
    assert _toml(tmp_path / "pip-cache.toml") == {
        "types": {"launch": False, "build": False, "cache": True},
        "metadata": {"python": "3.11.2", "packages": [], "installed": []}}


def test_write_env_dirs_with_nothing_removes_them(tmp_path):
    (tmp_path / "env").mkdir()
    (tmp_path / "env" / "A.override").write_text("1")
    write_env_dirs(tmp_path, LayerEnv())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["launch", "build", "store", "a.b", ""])
def test_invalid_layer_names(tmp_path, name):
    with pytest.raises(ValueError):
        LayersDir(tmp_path).layer_path(name)
    with pytest.raises(ValueError):
        LayerResult(name, CACHE)


def test_invalid_results_are_refused():
    with pytest.raises(ValueError):
        BuildResult(processes=(Process("a", ["x"], default=True),
                               Process("b", ["y"], default=True)))
    with pytest.raises(ValueError):
        BuildResult(processes=(Process("bad type", ["x"]),))
    with pytest.raises(ValueError):
        BuildResult(processes=(Process("..", ["x"]),))
    # upstream decodes command and args as string arrays; an empty command fails at launch
    for bad in (Process("web", []), Process("web", ["x", 1]), Process("web", ["x"], ["--n", 2]),
                Process("web", "x y")):
        with pytest.raises(ValueError):
            BuildResult(processes=(bad,))
    with pytest.raises(ValueError):
        BuildResult(layers=(LayerResult("a", CACHE), LayerResult("a", CACHE)))
    with pytest.raises(ValueError):
        LayerEnv().override("A", "1").override("A", "2").files()


def test_types_outside_the_types_table_are_an_error(tmp_path):
    (tmp_path / "deps.toml").write_text("launch = true\n")
    with pytest.raises(LayerTomlError, match="should be in the \\[types\\] table"):
        read_layer(tmp_path, "deps")


def test_env_files_are_world_readable_whatever_the_umask_or_the_restored_mode(tmp_path):
    """Upstream's exporter keeps file modes and the run image's user may have another UID
    (Paketo: build 1001, run 1002): a launch layer's env file must be readable by others."""
    _restore(tmp_path, "deps", {})
    restored = tmp_path / "deps/env.launch/MODEL_NAME.default"
    restored.parent.mkdir(parents=True)
    restored.write_bytes(b"MyModel")
    restored.chmod(0o600)
    (tmp_path / "deps.sbom.cdx.json").write_text("{}")
    (tmp_path / "deps.sbom.cdx.json").chmod(0o600)
    env = LayerEnv().default("MODEL_NAME", "MyModel").override("NEW", "1", process="web")
    old = os.umask(0o077)
    try:
        write_result(tmp_path, BuildResult(layers=(
            LayerResult("deps", LayerTypes(launch=True), env=env, sbom="{}"),)))
    finally:
        os.umask(old)
    for path in (restored, tmp_path / "deps/env.launch/web/NEW.override",
                 tmp_path / "deps.sbom.cdx.json", tmp_path / "deps.toml"):
        assert path.stat().st_mode & 0o777 == 0o644, path
    for path in (tmp_path / "deps/env.launch", tmp_path / "deps/env.launch/web"):
        assert path.stat().st_mode & 0o777 == 0o755, path


@dataclass(frozen=True)
class ConfigMetadata(LayerMetadata):
    model: str


def test_a_launch_only_layer_is_kept_from_the_previous_image(tmp_path):
    """A launch-only layer comes back as metadata only (and its SBOM); declaring it again
    without a directory makes the exporter reuse the previous image's layer. Creating the
    directory would export an empty layer in its place: a warm rebuild would lose it."""
    layers = LayersDir(tmp_path)
    wanted = ConfigMetadata("iris")
    assert layers.reuse_launch_layer("config", wanted).reasons == ("no previous layer",)
    _restore(tmp_path, "config", {"model": "iris"}, contents=False)
    (tmp_path / "config.sbom.cdx.json").write_text('{"restored": 1}')
    assert layers.reuse_launch_layer("config", ConfigMetadata("wine")).reasons == (
        "model changed from iris to wine",)
    # cached layers still need their contents
    assert not layers.reuse("config", wanted).reused
    reuse = layers.reuse_launch_layer("config", wanted)
    assert reuse.reused and reuse.previous == wanted
    write_result(tmp_path, BuildResult(layers=(LayerResult.kept("config", wanted),)))
    assert not (tmp_path / "config").exists()
    assert _toml(tmp_path / "config.toml") == {
        "types": {"launch": True, "build": False, "cache": False}, "metadata": {"model": "iris"}}
    assert (tmp_path / "config.sbom.cdx.json").read_text() == '{"restored": 1}'


def test_keeping_a_layer_needs_restored_metadata_and_no_directory(tmp_path):
    kept = BuildResult(layers=(LayerResult.kept("config", ConfigMetadata("a")),))
    with pytest.raises(ValueError, match="nothing was restored"):
        write_result(tmp_path, kept)
    _restore(tmp_path, "config", {"model": "a"}, contents=True)
    with pytest.raises(ValueError, match="directory"):
        write_result(tmp_path, kept)
    # what lives in the layer's directory cannot change while the layer is kept
    with pytest.raises(ValueError):
        LayerResult("config", LayerTypes(launch=True, cache=True), keep=True)
    with pytest.raises(ValueError):
        LayerResult("config", LayerTypes(launch=True), env=LayerEnv().override("A", "1"), keep=True)


@pytest.mark.parametrize("name, process", [
    ("A.B", None),  # upstream reads the name up to the first dot: A, with action "B.override"
    ("A/B", None), ("A=B", None), ("", None),
    ("A", "../web"), ("A", "we b"), ("A", ""), ("A", ".."),
])
def test_env_names_and_process_types_that_would_not_read_back_are_refused(name, process):
    with pytest.raises(ValueError):
        LayerEnv().override(name, "1", process=process)


def test_an_env_dir_that_is_a_symlink_is_replaced_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "KEEP.override").write_text("not the layer's")
    layers = tmp_path / "layers"
    layers.mkdir()
    _restore(layers, "deps", {})
    (layers / "deps" / "env").symlink_to(outside)
    write_result(layers, BuildResult(layers=(
        LayerResult("deps", LayerTypes(build=True, cache=True),
                    env=LayerEnv().override("A", "1", scope="all")),)))
    assert (outside / "KEEP.override").read_text() == "not the layer's"
    assert not (layers / "deps" / "env").is_symlink()
    assert (layers / "deps/env/A.override").read_text() == "1"


def test_whole_numbers_restored_as_floats_still_match(tmp_path):
    """Upstream keeps layer metadata as JSON in the image label and the cache, so a
    restored `count = 2` reads back as `count = 2.0` under pack and kpack."""
    assert ToolMetadata.from_toml({"versions": {}, "count": 2.0, "pinned": False}) == \
        ToolMetadata({}, 2, False)
    for bad in (2.5, True):
        with pytest.raises(MetadataMismatch):
            ToolMetadata.from_toml({"versions": {}, "count": bad, "pinned": False})


@pytest.mark.parametrize("types, env", [
    (LayerTypes(launch=True), LayerEnv().override("A", "1", scope="build")),
    (LayerTypes(build=True), LayerEnv().default("A", "1", scope="launch")),
    (LayerTypes(build=True), LayerEnv().override("A", "1", process="web")),
    (LayerTypes(cache=True), LayerEnv().override("A", "1")),
])
def test_env_a_layer_of_that_type_never_applies_is_refused(types, env):
    """The lifecycle reads env.build/ of build layers only and env.launch/ of launch
    layers only: such a variable would silently do nothing."""
    with pytest.raises(ValueError, match="never applies"):
        LayerResult("deps", types, env=env)
