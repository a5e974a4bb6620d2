"""seldon/s2i-environment's build(): the model's runtime defaults as a launch layer, labels."""

from __future__ import annotations

from tests.unit.bpfakes import context, env_files, import_buildpack, restore, run

import_buildpack("s2i-environment")

from s2i_environment.build import LAYER, ConfigMetadata, build  # noqa: E402

from seldon_detect.cnb.layers import LayerTypes  # noqa: E402

MODEL = "class MyModel:\n    def predict(self, X, names):\n        return X\n"


def _ctx(tmp_path, s2i_env: str, **kw):
    return context(tmp_path, "s2i-environment",
                   app={"MyModel.py": MODEL, ".s2i/environment": s2i_env}, **kw)


def test_runtime_keys_become_launch_defaults_and_build_keys_stay_out(tmp_path):
    ctx = _ctx(tmp_path, "MODEL_NAME=MyModel\nSERVICE_TYPE=MODEL\nPERSISTENCE=0\n"
                         "EXTRA_INDEX_URL=https://u:p@index.example/simple\n")
    result, log = run(build, ctx)
    (layer,) = result.layers
    assert (layer.name, layer.types) == (LAYER, LayerTypes(launch=True))
    assert layer.metadata == ConfigMetadata(model_name="MyModel", service_type="MODEL")
    files = env_files(ctx, LAYER)
    assert files["env.launch/MODEL_NAME.default"] == "MyModel"
    assert files["env.launch/SERVICE_TYPE.default"] == "MODEL"
    assert not [f for f in files if "INDEX" in f]
    assert result.labels["io.seldon.model.name"] == "MyModel"
    assert result.labels["io.seldon.model.service-type"] == "MODEL"
    assert result.processes == () and result.launch_sbom is None
    assert "model: MyModel" in log and "runtime defaults: " in log


def test_a_key_removed_from_the_env_file_leaves_no_env_file_behind(tmp_path):
    ctx = _ctx(tmp_path, "MODEL_NAME=MyModel\nPERSISTENCE=1\n")
    run(build, ctx)
    assert "env.launch/PERSISTENCE.default" in env_files(ctx, LAYER)
    restore(ctx)
    # a launch layer is not cached: pretend the platform left its directory anyway
    (ctx.layers_dir / LAYER / "env.launch").mkdir(parents=True)
    (ctx.layers_dir / LAYER / "env.launch" / "PERSISTENCE.default").write_text("1")
    (ctx.app_dir / ".s2i" / "environment").write_text("MODEL_NAME=MyModel\n")
    result, _ = run(build, ctx)
    assert "env.launch/PERSISTENCE.default" not in env_files(ctx, LAYER)
    assert [v.name for v in result.layers[0].env.vars].count("PERSISTENCE") == 0


def test_model_name_inferred_and_labels_from_the_metadata_file(tmp_path):
    ctx = context(tmp_path, "s2i-environment", app={
        "MyModel.py": MODEL,
        "image_metadata.json": '{"labels": [{"name": "My model"}, {"version": "0.1"}]}'})
    result, log = run(build, ctx)
    assert result.layers[0].metadata.model_name == "MyModel"
    assert result.labels["name"] == "My model" and result.labels["version"] == "0.1"
    assert "image labels from image_metadata.json: name, version" in log
