"""Every s2i flag's translation, and the errors for what cannot be honoured."""

from __future__ import annotations

import pytest

from seldon_detect.errors import UserError
from seldon_platform.s2i.flags import ACCEPT, FLAGS, REJECT
from seldon_platform.s2i.translate import (
    BuildPlan,
    Help,
    Injection,
    Version,
    translate,
)

BUILDER = "seldonio/seldon-core-s2i-python3:1.19.0"
HEAD = ["build", "src", "-t", "img"]


def build(*flags: str) -> BuildPlan:
    plan = translate(["build", "src", BUILDER, "img", *flags])
    assert isinstance(plan, BuildPlan)
    return plan


def error(*argv: str) -> UserError:
    with pytest.raises(UserError) as caught:
        translate(list(argv))
    return caught.value


def build_error(*flags: str) -> UserError:
    return error("build", "src", BUILDER, "img", *flags)


# --- flags that translate ------------------------------------------------------


def test_plain_build():
    plan = build()
    assert plan.argv == HEAD
    assert not plan.quiet


@pytest.mark.parametrize("flags", [
    ["-e", "A=1", "--env", "B=2", "-eC=3", "-e=D=4", "--env=E=5"],
])
def test_env_is_repeatable_in_every_spelling(flags):
    assert build(*flags).argv == HEAD + [
        "--env", "A=1", "--env", "B=2", "--env", "C=3", "--env", "D=4", "--env", "E=5"]


def test_env_value_keeps_equals_and_is_trimmed_like_s2i():
    assert build("-e", " PARAMS = [{\"a\": \"b=c\"}] ").argv[-1] == 'PARAMS=[{"a": "b=c"}]'


@pytest.mark.parametrize("bad", ["NOEQUALS", "=value", " =x"])
def test_env_without_a_name_is_an_error(bad):
    assert "is not NAME=VALUE" in build_error("-e", bad).title


@pytest.mark.parametrize("flags", [["-E", "env.txt"], ["--environment-file=env.txt"],
                                   ["-E", "first", "-E", "env.txt"]])
def test_environment_file_maps_to_env_file_last_one_wins(flags):
    assert build(*flags).argv == HEAD + ["--env-file", "env.txt"]


def test_context_dir_and_ref():
    plan = build("--context-dir", "sub/dir", "-r", "v1.2", "--ref=main")
    assert plan.argv == HEAD + ["--context-dir", "sub/dir", "--ref", "main"]


def test_flags_may_come_anywhere():
    plan = translate(["-q", "build", "-e", "A=1", "src", "--context-dir=x", BUILDER, "img"])
    assert plan.argv == ["-q", "build", "src", "-t", "img", "--env", "A=1", "--context-dir", "x"]


@pytest.mark.parametrize(("flags", "folder"), [
    (["-i", "./wheels:/whl"], "./wheels"),
    (["--inject=/abs/w:/whl/"], "/abs/w"),
    (["-i", "'quoted':\"/whl\""], "quoted"),
])
def test_inject_whl_maps_to_wheels(flags, folder):
    plan = build(*flags)
    assert plan.argv == HEAD + ["--wheels", folder]
    assert plan.injections == []


def test_one_wheel_folder_only():
    err = build_error("-i", "a:/whl", "-i", "b:/whl")
    assert "more than one folder" in err.title
    assert "b:/whl" in err.cause


@pytest.mark.parametrize(("dest", "kind"), [
    ("/etc/pki/ca-trust/source/anchors", "ca-certificates"),
    ("/etc/ssl/certs", "ca-certificates"),
    ("/usr/local/share/ca-certificates/", "ca-certificates"),
    ("/root/.config/pip", "pip"),
    ("/opt/app-root/src/.pip", "pip"),
    ("/etc/xdg/pip", "pip"),
    ("/opt/secrets", ""),
])
def test_other_injections_become_bindings(dest, kind):
    plan = build("-i", f"certs:{dest}")
    assert plan.argv == HEAD
    assert plan.injections == [Injection("certs", dest.rstrip("/"), kind)]


@pytest.mark.parametrize("bad", ["nodest", "dir:", ":/whl", "dir:relative"])
def test_malformed_injection_is_an_error(bad):
    assert "is not DIR:DEST" in build_error("-i", bad).title


def test_incremental_reuses_the_cache_and_says_so():
    for flags in ([], ["--incremental"], ["--incremental=true"]):
        plan = build(*flags)
        assert "--clear-cache" not in plan.argv
        assert any("cached layers are reused" in n for n in plan.notes)


@pytest.mark.parametrize("value", ["false", "0", "F", "False"])
def test_incremental_false_clears_the_cache(value):
    plan = build(f"--incremental={value}")
    assert plan.argv == HEAD + ["--clear-cache"]
    assert any("--clear-cache" in n for n in plan.notes)


def test_incremental_takes_no_separate_value():
    # like pflag: `--incremental false` is the switch followed by a 4th positional
    assert "too many arguments" in build_error("--incremental", "false").title


def test_bad_boolean_value_is_an_error():
    assert "takes true or false" in build_error("--incremental=maybe").title


def test_quiet_and_loglevel():
    assert build("-q").argv == ["-q", *HEAD]
    assert build("-q").quiet
    assert build("--quiet=false").argv == HEAD
    assert build("--loglevel=2").argv == ["-v", *HEAD]
    assert build("--loglevel", "5").argv == ["-v", *HEAD]
    assert build("--loglevel=1").argv == HEAD
    assert "is not a number" in build_error("--loglevel=high").title


def test_copy_and_local_sources():
    assert any("uncommitted changes included" in n for n in build().notes)
    assert any(n.startswith("--copy:") for n in build("-c").notes)
    assert build("-c").argv == HEAD


@pytest.mark.parametrize(("src", "expected"), [
    ("file:///abs/repo", "/abs/repo"),
    ("file://rel", "rel"),
    ("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
    ("ssh://git@host/org/repo", "ssh://git@host/org/repo"),
    ("git://host/repo", "git://host/repo"),
])
def test_source_forms(src, expected):
    plan = translate(["build", src, BUILDER, "img"])
    assert plan.argv == ["build", expected, "-t", "img"]
    local = any("as they are on disk" in n for n in plan.notes)
    assert local == src.startswith("file://")


@pytest.mark.parametrize("value", ["1-", "0-65535", "1000", "1-10,1000-2000"])
def test_allowed_uids_that_include_the_build_user(value):
    assert build("-u", value).argv == HEAD


@pytest.mark.parametrize("value", ["1-999", "1001-", "5"])
def test_allowed_uids_that_exclude_the_build_user(value):
    assert "uid 1000" in build_error("--allowed-uids", value).title


def test_allowed_uids_syntax():
    assert "uid ranges" in build_error("-u", "a-b").title


def test_network_host_only():
    assert any("host's network" in n for n in build("--network=host").notes)
    assert "not supported" in build_error("--network", "bridge").title


# --- flags accepted with an info line, flags refused ---------------------------


def _sample(flag) -> list[str]:
    value = "always" if flag.name.endswith("pull-policy") else "x"
    return [f"--{flag.name}"] if flag.boolean else [f"--{flag.name}", value]


@pytest.mark.parametrize("flag", [f for f in FLAGS if f.fate == ACCEPT], ids=lambda f: f.name)
def test_accepted_flags_change_nothing_but_say_why(flag):
    plan = build(*_sample(flag))
    assert plan.argv == HEAD
    assert f"--{flag.name}: {flag.why}" in plan.notes


def test_pull_policy_values_are_checked():
    assert build("-p", "if-not-present").argv == HEAD
    assert "is not a pull policy" in build_error("--pull-policy=sometimes").title


@pytest.mark.parametrize("flag", [f for f in FLAGS if f.fate == REJECT], ids=lambda f: f.name)
def test_refused_flags_are_errors_naming_the_flag(flag):
    err = build_error(*_sample(flag))
    assert err.title == f"--{flag.name} is not supported by seldon-s2i"
    assert flag.why in err.cause
    assert list(err.fix) == [flag.fix]


def test_refused_switch_set_to_false_asks_for_nothing():
    assert build("--run=false", "--use-config=false").argv == HEAD


def test_refused_short_flag_is_named_as_typed():
    assert build_error("-v", "/a:/b").title.startswith("-v ")


@pytest.mark.parametrize("flag", ["--no-such-flag", "-x", "--recursive"])
def test_unknown_flags_are_errors(flag):
    err = build_error(flag)
    assert err.title == f"unknown flag {flag}"
    assert "seldon-s2i build --help" in err.fix[0]


def test_value_flag_at_the_end_needs_its_value():
    assert "needs a value" in build_error("-e").title


# --- operands, builders, commands ------------------------------------------------


@pytest.mark.parametrize("builder, python", [
    ("seldonio/seldon-core-s2i-python3", ""),
    ("seldonio/seldon-core-s2i-python36:0.5", "3.6"),
    ("seldonio/seldon-core-s2i-python37", "3.7"),
    ("seldonio/seldon-core-s2i-python38:1.17.1", "3.8"),
    ("seldonio/seldon-core-s2i-python38-ubi8:1.17.1", "3.8"),
    ("docker.io/seldonio/seldon-core-s2i-python312-gpu:1.19.0", "3.12"),
    ("mirror.example.com:5000/seldonio/seldon-core-s2i-python3-ngraph-onnx:0.1", ""),
    ("seldonio/seldon-core-s2i-python3@sha256:" + "a" * 64, ""),
])
def test_any_seldon_python_builder_is_ours_and_names_its_python(builder, python):
    """The builder's Python goes to seldon/cpython; `python3` means the stack's."""
    wanted = ["--env", f"SELDON_S2I_PYTHON={python}"] if python else []
    assert translate(["build", "src", builder, "img"]).argv == HEAD + wanted


@pytest.mark.parametrize("builder", [
    "centos/python-38-centos7",
    "seldonio/seldon-core-s2i-java-build:0.1",
    "evil/seldonio/seldon-core-s2i-python3",
    "seldonio/seldon-core-s2i-r",
])
def test_other_builders_are_refused_naming_what_is_accepted(builder):
    err = error("build", "src", builder, "img")
    assert builder in err.title
    assert "seldonio/seldon-core-s2i-python*" in err.cause


def test_builder_variants_are_explained():
    notes = translate(["build", "s", "seldonio/seldon-core-s2i-python312-gpu:1", "i"]).notes
    assert any("Python 3.12" in n for n in notes)
    assert any("CUDA" in n for n in notes)


def test_missing_tag_and_extra_operands():
    assert "needs a source, a builder image and an image name" in error(
        "build", "src", BUILDER).title
    assert "untagged" in error("build", "src", BUILDER).cause
    assert "too many arguments" in error("build", "src", BUILDER, "img", "extra").title


def test_commands():
    assert translate([]) == Help("")
    assert translate(["--help"]) == Help("")
    assert translate(["help", "build"]) == Help("build")
    assert translate(["build", "-h"]) == Help("build")
    assert translate(["version"]) == Version()
    assert "not supported" in error("rebuild", "img").title
    assert "unknown command" in error("frobnicate").title


def test_usage_needs_one_seldon_builder_and_notes_flags():
    assert "exactly one" in error("usage").title
    assert "not a Seldon" in error("usage", "centos/python-38-centos7").title
    plan = translate(["usage", "--pull-policy=never", BUILDER])
    assert plan.notes == ["--pull-policy has no effect on usage."]
