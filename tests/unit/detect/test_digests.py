"""The one digest format: file names and bytes plus settings, for every reuse key."""

from pathlib import Path

from seldon_detect.digests import digest_dir, digest_files


def test_the_format_is_frozen(tmp_path: Path):
    """The stack images are labelled with this digest of their inputs: a new value for the
    same inputs would rebuild them on every machine. The value was computed by the
    format's first implementation (stacks.digest_of)."""
    f = tmp_path / "sub" / "Containerfile"
    f.parent.mkdir()
    f.write_bytes(b'FROM x\nRUN echo "\\0"\n')
    assert digest_files([f], f.parent, {"base": "abc def", "stack_id": "io.x"}) == (
        "108ad9267c2ae37a8644cf3ef73695380bd3c8de6a9c42e0a093f9762914fb29")


def test_digest_follows_content_names_and_settings_not_order(tmp_path: Path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("one")
    b.write_text("two")
    first = digest_files([a, b], tmp_path, {"k": "v"})
    assert digest_files([b, a], tmp_path, {"k": "v"}) == first
    assert digest_files([a, b], tmp_path, {"k": "w"}) != first
    assert digest_files([a, b], tmp_path) != first
    b.write_text("too")
    assert digest_files([a, b], tmp_path, {"k": "v"}) != first
    b.rename(tmp_path / "c.txt")
    assert digest_files([a, tmp_path / "c.txt"], tmp_path, {"k": "v"}) != first


def test_names_are_relative_to_the_base(tmp_path: Path):
    for root in ("x", "y"):
        (tmp_path / root / "sub").mkdir(parents=True)
        (tmp_path / root / "sub" / "f").write_text("same")
    assert digest_files([tmp_path / "x" / "sub" / "f"], tmp_path / "x") == digest_files(
        [tmp_path / "y" / "sub" / "f"], tmp_path / "y")
    # outside the base a file is named by its whole path
    assert digest_files([tmp_path / "x" / "sub" / "f"], tmp_path / "y") != digest_files(
        [tmp_path / "y" / "sub" / "f"], tmp_path / "y")


def test_a_directory_digest_covers_only_its_own_files(tmp_path: Path):
    (tmp_path / "w.whl").write_bytes(b"wheel")
    first = digest_dir(tmp_path)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "x").write_text("ignored")
    assert digest_dir(tmp_path) == first
    (tmp_path / "v.whl").write_bytes(b"another")
    assert digest_dir(tmp_path) != first
