"""seldon/s2i-environment build: the model settings become `.default` launch env."""

from __future__ import annotations

from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomli as tomllib

BP = "seldon/s2i-environment"


def _env(lc) -> dict[str, bytes]:
    d = lc.layers / "seldon_s2i-environment" / "config" / "env.launch"
    return {p.name: p.read_bytes() for p in sorted(d.iterdir())}


def _build(lc):
    return lc.build(BP, [{"name": "seldon-model"}])


def test_s2i_environment_file_becomes_default_env(make_app, lifecycle):
    app = make_app({
        "Router.py": "class Router:\n    pass\n",
        ".s2i/environment": "# model settings\nexport MODEL_NAME=Router\nSERVICE_TYPE='ROUTER'\n"
                            'PREDICTIVE_UNIT_PARAMETERS=\'[{"name":"a","value":"1","type":"INT"}]\'\n'
                            "EXTRA_INDEX_URL=https://u:p@example/simple\nGUNICORN_WORKERS=2\n",
    })
    lc = lifecycle(app)
    run = _build(lc)
    assert run.returncode == 0, run.output
    env = _env(lc)
    assert env["MODEL_NAME.default"] == b"Router"
    assert env["SERVICE_TYPE.default"] == b"ROUTER"
    assert env["GUNICORN_WORKERS.default"] == b"2"
    assert env["PREDICTIVE_UNIT_PARAMETERS.default"].startswith(b'[{"name":"a"')
    assert not any(name.startswith("EXTRA_INDEX_URL") for name in env)
    assert all(name.endswith(".default") for name in env)
    layer = tomllib.loads((lc.layers / "seldon_s2i-environment" / "config.toml").read_text())
    assert layer["types"] == {"launch": True, "build": False, "cache": False}
    assert "p@example" not in str(layer)
    labels = tomllib.loads((lc.layers / "seldon_s2i-environment" / "launch.toml").read_text())
    assert {"key": "io.seldon.model.name", "value": "Router"} in labels["labels"]


def test_build_env_overrides_the_file_and_reaches_the_image_except_secrets(make_app, lifecycle):
    app = make_app({"A.py": "class A: pass\n", "B.py": "class B: pass\n",
                    ".s2i/environment": "MODEL_NAME=A\n"})
    lc = lifecycle(app, env={"MODEL_NAME": "B", "SERVICE_TYPE": "transformer",
                             "AWS_SECRET_ACCESS_KEY": "nope", "PAYLOAD_PASSTHROUGH": "true",
                             "OMP_NUM_THREADS": "1", "MY_SETTING": "x",
                             "BP_DEBIAN_PACKAGES": "curl"})
    run = _build(lc)
    assert run.returncode == 0, run.output
    env = _env(lc)
    assert env["MODEL_NAME.default"] == b"B"
    assert env["SERVICE_TYPE.default"] == b"TRANSFORMER"
    assert env["PAYLOAD_PASSTHROUGH.default"] == b"true"
    assert "AWS_SECRET_ACCESS_KEY.default" not in env
    assert "AWS_SECRET_ACCESS_KEY (given to the build) looks like a secret" in run.output
    # unknown to the model configuration, yet in the image as with s2i -e
    assert env["OMP_NUM_THREADS.default"] == b"1" and env["MY_SETTING.default"] == b"x"
    assert "BP_DEBIAN_PACKAGES.default" not in env
    assert "from the build environment" in run.output


def test_model_name_is_inferred_from_the_only_candidate(make_app, lifecycle):
    lc = lifecycle(make_app({"IrisClassifier.py": "class IrisClassifier(object):\n    pass\n",
                             "helpers.py": "class Helper: pass\n"}))
    run = _build(lc)
    assert run.returncode == 0, run.output
    assert _env(lc)["MODEL_NAME.default"] == b"IrisClassifier"
    assert "inferred" in run.output


def test_ambiguous_model_is_an_error_listing_candidates(make_app, lifecycle):
    lc = lifecycle(make_app({"A.py": "class A: pass\n", "B.py": "class B: pass\n"}))
    run = _build(lc)
    assert run.returncode == 1
    assert "MODEL_NAME is not set" in run.output and "A, B" in run.output
    assert "To fix it" in run.output


def test_bad_service_type_lists_the_six_types(make_app, lifecycle):
    lc = lifecycle(make_app({"M.py": "class M: pass\n",
                             ".s2i/environment": "MODEL_NAME=M\nSERVICE_TYPE=MODLE\n"}))
    run = _build(lc)
    assert run.returncode == 1
    assert ".s2i/environment:2" in run.output
    for kind in ("MODEL", "ROUTER", "TRANSFORMER", "OUTPUT_TRANSFORMER", "COMBINER",
                 "OUTLIER_DETECTOR"):
        assert kind in run.output


def test_persistence_is_accepted_with_a_warning(make_app, lifecycle):
    lc = lifecycle(make_app({"M.py": "class M: pass\n",
                             ".s2i/environment": "MODEL_NAME=M\nPERSISTENCE=1\n"}))
    run = _build(lc)
    assert run.returncode == 0
    assert "PERSISTENCE is deprecated" in run.output


def test_dotted_model_name(make_app, lifecycle):
    lc = lifecycle(make_app({"pkg/mod.py": "class Cls: pass\n",
                             ".s2i/environment": "MODEL_NAME=pkg.mod.Cls\n"}))
    run = _build(lc)
    assert run.returncode == 0, run.output
    assert _env(lc)["MODEL_NAME.default"] == b"pkg.mod.Cls"


def test_rebuild_rewrites_the_layer_types(make_app, lifecycle):
    lc = lifecycle(make_app({"M.py": "class M: pass\n"}))
    assert _build(lc).returncode == 0
    lc.restore()
    toml = lc.layers / "seldon_s2i-environment" / "config.toml"
    assert "types" not in tomllib.loads(toml.read_text())
    assert _build(lc).returncode == 0
    assert tomllib.loads(toml.read_text())["types"]["launch"] is True
    assert Path(lc.layers / "seldon_s2i-environment" / "config").is_dir()


def test_s2i_scripts_in_the_repository_are_warned_about(make_app, lifecycle):
    app = make_app({
        "Router.py": "class Router:\n    pass\n",
        ".s2i/environment": "MODEL_NAME=Router\nSERVICE_TYPE=ROUTER\n",
        ".s2i/bin/assemble": "#!/bin/bash\napt-get install -y libgl1\n/s2i/bin/assemble\n",
        ".s2i/bin/run": "#!/bin/bash\nexec seldon-core-microservice $MODEL_NAME\n",
        ".s2i/bin/custom": "#!/bin/sh\n",
    })
    run = _build(lifecycle(app))
    assert run.returncode == 0, run.output
    warnings = [line for line in run.output.splitlines() if line.startswith("WARNING: .s2i/bin")]
    assert [w.split(" ")[1] for w in warnings] == [
        ".s2i/bin/assemble", ".s2i/bin/custom", ".s2i/bin/run"]
    assert "system packages in an Aptfile" in warnings[0]
    assert "buildpacks run no s2i scripts" in warnings[1]
    assert "always starts seldon-runtime" in warnings[2]


# the shape of Seldon Core's example models that set image labels through s2i
ASSEMBLE_WITH_METADATA = """\
#!/bin/bash
echo "Before assembling"

/s2i/bin/assemble
rc=$?

if [ $rc -eq 0 ]; then
    echo "After successful assembling"
else
    echo "After failed assembling"
    exit $rc
fi

mkdir -p /tmp/.s2i/
cp image_metadata.json /tmp/.s2i/image_metadata.json
pip install extra-thing
"""


def test_image_metadata_labels_and_what_happens_to_each_assemble_line(make_app, lifecycle):
    app = make_app({
        "Mean.py": "class Mean:\n    pass\n",
        ".s2i/bin/assemble": ASSEMBLE_WITH_METADATA,
        "image_metadata.json": '{"labels": [{"name": "Mock Model"}, {"vendor": "Me"}, '
                               '{"version": "1.2"}, {"summary": "a mock"}]}',
    })
    lc = lifecycle(app)
    run = _build(lc)
    assert run.returncode == 0, run.output
    launch = tomllib.loads((lc.layers / "seldon_s2i-environment" / "launch.toml").read_text())
    labels = {entry["key"]: entry["value"] for entry in launch["labels"]}
    assert labels["name"] == "Mock Model" and labels["vendor"] == "Me"
    assert labels["version"] == "1.2" and labels["summary"] == "a mock"
    assert labels["io.seldon.model.name"] == "Mean"
    text = " ".join(run.output.split())
    assert ("`/s2i/bin/assemble`: done: the buildpacks install the requirements" in text)
    assert ("`cp image_metadata.json /tmp/.s2i/image_metadata.json`: done: the labels" in text)
    assert "`pip install extra-thing`: not run: list these packages in requirements.txt" in text
    assert "echo" not in text.split("What happens")[1]


def test_bad_image_metadata_names_the_file(make_app, lifecycle):
    app = make_app({"Mean.py": "class Mean:\n    pass\n",
                    "image_metadata.json": '{"labels": [{"version": 1.2}]}'})
    run = _build(lifecycle(app))
    assert run.returncode != 0
    assert "Cannot read image_metadata.json" in run.output
    assert "'version' has the value 1.2, not a string" in run.output
