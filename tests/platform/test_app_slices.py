"""The app directory as layers: launch.toml slices first, the rest last."""

from seldon_platform.exporter.export import app_layers


def test_slices_take_files_in_order_and_the_rest_comes_last(tmp_path):
    app = tmp_path / "app"
    for rel in ["static/a.css", "static/img/b.png", "model.pkl", "Model.py", "templates/t.html"]:
        (app / rel).parent.mkdir(parents=True, exist_ok=True)
        (app / rel).write_text(rel)
    slices = [{"paths": ["static"]}, {"paths": ["*.pkl", "static/*"]}, {"paths": ["nothing/*"]}]
    layers = app_layers(app, slices, 1000)
    names = [name for name, _ in layers]
    assert names == ["app slice 1", "app slice 2", "app"]
    files = {name: sorted(e.path for e in entries if e.kind != "dir") for name, entries in layers}
    assert files["app slice 1"] == ["workspace/static/a.css", "workspace/static/img/b.png"]
    assert files["app slice 2"] == ["workspace/model.pkl"]
    assert files["app"] == ["workspace/Model.py", "workspace/templates/t.html"]
    slice_dirs = sorted(e.path for e in layers[0][1] if e.kind == "dir")
    assert slice_dirs == ["workspace", "workspace/static", "workspace/static/img"]


def test_without_slices_there_is_one_app_layer(tmp_path):
    (tmp_path / "x").write_text("x")
    layers = app_layers(tmp_path, [], 1000)
    assert [name for name, _ in layers] == ["app"]
    assert [e.path for e in layers[0][1]] == ["workspace", "workspace/x"]


def test_group_zero_gets_the_owners_rights(tmp_path):
    # OpenShift's random UID is in group 0: it must be able to write where the owner can
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "w.txt").write_text("w")
    (tmp_path / "data" / "w.txt").chmod(0o644)
    (tmp_path / "run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "run.sh").chmod(0o555)
    (tmp_path / "data").chmod(0o755)
    (entries,) = [entries for _, entries in app_layers(tmp_path, [], 1234)]
    got = {e.path: (e.uid, e.gid, oct(e.mode)) for e in entries}
    assert got == {
        "workspace": (1234, 0, oct(0o775)),
        "workspace/data": (1234, 0, oct(0o775)),
        "workspace/data/w.txt": (1234, 0, oct(0o664)),
        "workspace/run.sh": (1234, 0, oct(0o555)),  # read-only for its owner: so for the group
    }
