"""Host-side inputs of a build: source copy, project.toml, builder.toml, CLI flags, pack."""

import os
import subprocess
from pathlib import Path

import pytest

from seldon_detect.errors import UserError
from seldon_detect.scribe import Scribe
from seldon_platform.build_cli import _output, parse_env_pairs
from seldon_platform.builder_config import load_builder
from seldon_platform.cli import build_parser
from seldon_platform.exporter.tarlayer import NORMALIZED_MTIME
from seldon_platform.imagestore import normalize_ref
from seldon_platform.lifecycle.descriptor import GroupEntry
from seldon_platform.pack import pack_command
from seldon_platform.project import apply_to_order, load_project
from seldon_platform.source import copy_app, fetch, is_git_url

FIXTURES = Path(__file__).parent / "fixtures"


def tree(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def src(tmp_path):
    root = tmp_path / "src"
    for rel in [
        "Model.py",
        "requirements.txt",
        "tests/test_x.py",
        "data/a.csv",
        "pkg/tests/keep.py",
        ".git/HEAD",
        "notes.md",
    ]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    return root


def test_copy_leaves_out_git_and_fixes_mtimes(src, tmp_path):
    dest = tmp_path / "ws"
    copy_app(src, dest, [], [])
    assert ".git/HEAD" not in tree(dest) and "Model.py" in tree(dest)
    assert {os.stat(p).st_mtime for p in dest.rglob("*")} == {NORMALIZED_MTIME}


def test_exclude_patterns(src, tmp_path):
    dest = tmp_path / "ws"
    copy_app(src, dest, [], ["tests/", "*.md", "/data"])
    assert tree(dest) == ["Model.py", "requirements.txt"]
    again = tmp_path / "ws2"
    copy_app(src, again, [], ["/tests", "pkg/tests/keep.py", "data/*.csv"])
    assert tree(again) == ["Model.py", "notes.md", "requirements.txt"]
    anchored = tmp_path / "ws3"
    copy_app(src, anchored, [], ["/keep.py"])  # anchored: only at the root, so nothing goes
    assert "pkg/tests/keep.py" in tree(anchored)


def test_include_patterns(src, tmp_path):
    dest = tmp_path / "ws"
    copy_app(src, dest, ["*.py", "requirements.txt"], [])
    assert tree(dest) == ["Model.py", "pkg/tests/keep.py", "requirements.txt", "tests/test_x.py"]
    only_data = tmp_path / "ws2"
    copy_app(src, only_data, ["data/"], [])
    assert tree(only_data) == ["data/a.csv"]


def test_project_toml_env_group_and_exclusive_filters(tmp_path):
    (tmp_path / "project.toml").write_text(
        """
[_]
schema-version = "0.2"
[io.buildpacks]
exclude = ["tests/"]
[[io.buildpacks.group]]
id = "a/b"
[[io.buildpacks.post.group]]
id = "z/post"
[[io.buildpacks.build.env]]
name = "BP_X"
value = "1"
"""
    )
    project = load_project(tmp_path)
    assert project.exclude == ["tests/"] and project.build_env == {"BP_X": "1"}
    order = apply_to_order([[GroupEntry("ignored")]], project)
    assert [[e.id for e in g] for g in order] == [["a/b", "z/post"]]
    (tmp_path / "project.toml").write_text('[io.buildpacks]\ninclude = ["a"]\nexclude = ["b"]\n')
    with pytest.raises(UserError, match="both include and exclude"):
        load_project(tmp_path)


def test_git_sources_with_ref_and_context_dir(tmp_path):
    repo = tmp_path / "repo"
    (repo / "model").mkdir(parents=True)
    (repo / "model" / "M.py").write_text("v1")
    git = ["git", "-C", str(repo), "-c", "user.email=t@e", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    subprocess.run([*git, "tag", "v1"], check=True)
    (repo / "model" / "M.py").write_text("v2")
    subprocess.run([*git, "commit", "-qam", "two"], check=True)
    source = fetch(str(repo), ref="v1", context_dir="model")
    try:
        assert (source.root / "M.py").read_text() == "v1"
        assert source.metadata["source"]["type"] == "git"
        assert len(source.metadata["source"]["version"]["commit"]) == 40
    finally:
        source.cleanup.cleanup()
    assert is_git_url("https://example.com/x.git") and is_git_url("git@host:org/x")
    assert not is_git_url(str(repo))
    with pytest.raises(UserError, match="not a directory inside"):
        fetch(str(repo), context_dir="../..")


def test_fixture_builder_resolves_buildpacks_and_images():
    builder = load_builder(FIXTURES / "builder.toml")
    assert set(i for i, _ in builder.buildpacks) == {"test/env", "test/app", "test/never"}
    assert builder.run_image == "localhost/seldon-buildpacks/run:bookworm"
    assert [e.id for e in builder.order[0]] == ["test/never", "test/env", "test/app"]
    with pytest.raises(UserError, match="not found"):
        load_builder(FIXTURES / "missing.toml")


def test_env_flags(tmp_path, monkeypatch):
    env_file = tmp_path / "e"
    # read as s2i reads -E: `//` comments and lines without `=` skipped (no host
    # value for a bare name), spaces trimmed, the path taken from the cwd
    env_file.write_text("# comment\n// also a comment\nA=1\nB=from-file\n\nC\n"
                        "PERSISTENCE =0\n  E = spaced out  \n")
    monkeypatch.setenv("C", "host")
    monkeypatch.chdir(tmp_path)
    assert parse_env_pairs(["B=flag", "D=x=y"], ["e"]) == {
        "A": "1",
        "B": "flag",
        "D": "x=y",
        "PERSISTENCE": "0",
        "E": "spaced out",
    }
    assert parse_env_pairs(["C"], []) == {"C": "host"}
    with pytest.raises(UserError):
        parse_env_pairs(["bad key=1"], [])


def test_output_flag_and_quiet_after_the_sub_command():
    assert _output(None) == ("engine", None)
    kind, path = _output(["oci-archive", "x.tar"])
    assert kind == "oci-archive" and path.name == "x.tar"
    with pytest.raises(UserError):
        _output(["tarball", "x"])
    args = build_parser().parse_args(["build", ".", "-t", "x", "-q"])
    assert args.quiet is True
    args = build_parser().parse_args(["-v", "build", ".", "-t", "x"])
    assert args.verbose is True and args.quiet is False


def test_pack_command_keeps_secrets_out_of_argv(tmp_path):
    cmd = pack_command(
        "pack",
        "img:1",
        tmp_path,
        env_file=tmp_path / "env",
        bindings=[tmp_path / "pip"],
        wheels=tmp_path / "whl",
        clear_cache=True,
        default_process="rest",
    )
    assert cmd[:4] == ["pack", "build", "img:1", "--builder"]
    assert "--trust-builder" in cmd  # else pack pulls buildpacksio/lifecycle for the phases
    assert "--env-file" in cmd and not any(c.startswith("--env=") or c == "-e" for c in cmd)
    assert f"{tmp_path / 'pip'}:/platform/bindings/pip:ro" in cmd
    assert f"{tmp_path / 'whl'}:/whl:ro" in cmd
    assert cmd[-3:] == ["--clear-cache", "--default-process", "rest"]


@pytest.mark.parametrize(
    "ref, expected",
    [
        ("m", "localhost/m:latest"),
        ("m:1", "localhost/m:1"),
        ("org/m", "localhost/org/m:latest"),
        ("localhost/m", "localhost/m:latest"),
        ("quay.io/org/m:2", "quay.io/org/m:2"),
        ("localhost:5000/m", "localhost:5000/m:latest"),
    ],
)
def test_normalize_ref(ref, expected):
    assert normalize_ref(ref) == expected


def test_pack_flag_without_pack_is_a_user_error(monkeypatch, tmp_path):
    from seldon_platform.pack import pack_build

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError, match="needs the `pack` CLI"):
        pack_build(str(tmp_path), "img:1", {}, Scribe())
    (tmp_path / "pack").write_text("#!/bin/sh\n")
    (tmp_path / "pack").chmod(0o755)
    with pytest.raises(UserError, match="Docker daemon only"):
        pack_build(str(tmp_path), "img:1", {}, Scribe(), output="oci-layout out")


def test_platform_dir_holds_env_and_private_binding_copies(tmp_path):
    from seldon_platform.build import write_build_config, write_platform_dir

    binding = tmp_path / "in" / "pypi"
    binding.mkdir(parents=True)
    (binding / "type").write_text("pip")
    (binding / "pip.conf").write_text("[global]\n")
    platform = tmp_path / "platform"
    write_platform_dir(platform, {"A": "1"}, [binding])
    assert (platform / "env" / "A").read_text() == "1"
    assert (platform / "bindings" / "pypi" / "pip.conf").read_text() == "[global]\n"
    assert (platform / "bindings").stat().st_mode & 0o077 == 0
    other = tmp_path / "other" / "pypi"
    other.mkdir(parents=True)
    (other / "type").write_text("pip")
    with pytest.raises(UserError, match="Two bindings"):
        write_platform_dir(tmp_path / "p2", {}, [binding, other])
    with pytest.raises(UserError, match="no `type` file"):
        write_platform_dir(tmp_path / "p3", {}, [tmp_path / "in"])
    write_build_config(
        tmp_path / "bc", [{"name": "P", "value": "x", "suffix": "prepend", "delim": ":"}]
    )
    assert (tmp_path / "bc" / "env" / "P.prepend").read_text() == "x"
    assert (tmp_path / "bc" / "env" / "P.delim").read_text() == ":"


def _bp_dir(root: Path, bp_id: str) -> Path:
    bp = root / bp_id.split("/")[-1]
    (bp / "bin").mkdir(parents=True)
    (bp / "buildpack.toml").write_text(
        f'api = "0.10"\n[buildpack]\nid = "{bp_id}"\nversion = "0.1.0"\n')
    return bp


def test_project_buildpacks_as_pack_reads_them(tmp_path):
    """Inline scripts and `uri` directories without an id, as `pack build` takes them."""
    _bp_dir(tmp_path / "bps", "samples/hello-world")
    (tmp_path / "project.toml").write_text("""
[[io.buildpacks.group]]
uri = "bps/hello-world"

[[io.buildpacks.group]]
id = "me/inline"
  [io.buildpacks.group.script]
  api = "0.10"
  shell = "/bin/bash"
  inline = "echo hello from inline"

[[io.buildpacks.group]]
uri = "urn:cnb:builder:seldon/runtime"
""")
    project = load_project(tmp_path)
    assert [(e.id, e.version) for e in project.group] == [
        ("samples/hello-world", "0.1.0"), ("me/inline", "0.0.0"), ("seldon/runtime", "")]
    own = project.own_buildpacks(tmp_path / "work")
    assert [(bp.id, bp.version) for bp in own] == [("samples/hello-world", "0.1.0"),
                                                   ("me/inline", "0.0.0")]
    inline = own[1].path
    assert (inline / "bin" / "build").read_text() == "#!/bin/bash\n\necho hello from inline\n"
    assert (inline / "bin" / "detect").read_text().endswith("exit 0\n")
    assert os.access(inline / "bin" / "build", os.X_OK)


@pytest.mark.parametrize("toml, words", [
    ('[[build.buildpacks]]\nversion = "1"\n', ["[[build.buildpacks]]", "without an id"]),
    ('[[io.buildpacks.pre.group]]\noptional = true\n', ["[[io.buildpacks.pre.group]]"]),
    ('[[io.buildpacks.group]]\nuri = "docker://ex/bp:1"\n',
     ["[[io.buildpacks.group]]", "registry, URL"]),
    ('[[io.buildpacks.group]]\nuri = "missing-dir"\n', ["holds no buildpack.toml"]),
    ('[[io.buildpacks.group]]\n[io.buildpacks.group.script]\ninline = "x"\napi = "0.10"\n',
     ["inline buildpack without an id"]),
    ('[[io.buildpacks.group]]\nid = "a/b"\n[io.buildpacks.group.script]\ninline = "x"\n',
     ["inline buildpack without script.api"]),
])
def test_project_buildpack_refusals_name_their_table(tmp_path, toml, words):
    (tmp_path / "project.toml").write_text(toml)
    with pytest.raises(UserError) as err:
        load_project(tmp_path)
    text = err.value.render()
    assert all(w in text for w in words), text
