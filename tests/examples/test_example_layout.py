"""Every example folder is a complete s2i-style model repository."""

from __future__ import annotations

import ast
import json
import re

import pytest
from example_repos import (
    EXAMPLES,
    EXPECTED,
    SERVICE_METHODS,
    fenced_blocks,
    model_file,
    parse_s2i_environment,
)

KNOWN_KEYS = {
    "MODEL_NAME",
    "SERVICE_TYPE",
    "API_TYPE",
    "PERSISTENCE",
    "PAYLOAD_PASSTHROUGH",
    "PREDICTIVE_UNIT_PARAMETERS",
}

examples = pytest.mark.parametrize("name", sorted(EXPECTED))


def test_the_examples_are_exactly_the_promised_ones():
    present = {
        p.name for p in EXAMPLES.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    }
    assert present == set(EXPECTED)


@examples
def test_s2i_environment_names_the_model_and_service_type(name):
    env = parse_s2i_environment(EXAMPLES / name / ".s2i" / "environment")
    assert set(env) <= KNOWN_KEYS, f"unexpected keys {set(env) - KNOWN_KEYS}"
    assert env["SERVICE_TYPE"] == EXPECTED[name]
    assert re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", env["MODEL_NAME"])
    # credentials are given at build time, never committed with the model
    assert not any(re.search(r"://[^/\s]*@", value) for value in env.values())


def test_parse_s2i_environment_rejects_malformed_lines(tmp_path):
    bad = tmp_path / "environment"
    bad.write_text("MODEL_NAME=A\nnot a pair\n")
    with pytest.raises(ValueError, match="environment:2"):
        parse_s2i_environment(bad)
    bad.write_text("# comment\n\nMODEL_NAME=A\nMODEL_NAME=B\n")
    with pytest.raises(ValueError, match="set twice"):
        parse_s2i_environment(bad)


def test_passthrough_is_the_only_example_that_turns_passthrough_on():
    on = {
        name
        for name in EXPECTED
        if parse_s2i_environment(EXAMPLES / name / ".s2i" / "environment")
        .get("PAYLOAD_PASSTHROUGH", "false")
        .lower()
        in ("1", "true", "t")
    }
    assert on == {"passthrough"}


@examples
def test_model_name_resolves_to_a_class_with_the_service_methods(name):
    example = EXAMPLES / name
    model_name = parse_s2i_environment(example / ".s2i" / "environment")["MODEL_NAME"]
    source = model_file(example, model_name)
    assert source.is_file(), f"MODEL_NAME={model_name} has no file {source}"
    tree = ast.parse(source.read_text(), filename=str(source))
    class_name = model_name.rsplit(".", 1)[-1]
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    assert class_name in classes, f"{source.name} defines no class {class_name}"
    methods = {node.name for node in classes[class_name].body if isinstance(node, ast.FunctionDef)}
    wanted = SERVICE_METHODS[EXPECTED[name]]
    assert methods & set(wanted), f"{class_name} needs one of {wanted}, has {sorted(methods)}"


@examples
def test_readme_shows_both_builds_the_request_and_the_response(name):
    example = EXAMPLES / name
    readme = (example / "README.md").read_text()
    # one command per line: fold shell line continuations
    commands = "\n".join(fenced_blocks(readme, "sh")).replace("\\\n", " ")
    assert re.search(r"^seldon-build build \. ", commands, re.M)
    assert re.search(
        r"^seldon-s2i build .*\. seldonio/seldon-core-s2i-python3:\S+ \S+", commands, re.M
    )
    request = "request.csv" if name == "passthrough" else "request.json"
    assert f"@{request}" in commands
    assert (example / request).is_file()
    assert fenced_blocks(readme, "json"), "no expected response"


@examples
def test_request_file_is_well_formed(name):
    example = EXAMPLES / name
    if name == "passthrough":
        rows = (example / "request.csv").read_text().strip().splitlines()
        assert rows and all(float(cell) is not None for row in rows for cell in row.split(","))
        return
    request = json.loads((example / "request.json").read_text())
    messages = request if EXPECTED[name] == "COMBINER" else [request]
    assert isinstance(request, list) == (EXPECTED[name] == "COMBINER")
    for message in messages:
        assert {"data", "jsonData", "strData", "binData"} & set(message)


@examples
def test_the_project_detector_reads_each_example_the_same_way(name):
    """Cross-check with seldon_detect, which the buildpacks run at build time."""
    from seldon_detect.app import describe
    from seldon_detect.model import resolve_model_config

    example = EXAMPLES / name
    app = describe(example)
    config = resolve_model_config(example, app.s2i_env, {})
    ours = parse_s2i_environment(example / ".s2i" / "environment")
    assert (config.model_name, config.service_type) == (ours["MODEL_NAME"], EXPECTED[name])
    assert config.warnings == []
    for key in ("PAYLOAD_PASSTHROUGH", "PREDICTIVE_UNIT_PARAMETERS"):
        assert config.launch_env.get(key) == ours.get(key)
    assert (app.requirements is not None) == (example / "requirements.txt").is_file()
    assert (app.conda is not None) == (example / "environment.yml").is_file()
    assert (app.project is not None) == (example / "setup.py").is_file()
