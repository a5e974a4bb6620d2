"""`seldon-s2i` main: output of usage/help, errors printed once, and the hand-over to
`seldon_platform.cli.main` (captured here; see test_build_calls_seldon_build.py for
a real call)."""

from __future__ import annotations

from pathlib import Path

import pytest

import seldon_platform.cli
from seldon_platform.s2i.cli import main

BUILDER = "seldonio/seldon-core-s2i-python3:1.11.0-dev"


@pytest.fixture
def seldon_build(monkeypatch):
    """Replace seldon-build's main; record each argv and the binding dirs as seen during it."""
    calls = []

    def fake_main(argv):
        bindings = [Path(p) for p in argv[argv.index("--binding") + 1::2]] \
            if "--binding" in argv else []
        calls.append({"argv": list(argv), "bindings": {p: (p / "type").read_text()
                                                      for p in bindings}})
        return 7

    monkeypatch.setattr(seldon_platform.cli, "main", fake_main)
    return calls


def test_build_hands_the_translation_to_seldon_build(seldon_build, capsys):
    status = main(["build", "-e", "SERVICE_TYPE=ROUTER", "model", BUILDER, "img:1"])
    assert status == 7  # seldon-build's exit status is ours
    # s2i's own labels come last: the display name is the tag, the builder as given
    assert seldon_build == [{"argv": ["build", "model", "-t", "img:1", "--env",
                                      "SERVICE_TYPE=ROUTER",
                                      "--label", "io.k8s.display-name=img:1",
                                      "--label", f"io.openshift.s2i.build.image={BUILDER}"],
                             "bindings": {}}]
    out = capsys.readouterr().out
    assert f"builder {BUILDER}" in out
    assert "running: seldon-build build model -t img:1 --env SERVICE_TYPE=ROUTER" in out


def test_credentials_never_reach_our_output(seldon_build, capsys):
    url = "https://alice:s3cret@pypi.example.com/simple"
    main(["build", "-e", f"EXTRA_INDEX_URL={url}", ".", BUILDER, "img"])
    assert f"EXTRA_INDEX_URL={url}" in seldon_build[0]["argv"]
    captured = capsys.readouterr()
    assert "s3cret" not in captured.out + captured.err
    assert "https://***@pypi.example.com/simple" in captured.out


def test_application_name_and_description_become_s2i_labels(seldon_build):
    main(["build", "-n", "Iris model", "--description", "Predicts irises", ".", BUILDER,
          "img"])
    argv = seldon_build[0]["argv"]
    labels = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--label"]
    assert labels == ["io.k8s.display-name=Iris model",
                      f"io.openshift.s2i.build.image={BUILDER}",
                      "io.k8s.description=Predicts irises"]


def test_quiet_prints_nothing_of_ours(seldon_build, capsys):
    main(["build", "-q", "--rm", ".", BUILDER, "img"])
    assert seldon_build[0]["argv"][0] == "-q"
    assert capsys.readouterr().out == ""


def test_injections_become_bindings_that_live_as_long_as_the_build(seldon_build, tmp_path):
    certs = tmp_path / "certs"
    certs.mkdir()
    (certs / "ca.pem").write_text("PEM")
    main(["build", "-i", f"{certs}:/etc/pki/ca-trust/source/anchors", ".", BUILDER, "img"])
    [(binding, kind)] = seldon_build[0]["bindings"].items()
    assert kind == "ca-certificates\n"
    assert not binding.exists()  # removed once the build returned


def test_usage_prints_our_own_usage(capsys):
    assert main(["usage", BUILDER]) == 0
    out = capsys.readouterr().out
    for key in ("MODEL_NAME", "SERVICE_TYPE", "PERSISTENCE", "API_TYPE", "EXTRA_INDEX_URL",
                "PIP_TRUSTED_HOST", "PAYLOAD_PASSTHROUGH", "PREDICTIVE_UNIT_PARAMETERS",
                "-i DIR:/whl", "seldon-s2i build"):
        assert key in out


def test_build_help_lists_every_flag(capsys):
    from seldon_platform.s2i.flags import FLAGS

    assert main(["build", "--help"]) == 0
    out = capsys.readouterr().out
    for flag in FLAGS:
        assert f"--{flag.name}" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_overview_and_version(capsys):
    assert main([]) == 0
    assert "usage BUILDER" in capsys.readouterr().out
    assert main(["version"]) == 0
    assert capsys.readouterr().out.startswith("seldon-s2i ")


@pytest.mark.parametrize("argv", [
    ["build", "--scripts-url=file://x", ".", BUILDER, "img"],
    ["build", ".", "centos/python-38-centos7", "img"],
    ["build", "--bogus", ".", BUILDER, "img"],
])
def test_errors_are_printed_once_without_traceback(argv, seldon_build, capsys):
    assert main(argv) == 1
    assert seldon_build == []
    err = capsys.readouterr().err
    assert err.count("ERROR:") == 1
    assert "Traceback" not in err


def test_an_injection_that_cannot_be_honoured_fails_before_anything_is_printed(
        seldon_build, tmp_path, capsys):
    assert main(["build", "-i", f"{tmp_path}:/opt/data", ".", BUILDER, "img"]) == 1
    assert seldon_build == []
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cannot honour the injection" in captured.err
