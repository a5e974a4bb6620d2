"""Env-file rules shared by the builder and the launcher."""

from seldon_platform.lifecycle import buildenv, envfiles


def write(directory, files):
    directory.mkdir(parents=True, exist_ok=True)
    for name, value in files.items():
        (directory / name).write_text(value)
    return directory


def test_operations_and_delimiters(tmp_path):
    d = write(
        tmp_path / "env",
        {
            "PLAIN": "p",
            "OVER.override": "o",
            "DEF.default": "new",
            "UNSET.default": "d",
            "PRE.prepend": "front",
            "PRE.delim": ":",
            "APP.append": "back",
            "APP.delim": ",",
            "GLUE.prepend": "x",
            "NEWLINE": "v\n",
            "SKIP.unknown": "zzz",
        },
    )
    env = {"DEF": "old", "PRE": "rest", "APP": "start", "GLUE": "y", "OVER": "was"}
    envfiles.apply_dir(env, d)
    assert env["PLAIN"] == "p"
    assert env["OVER"] == "o"
    assert env["DEF"] == "old"
    assert env["UNSET"] == "d"
    assert env["PRE"] == "front:rest"
    assert env["APP"] == "start,back"
    assert env["GLUE"] == "xy"  # no .delim: glued together
    assert env["NEWLINE"] == "v\n"  # bytes as written
    assert "SKIP" not in env


def test_prepend_to_empty_has_no_dangling_delimiter(tmp_path):
    d = write(tmp_path / "env", {"P.prepend": "a", "P.delim": ":"})
    env = {}
    envfiles.apply_dir(env, d)
    assert env == {"P": "a"}


def test_build_config_plain_files_are_defaults(tmp_path):
    write(tmp_path / "env", {"KEEP": "operator", "NEW": "operator"})
    env = {"KEEP": "user"}
    buildenv.add_build_config_env(env, tmp_path)
    assert env == {"KEEP": "user", "NEW": "operator"}


def test_user_env_overrides_but_path_vars_are_prepended(tmp_path):
    write(tmp_path / "env", {"PATH": "/mine", "FOO": "user"})
    env = {"PATH": "/usr/bin", "FOO": "buildpack"}
    buildenv.add_user_env(env, tmp_path)
    assert env == {"PATH": "/mine:/usr/bin", "FOO": "user"}


def test_lifecycle_env_drops_image_variables():
    env = buildenv.lifecycle_env({"PATH": "/bin", "HOME": "/h", "LANG": "C", "PYTHONPATH": "/x"})
    assert env == {"PATH": "/bin", "HOME": "/h"}


def test_target_env_only_for_new_apis(tmp_path):
    release = tmp_path / "os-release"
    release.write_text('ID=debian\nVERSION_ID="12"\n')
    assert buildenv.target_env("0.9", release) == {}
    env = buildenv.target_env("0.10", release)
    assert env["CNB_TARGET_OS"] == "linux"
    assert env["CNB_TARGET_DISTRO_NAME"] == "debian"
    assert env["CNB_TARGET_DISTRO_VERSION"] == "12"


def test_a_name_ending_in_a_dot_prepends_with_the_path_separator(tmp_path):
    """Upstream reads `NAME.` as an empty suffix, its legacy prepend-path action: the
    `.delim` file if any, else the OS path-list separator."""
    d = write(tmp_path / "env", {"LIBS.": "/a", "SEP.": "x", "SEP.delim": ";"})
    env = {"LIBS": "/b", "SEP": "y"}
    envfiles.apply_dir(env, d)
    assert env == {"LIBS": "/a:/b", "SEP": "x;y"}


def test_the_lifecycles_own_cnb_variables_beat_user_and_operator_files(tmp_path):
    """Upstream appends CNB_* and CNB_TARGET_* after the platform and build-config env."""
    from seldon_platform.lifecycle.builder import build_env
    from seldon_platform.lifecycle.descriptor import Buildpack
    from seldon_platform.lifecycle.detector import detect_env
    from seldon_platform.lifecycle.paths import Paths

    user = {"CNB_LAYERS_DIR": "/user", "CNB_BUILDPACK_DIR": "/user", "CNB_TARGET_OS": "user",
            "CNB_PLATFORM_DIR": "/user", "CNB_BP_PLAN_PATH": "/user"}
    write(tmp_path / "platform" / "env", user)
    write(tmp_path / "build-config" / "env", {f"{k}.override": "/operator" for k in user})
    paths = Paths(app=tmp_path, layers=tmp_path / "layers", platform=tmp_path / "platform",
                  buildpacks=tmp_path, build_config=tmp_path / "build-config", cache=tmp_path,
                  order=tmp_path / "order.toml")
    bp = Buildpack("a/b", "1.0.0", "0.10", tmp_path / "bp")
    built = build_env(bp, paths, {}, tmp_path / "layers" / "a_b", tmp_path / "plan.toml")
    detected = detect_env(bp, paths, {})
    for env in (built, detected):
        assert env["CNB_BUILDPACK_DIR"] == str(tmp_path / "bp")
        assert env["CNB_PLATFORM_DIR"] == str(tmp_path / "platform")
        assert env["CNB_TARGET_OS"] == "linux"
    assert built["CNB_LAYERS_DIR"] == str(tmp_path / "layers" / "a_b")
    assert built["CNB_BP_PLAN_PATH"] == str(tmp_path / "plan.toml")
