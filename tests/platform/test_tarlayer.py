"""Reproducible tar layers: same files, same digest, whatever the disk says."""

import os
import tarfile

from seldon_platform.exporter.oci import Layout, write_archive
from seldon_platform.exporter.tarlayer import NORMALIZED_MTIME, parents, tree, write_layer


def make_tree(root, mtime):
    (root / "b" / "c").mkdir(parents=True)
    (root / "a.txt").write_text("a")
    (root / "b" / "c" / "deep.txt").write_text("deep")
    (root / "b-sibling").write_text("s")
    (root / "private").write_text("p")
    (root / "private").chmod(0o600)
    (root / "run.sh").write_text("#!/bin/sh\n")
    (root / "run.sh").chmod(0o700)
    os.symlink("a.txt", root / "link")
    os.link(root / "a.txt", root / "zz-hard")
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.utime(os.path.join(dirpath, name), (mtime, mtime), follow_symlinks=False)


def layer(root, out, uid=1000):
    return write_layer(
        parents("layers/bp/x", uid, uid) + list(tree(root, "layers/bp/x", uid, uid)), out
    )


def test_same_files_give_the_same_digest_regardless_of_mtime(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    make_tree(one, 1_000_000_000)
    make_tree(two, 1_700_000_000)
    first = layer(one, tmp_path / "1.tar")
    second = layer(two, tmp_path / "2.tar")
    assert first.digest == second.digest
    assert first.size == (tmp_path / "1.tar").stat().st_size


def test_a_changed_byte_changes_the_digest(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    make_tree(root, 0)
    before = layer(root, tmp_path / "1.tar")
    (root / "a.txt").write_text("A")
    assert layer(root, tmp_path / "2.tar").digest != before.digest


def test_entries_sorted_with_fixed_times_owners_and_readable_modes(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    make_tree(root, 0)
    blob = layer(root, tmp_path / "l.tar")
    with tarfile.open(blob.path) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names)
    assert names[:3] == ["layers", "layers/bp", "layers/bp/x"]
    assert {m.mtime for m in members} == {NORMALIZED_MTIME}
    assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(1000, 1000, "", "")}
    by_name = {m.name: m for m in members}
    assert by_name["layers/bp/x/private"].mode == 0o644
    assert by_name["layers/bp/x/run.sh"].mode == 0o755
    assert by_name["layers/bp/x/link"].issym()
    hard = by_name["layers/bp/x/zz-hard"]
    assert hard.islnk() and hard.linkname == "layers/bp/x/a.txt"


def test_layout_and_archive_are_reproducible(tmp_path):
    results = []
    for n in range(2):
        layout = Layout(tmp_path / f"layout{n}")
        blob = layout.add_bytes(b"layer")
        config = layout.add_image({"rootfs": {"diff_ids": [blob.digest]}}, [blob.descriptor()], "t")
        archive = write_archive(layout.root, tmp_path / f"a{n}.tar")
        results.append((config.digest, archive.digest))
    assert results[0] == results[1]
    assert (tmp_path / "layout0" / "index.json").read_bytes().startswith(b'{"manifests"')


def test_fingerprint_ignores_rewritten_env_files_but_sees_real_changes(tmp_path):
    from seldon_platform.exporter.tarlayer import fingerprint

    root = tmp_path / "layer"
    (root / "env").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "env" / "X.default").write_text("1")
    (root / "lib" / "mod.py").write_text("code")
    first = fingerprint(root)
    (root / "env" / "X.default").unlink()
    (root / "env" / "X.default").write_text("1")  # same bytes, new inode and mtime
    assert fingerprint(root) == first
    (root / "env" / "X.default").write_text("2")
    assert fingerprint(root) != first
    (root / "env" / "X.default").write_text("1")
    os.utime(root / "lib" / "mod.py", ns=(1, 1))
    assert fingerprint(root) != first
