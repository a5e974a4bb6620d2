"""The per-image cache: commit by rename, swap, and recovery from an interrupted build."""

import time

from seldon_detect import tomlfile
from seldon_platform.cache import Cache


def make_layers(root, content):
    bp = root / "test_env"
    (bp / "deps").mkdir(parents=True)
    (bp / "deps" / "file").write_text(content)
    tomlfile.write(
        bp / "deps.toml", {"types": {"launch": True, "cache": True}, "metadata": {"v": content}}
    )
    (bp / "only-launch").mkdir()
    tomlfile.write(bp / "only-launch.toml", {"types": {"launch": True}})
    return root


GROUP = [{"id": "test/env", "version": "1"}]


def test_commit_moves_cache_layers_and_indexes_them(tmp_path):
    cache = Cache(tmp_path / "root", "localhost/img:latest")
    layers = make_layers(tmp_path / "layers", "one")
    names = cache.commit(layers, GROUP, {("test/env", "deps"): "sha256:1"})
    assert names == ["test/env:deps"]
    assert (cache.layers / "test_env" / "deps" / "file").read_text() == "one"
    assert not (layers / "test_env" / "deps").exists()  # moved, not copied
    assert not (cache.layers / "test_env" / "only-launch").exists()
    entry = cache.entries()[("test/env", "deps")]
    assert entry["sha"] == "sha256:1" and entry["fingerprint"].startswith("sha256:")
    restored = tomlfile.read(cache.layers / "test_env" / "deps.toml")
    assert restored["metadata"] == {"v": "one"} and restored["types"]["cache"] is True


def test_second_commit_replaces_the_first_and_old_trees_go_away(tmp_path):
    cache = Cache(tmp_path / "root", "img")
    cache.commit(make_layers(tmp_path / "l1", "one"), GROUP, {})
    cache.commit(make_layers(tmp_path / "l2", "two"), GROUP, {})
    assert (cache.layers / "test_env" / "deps" / "file").read_text() == "two"
    deadline = time.monotonic() + 10
    while list(cache.dir.glob("trash-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(cache.dir.glob("trash-*"))


def test_interrupted_commit_leaves_the_old_cache_usable(tmp_path):
    cache = Cache(tmp_path / "root", "img")
    cache.commit(make_layers(tmp_path / "l1", "one"), GROUP, {("test/env", "deps"): "sha256:1"})
    half = cache.dir / "layers.new" / "test_env"
    half.mkdir(parents=True)  # what a build killed mid-commit leaves
    again = Cache(tmp_path / "root", "img")
    assert not (again.dir / "layers.new").exists()
    assert again.entries()[("test/env", "deps")]["sha"] == "sha256:1"


def test_clear_and_old_format_index(tmp_path):
    cache = Cache(tmp_path / "root", "img")
    cache.commit(make_layers(tmp_path / "l1", "one"), GROUP, {})
    tomlfile.write(cache.layers / "cache.toml", {"buildpacks": {"test/env": {"deps": "sha256:x"}}})
    assert cache.entries() == {}  # an index without our version is not trusted
    cache.clear()
    assert not cache.layers.exists()


def test_lock_serializes_builds_of_one_image(tmp_path):
    import threading

    cache = Cache(tmp_path / "root", "img")
    order = []

    def second():
        with cache.locked():
            order.append("second")

    with cache.locked():
        other = threading.Thread(target=second)
        other.start()
        time.sleep(0.2)
        order.append("first")
    other.join(5)
    assert order == ["first", "second"]
