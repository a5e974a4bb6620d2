"""The lifecycle label the exporter writes, in the shape upstream's lifecycle writes and reads."""

from seldon_detect import tomlfile
from seldon_platform.exporter.export import Previous, RunImage, export
from seldon_platform.exporter.oci import Layout


def test_store_toml_goes_into_the_label_as_upstream_writes_it(tmp_path):
    """Upstream's label holds `"store": {"metadata": {...}}` (StoreTOML's JSON form), and
    its restorer writes that back as store.toml; an image built with pack then rebuilt
    here (or the other way round) keeps its store only if both agree."""
    layers = tmp_path / "layers"
    (layers / "config").mkdir(parents=True)
    (layers / "a_b").mkdir()
    tomlfile.write(layers / "group.toml", {"group": [{"id": "a/b", "version": "1.0.0"}]})
    tomlfile.write(layers / "config" / "metadata.toml", {"processes": []})
    tomlfile.write(layers / "a_b" / "store.toml", {"metadata": {"counter": 1}})
    (tmp_path / "app").mkdir()
    result = export(layers, tmp_path / "app", RunImage("run", {"rootfs": {"diff_ids": []}}, []),
                    Layout(tmp_path / "oci"), "x:1", Previous(), {})
    (bp,) = result.lifecycle_metadata["buildpacks"]
    assert bp["store"] == {"metadata": {"counter": 1}}
