"""The re-implemented kpack and pack rules refuse what upstream refuses and accept what it
accepts (the cases upstream's own tests and our earlier mistakes cover), and the facts they
read are what make_upstream_facts.py makes from the pinned upstream tags."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
import yaml
from docs_support import DATA, ROOT
from kpack_rules import secret_use, strict_decode, validate
from oci_names import new_tag, parse_reference
from pack_rules import (
    command_problems,
    descriptor_problems,
    locator_type,
    read_config,
    validate_config,
)

BUILDPACK = {"apiVersion": "kpack.io/v1alpha2", "kind": "ClusterBuildpack",
             "metadata": {"name": "bp"}, "spec": {"image": "registry.example.com/buildpack:1"}}
CLUSTER_BUILDER = {
    "apiVersion": "kpack.io/v1alpha2", "kind": "ClusterBuilder", "metadata": {"name": "b"},
    "spec": {"tag": "registry.example.com/builder", "serviceAccountRef": {"name": "sa",
                                                                    "namespace": "ns"},
             "stack": {"kind": "ClusterStack", "name": "s"},
             "store": {"kind": "ClusterStore", "name": "st"},
             "order": [{"group": [{"id": "seldon/runtime"}]}]}}
IMAGE = {"apiVersion": "kpack.io/v1alpha2", "kind": "Image",
         "metadata": {"name": "m", "namespace": "ns"},
         "spec": {"tag": "registry.example.com/model", "builder": {"kind": "Builder", "name": "b"},
                  "source": {"git": {"url": "https://git.example.com/m.git",
                                     "revision": "main"}},
                  "cache": {"registry": {"tag": "registry.example.com/model-cache"}}}}


def edited(doc: dict, path: str, value) -> dict:
    """A copy with `value` at the dotted path (None deletes the key)."""
    doc = copy.deepcopy(doc)
    *parents, last = path.split(".")
    node = doc
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is None:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


def test_the_samples_are_accepted():
    for doc in (BUILDPACK, CLUSTER_BUILDER, IMAGE):
        assert strict_decode(doc) == [] and validate(doc) == []


@pytest.mark.parametrize(("doc", "problem"), [
    # a field the Go type does not have, anywhere in the document
    (edited(BUILDPACK, "spec.source", {"git": {}}), "spec.source: unknown field"),
    (edited(BUILDPACK, "metadata.labelz", {}), "metadata.labelz: unknown field"),
    (edited(CLUSTER_BUILDER, "spec.order.0.group.0.optional", "yes"), "expected boolean"),
    (edited(IMAGE, "spec.failedBuildHistoryLimit", "3"), "expected integer"),
    (edited(IMAGE, "spec.build", {"env": [{"name": "A", "vaule": "1"}]}), "vaule: unknown"),
])
def test_strict_decoding_refuses(doc, problem):
    assert any(problem in p for p in strict_decode(doc)), strict_decode(doc)


@pytest.mark.parametrize(("doc", "problem"), [
    # ClusterBuilder: no defaulting of stack or store kind
    (edited(CLUSTER_BUILDER, "spec.stack.kind", None), "spec.stack.kind: invalid value ''"),
    (edited(CLUSTER_BUILDER, "spec.store.kind", None), "spec.store.kind: invalid value ''"),
    (edited(CLUSTER_BUILDER, "spec.serviceAccountRef.namespace", None), "namespace: missing"),
    (edited(CLUSTER_BUILDER, "spec.order.0.group.0", {"image": "registry.example.com/x"}),
     "image reference currently not supported"),
    (edited(CLUSTER_BUILDER, "spec.order.0.group.0", {"optional": True}), "exactly one of"),
    (edited(CLUSTER_BUILDER, "spec.order.0.group.0", {"kind": "Nope", "name": "x"}),
     "must be one of Buildpack, ClusterBuildpack"),
    (edited(CLUSTER_BUILDER, "spec.tag", "registry.example.com/builder@sha256:" + "a" * 64),
     "spec.tag: invalid value"),
    (edited(BUILDPACK, "spec.image", "Registry.example.com/BP"), "spec.image: invalid value"),
    (edited(BUILDPACK, "spec.serviceAccountRef", {"name": "sa"}), "namespace: missing"),
    # Image
    (edited(IMAGE, "spec.builder.kind", None), "spec.builder.kind: invalid value"),
    (edited(IMAGE, "spec.source.registry", {"image": "registry.example.com/src"}),
     "exactly one of git, blob, registry"),
    (edited(IMAGE, "spec.source.git.revision", ""), "spec.source.git.revision: missing"),
    (edited(IMAGE, "spec.cache", {"volume": {"size": "2Gi"}}), "storageClassName"),
    (edited(IMAGE, "spec.cache.volume", {"size": "2Gi"}), "only one type of cache"),
    (edited(IMAGE, "spec.build", {"env": [{"name": "T", "valueFrom": {"secretKeyRef": {
        "name": "s", "key": "k"}}}]}), "secretKeyRef: not supported"),
    (edited(IMAGE, "spec.build", {"services": [{"name": "Private_PyPI", "kind": "Secret"}]}),
     "services[0].name: invalid value"),
    (edited(IMAGE, "spec.build", {"services": [{"name": "p", "kind": "Secret"},
                                               {"name": "p", "kind": "Secret"}]}),
     "duplicate service name"),
    (edited(IMAGE, "spec.build", {"services": [{"name": "p"}]}), "kind: missing"),
    (edited(IMAGE, "spec.additionalTags", ["other.example.com/model:x"]), "same registry"),
    (edited(IMAGE, "spec.successBuildHistoryLimit", 0), "greater than 0"),
    (edited(IMAGE, "metadata.name", "m" * 64), "valid label value"),
])
def test_validation_refuses(doc, problem):
    assert strict_decode(doc) == []
    assert any(problem in p for p in validate(doc)), validate(doc)


@pytest.mark.parametrize("doc", [
    # both an id and kind+name in one order entry
    edited(CLUSTER_BUILDER, "spec.order.0.group.0", {"id": "seldon/runtime", "version": "0.1.0",
                                                     "kind": "ClusterBuildpack", "name": "rt"}),
    # an allowed kind without a name passes (upstream returns before reporting the name)
    edited(CLUSTER_BUILDER, "spec.order.0.group.0", {"kind": "ClusterBuildpack"}),
    # a store is optional
    edited(CLUSTER_BUILDER, "spec.store", None),
    # a namespaced Builder gets stack.kind, store.kind and the service account by default
    {**edited(CLUSTER_BUILDER, "spec.stack.kind", None), "kind": "Builder",
     "spec": {k: v for k, v in edited(CLUSTER_BUILDER, "spec.stack.kind", None)["spec"].items()
              if k not in ("serviceAccountRef", "store")}},
    edited(IMAGE, "spec.cache", {"volume": {"size": "2Gi", "storageClassName": "standard"}}),
])
def test_validation_accepts(doc):
    assert strict_decode(doc) == [] and validate(doc) == []


def test_secrets_serve_what_kpack_reads_them_for():
    assert secret_use("kubernetes.io/dockerconfigjson", {}) == {"registry", "image-pull"}
    assert secret_use("kubernetes.io/basic-auth", {"kpack.io/docker": "r.example.com"}) == \
        {"registry"}
    assert secret_use("kubernetes.io/basic-auth", {}) == set()
    assert secret_use("kubernetes.io/basic-auth", {"kpack.io/git": "https://g.example.com"}) == \
        {"git"}


@pytest.mark.parametrize(("ref", "ok"), [
    ("registry.example.com/seldon-buildpacks/run:bookworm", True),
    ("localhost/seldon-buildpacks/run:bookworm", True),  # Docker Hub's localhost/... repo
    ("registry.example.com:5000/a/b@sha256:" + "0" * 64, True),
    ("registry.example.com/a/b:t@sha256:" + "0" * 64, True),
    ("build/buildpacks/seldon_runtime", True),  # why pack pulls a missing uri
    ("registry.example.com/A/b", False),
    ("registry.example.com/a/b:", False),
    ("registry.example.com/a/b@sha256:123", False),
    ("a", False),
])
def test_image_references(ref, ok):
    assert (parse_reference(ref) is None) == ok


def test_a_tag_is_not_a_digest():
    assert new_tag("registry.example.com/a@sha256:" + "0" * 64) is not None


# -- pack ---------------------------------------------------------------------------------

def _builder_toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "builder.toml"
    path.write_text(text)
    return path


def test_builder_toml_problems_pack_reports(tmp_path):
    base = (ROOT / "builder.toml").read_text()
    cfg, problems = read_config(_builder_toml(tmp_path, base + '\n[unknown]\nkey = "x"\n'))
    assert problems == ["unknown: unknown key"]
    cfg, problems = read_config(_builder_toml(tmp_path, base.replace(
        'version = "0.21.14"', 'version = "0.21.14"\nuri = "lifecycle.tgz"')))
    assert "lifecycle can only declare version or uri, not both" in validate_config(cfg)
    cfg, _ = read_config(_builder_toml(tmp_path, base.replace(
        'build-image = "localhost/seldon-buildpacks/build:bookworm"',
        'build-image = "localhost/seldon-buildpacks/other:bookworm"')))
    assert validate_config(cfg) == []  # [build] image wins when pack merges the two
    cfg, problems = read_config(_builder_toml(tmp_path, base.replace(
        "[[run.images]]\nimage", "[[run.images]]\nimages")))
    assert "run.images[0].images: unknown key" in problems
    assert "run.images.image is required" in validate_config(cfg)


def test_descriptor_problems_pack_reports(tmp_path):
    (tmp_path / "buildpack.toml").write_text(
        'api = "0.10"\n[buildpack]\nid = "x/y"\nhomepage = "h"\nsbom-formats = []\n'
        '[[targets]]\nos = "linux"\n[[order]]\n[[order.group]]\nid = "a"\nversion = "1"\n'
        '[metadata]\nanything = 1\n[[stack]]\nid = "s"\n')
    assert descriptor_problems(tmp_path / "buildpack.toml") == [
        "stack: unknown key", "buildpack.version is required",
        "cannot have both targets/stacks and an order defined"]


def test_locator_types(tmp_path):
    (tmp_path / "bp").mkdir()
    assert locator_type("bp", tmp_path) == "URILocator"
    # what pack makes of builder.toml's uris before `make buildpacks`: an image to pull
    assert locator_type("build/buildpacks/seldon_runtime", tmp_path) == "PackageLocator"
    assert locator_type("paketo-buildpacks/python", tmp_path) == "RegistryLocator"
    assert locator_type("missing/bp", tmp_path) == "RegistryLocator"
    assert locator_type("docker://registry.example.com/bp:1", tmp_path) == "PackageLocator"
    assert locator_type("file:///somewhere/bp.tgz", tmp_path) == "URILocator"
    assert locator_type("Not A Locator", tmp_path) == "InvalidLocator"


@pytest.mark.parametrize(("line", "problem"), [
    ("pack builder create b --config c --publish --pull-policy never", "cannot be used together"),
    ("pack builder create b", "--config"),
    ("pack builder create b --config c --pull-policy sometimes", "unknown pull policy"),
    ("pack build img --builder b --publsh", "unknown flag --publsh"),
    ("pack build img --builder", "needs a value"),
    ("pack build --builder b", "expects one image name"),
    ("pack buildpack package img --path p --config c", "cannot be used together"),
    ("pack builder make b", "not in the facts"),
])
def test_pack_command_lines(line, problem):
    assert any(problem in p for p in command_problems(line.split())), command_problems(
        line.split())


def test_pack_accepts_short_flags_and_equals():
    assert command_problems("pack build img -B b -p . -e A=1 --pull-policy=never".split()) == []


# -- the facts are upstream's -------------------------------------------------------------

FACT_FILES = [
    ("kpack_facts.yaml", "KPACK_GIT_DIR", ["kpack"]),
    ("pack_facts.yaml", "PACK_GIT_DIR", ["pack"]),
    ("kpack_v0.12.0_facts.yaml", "KPACK_GIT_DIR",
     ["kpack", "--kinds", "ClusterStack,ClusterStore,ClusterBuilder,Builder,Image"]),
]


@pytest.mark.parametrize(("name", "env", "args"), FACT_FILES, ids=[f[0] for f in FACT_FILES])
def test_the_facts_are_what_the_script_makes_from_upstream(name, env, args, tmp_path):
    """Set KPACK_GIT_DIR / PACK_GIT_DIR to a clone of the upstream repository to run this."""
    text = (DATA / name).read_text()
    stored = yaml.safe_load(text)
    assert text.startswith(f"# {args[0]} {stored['source']['tag']}: facts read from upstream")
    if not os.environ.get(env):
        pytest.skip(f"{env} is not set")
    from make_upstream_facts import main

    main([*args, "--git-dir", os.environ[env], "--tag", stored["source"]["tag"],
          "-o", str(tmp_path / "facts.yaml")])
    assert (tmp_path / "facts.yaml").read_text() == text
