"""The buildpack library: TOML writing, layers, env files, plans, launch.toml, bindings."""

from __future__ import annotations

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

from seldon_detect.cnb.bindings import bindings_of_type, read_bindings
from seldon_detect.cnb.context import build_context, current_target
from seldon_detect.cnb.launch import Process, write_launch
from seldon_detect.cnb.layers import Layers
from seldon_detect.cnb.plan import PlanOption, Requirement, merged, read_buildpack_plan, write_plan
from seldon_detect.tomlfile import dumps


def test_toml_round_trip_with_awkward_values():
    data = {
        "title": 'quote " backslash \\ tab \t newline \n bell \x07',
        "n": 3, "f": 1.5, "flag": False, "list": ["a", 1, True],
        "odd key": "x",
        "types": {"launch": True},
        "entries": [{"name": "a", "metadata": {"v": "1"}}, {"name": "b"}],
        "skip": None,
    }
    back = tomllib.loads(dumps(data))
    data.pop("skip")
    assert back == data


def test_layer_commit_always_writes_types(tmp_path):
    layers = Layers(tmp_path)
    layer = layers.get("deps", launch=True, cache=True).reset()
    layer.commit({"key": "1"})
    written = tomllib.loads((tmp_path / "deps.toml").read_text())
    assert written == {"types": {"launch": True, "build": False, "cache": True},
                       "metadata": {"key": "1"}}
    # what the restorer leaves: metadata only
    (tmp_path / "deps.toml").write_text(dumps({"metadata": {"key": "1"}}))
    again = layers.get("deps", launch=True, cache=True)
    assert again.changes({"key": "1"}) == []
    assert again.changes({"key": "2"}) == ["key changed"]
    (tmp_path / "deps").rmdir()
    assert again.changes({"key": "1"}) == ["layer contents were not restored"]
    assert layers.get("fresh").changes({"key": "1"}) == ["no previous layer"]


@pytest.mark.parametrize("name", ["launch", "build", "store", "a.b", ""])
def test_invalid_layer_names(tmp_path, name):
    with pytest.raises(ValueError):
        Layers(tmp_path).get(name)


def test_env_files_are_exact_bytes(tmp_path):
    layer = Layers(tmp_path).get("env", launch=True).reset()
    layer.default_env("MODEL_NAME", "MyModel")
    layer.override_env("SELDON_X", "1", scope="build")
    layer.prepend_path("PYTHONPATH", "/x")
    layer.default_env("PORT", "9000", process="web")
    assert (tmp_path / "env/env.launch/MODEL_NAME.default").read_bytes() == b"MyModel"
    assert (tmp_path / "env/env.build/SELDON_X.override").read_bytes() == b"1"
    assert (tmp_path / "env/env/PYTHONPATH.prepend").read_bytes() == b"/x"
    assert (tmp_path / "env/env/PYTHONPATH.delim").read_bytes() == b":"
    assert (tmp_path / "env/env.launch/web/PORT.default").read_bytes() == b"9000"


def test_plan_write_and_merge(tmp_path):
    plan = tmp_path / "plan.toml"
    write_plan(plan, PlanOption(provides=["python-env"],
                                requires=[Requirement("python-env", {"launch": True})]),
               PlanOption())
    data = tomllib.loads(plan.read_text())
    assert data == {"provides": [{"name": "python-env"}],
                    "requires": [{"name": "python-env", "metadata": {"launch": True}}],
                    "or": [{}]}
    empty = tmp_path / "empty.toml"
    write_plan(empty, PlanOption())
    assert empty.read_text() == ""
    bp_plan = tmp_path / "bp.toml"
    bp_plan.write_text(dumps({"entries": [
        {"name": "python-env", "metadata": {"a": "1", "launch": False}},
        {"name": "other"},
        {"name": "python-env", "metadata": {"b": "2", "launch": True}},
    ]}))
    entries = read_buildpack_plan(bp_plan)
    assert merged(entries, "python-env") == {"a": "1", "b": "2", "launch": True}


def test_launch_toml(tmp_path):
    layers = Layers(tmp_path)
    write_launch(layers, [Process("web", ["seldon-runtime"], default=True),
                          Process("rest", ["seldon-runtime", "--grpc-workers", "0"],
                                  working_dir="/workspace")], labels={"k": "v"})
    data = tomllib.loads((tmp_path / "launch.toml").read_text())
    assert data["labels"] == [{"key": "k", "value": "v"}]
    assert data["processes"][0] == {"type": "web", "command": ["seldon-runtime"], "args": [],
                                    "default": True}
    assert data["processes"][1]["working-dir"] == "/workspace"
    with pytest.raises(ValueError):
        write_launch(layers, [Process("a", ["x"], default=True), Process("b", ["y"],
                                                                          default=True)])
    with pytest.raises(ValueError):
        write_launch(layers, [Process("bad type", ["x"])])


def test_bindings_both_forms(tmp_path):
    k8s = tmp_path / "bindings" / "pypi"
    k8s.mkdir(parents=True)
    (k8s / "type").write_text("PIP\n")
    (k8s / "pip.conf").write_text("[global]\n")
    legacy = tmp_path / "bindings" / "certs"
    (legacy / "metadata").mkdir(parents=True)
    (legacy / "secret").mkdir()
    (legacy / "metadata" / "kind").write_text("ca-certificates")
    (legacy / "secret" / "ca.pem").write_text("pem")
    found = read_bindings(tmp_path)
    assert [(b.name, b.type) for b in found] == [("certs", "ca-certificates"), ("pypi", "pip")]
    (pip,) = bindings_of_type(found, "PIP")
    assert pip.entry("pip.conf") and pip.entry("netrc") is None
    assert bindings_of_type(found, "ca-certificates")[0].entry("ca.pem")


def test_context_from_positional_arguments(tmp_path, monkeypatch):
    bp = tmp_path / "bp"
    bp.mkdir()
    (bp / "buildpack.toml").write_text('api = "0.10"\n[buildpack]\nid = "a/b"\nversion = "1.2.3"\n')
    (tmp_path / "platform" / "env").mkdir(parents=True)
    (tmp_path / "platform" / "env" / "MODEL_NAME").write_text("M")
    monkeypatch.chdir(tmp_path)
    ctx = build_context([str(tmp_path / "layers"), str(tmp_path / "platform"),
                         str(tmp_path / "plan.toml")], {"CNB_BUILDPACK_DIR": str(bp)})
    assert ctx.buildpack.id == "a/b" and ctx.layers_dir == tmp_path / "layers"
    assert ctx.platform_env == {"MODEL_NAME": "M"} and ctx.exec_env == "production"
    target = current_target({"CNB_TARGET_ARCH": "arm64", "CNB_TARGET_DISTRO_NAME": "debian",
                             "CNB_TARGET_DISTRO_VERSION": "12"})
    assert target.key() == "linux/arm64/debian@12"


def test_pip_env_from_bindings_and_settings(tmp_path, monkeypatch):
    from seldon_detect.cnb.pip import PipRunner
    from seldon_detect.indexes import IndexSettings

    for name, kind, files in (("pypi", "pip", {"pip.conf": "[global]\n", "netrc": "m"}),
                              ("ca", "ca-certificates", {"corp.pem": "CORP-CA"})):
        d = tmp_path / "platform" / "bindings" / name
        d.mkdir(parents=True)
        (d / "type").write_text(kind)
        for fname, text in files.items():
            (d / fname).write_text(text)
    monkeypatch.setenv("PIP_INDEX_URL", "https://stale/simple")
    monkeypatch.setenv("PIP_DEFAULT_TIMEOUT", "60")
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    settings = IndexSettings(extra_index_urls=["https://u:p@h/simple"], trusted_hosts=["h"])
    runner = PipRunner(tmp_path / "python", settings, read_bindings(tmp_path / "platform"))
    env = runner.env(tmp_path)
    assert env["PIP_CONFIG_FILE"].endswith("bindings/pypi/pip.conf")
    assert env["NETRC"].endswith("bindings/pypi/netrc")
    assert "PIP_INDEX_URL" not in env and env["PIP_DEFAULT_TIMEOUT"] == "60"
    assert env["PIP_EXTRA_INDEX_URL"] == "https://u:p@h/simple"
    assert env["PIP_NO_CACHE_DIR"] == "1" and "PYTHONPATH" not in env
    bundle = (tmp_path / "ca-bundle.crt").read_bytes()
    assert env["PIP_CERT"] == str(tmp_path / "ca-bundle.crt") and bundle.endswith(b"CORP-CA")


def test_keep_redeclares_a_restored_layer(tmp_path):
    layers = Layers(tmp_path)
    layers.get("never-built", cache=True).keep()
    assert not (tmp_path / "never-built.toml").exists()
    (tmp_path / "pip-cache").mkdir()
    (tmp_path / "pip-cache.toml").write_text(dumps({"metadata": {"python": "3.11.2"}}))
    layers.get("pip-cache", cache=True).keep()
    assert tomllib.loads((tmp_path / "pip-cache.toml").read_text()) == {
        "types": {"launch": False, "build": False, "cache": True},
        "metadata": {"python": "3.11.2"}}


def test_installers_get_the_system_ca_bundle_without_a_binding(tmp_path, monkeypatch):
    # pip in a conda prefix and uv ship their own CA lists; the system bundle is
    # the one that knows the site's TLS proxy
    from seldon_detect.cnb import pip as cnb_pip
    from seldon_detect.indexes import IndexSettings

    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "PIP_CERT"):
        monkeypatch.delenv(name, raising=False)
    system = tmp_path / "system-ca.crt"
    system.write_text("SYSTEM-CA")
    monkeypatch.setattr(cnb_pip, "SYSTEM_CA_BUNDLE", system)
    env = cnb_pip.PipRunner(tmp_path / "python", IndexSettings(), []).env(tmp_path)
    assert env["PIP_CERT"] == env["SSL_CERT_FILE"] == env["REQUESTS_CA_BUNDLE"] == str(system)
    monkeypatch.setattr(cnb_pip, "SYSTEM_CA_BUNDLE", tmp_path / "absent.crt")
    env = cnb_pip.PipRunner(tmp_path / "python", IndexSettings(), []).env(tmp_path)
    assert "PIP_CERT" not in env and "SSL_CERT_FILE" not in env
