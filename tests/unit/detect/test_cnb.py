"""The buildpack library: TOML writing, plans, bindings, context, pip settings.

Layers, env, metadata and the build result: `test_cnb_result.py`."""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

from seldon_detect.cnb.bindings import bindings_of_type, read_bindings
from seldon_detect.cnb.context import build_context, current_target
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


def test_service_binding_root_from_the_users_build_env(tmp_path):
    """Paketo's docs: `pack build -e SERVICE_BINDING_ROOT=/bindings -v ./b:/bindings/b`.
    The lifecycle drops the variable from its own env, but it reaches <platform>/env."""
    elsewhere = tmp_path / "elsewhere" / "pypi"
    elsewhere.mkdir(parents=True)
    (elsewhere / "type").write_text("pip")
    (tmp_path / "platform" / "bindings" / "ignored").mkdir(parents=True)
    (tmp_path / "platform" / "bindings" / "ignored" / "type").write_text("pip")
    found = read_bindings(tmp_path / "platform",
                          {"SERVICE_BINDING_ROOT": str(tmp_path / "elsewhere")})
    assert [b.name for b in found] == ["pypi"]
    assert [b.name for b in read_bindings(tmp_path / "platform", {})] == ["ignored"]
