"""docs/kpack: every kpack document passes kpack's admission webhooks as re-implemented in
kpack_rules (strict decoding against the swagger facts of the pinned kpack version, then
the defaulting and validation code), the documents refer to each other consistently, and
they name exactly our buildpacks and stack."""

from __future__ import annotations

import re

import pytest
import yaml
from docs_support import DATA, ROOT, STACK_ID, buildpack_dirs, buildpacks, yaml_documents
from kpack_rules import FACTS, strict_decode, validate

KPACK = ROOT / "docs" / "kpack"
MANIFESTS = sorted(KPACK.glob("*.yaml"))
#: Images whose volume cache relies on the cluster's default StorageClass (the README says so)
NEEDS_DEFAULT_STORAGE_CLASS = {"image.yaml"}
#: kpack's docs/servicebindings.md: a binding Secret's type should be this plus its `type` entry
BINDING_TYPE_PREFIX = "service.binding/"


def documents() -> list[dict]:
    return [doc for path in MANIFESTS for doc in yaml_documents(path)]


def kpack_documents() -> list[tuple[str, dict]]:
    return [(path.name, doc) for path in MANIFESTS for doc in yaml_documents(path)
            if doc["apiVersion"].startswith("kpack.io/")]


def by_kind(kind: str) -> list[dict]:
    return [d for d in documents() if d["kind"] == kind]


def test_the_facts_name_the_pinned_kpack_version():
    assert FACTS["source"]["tag"] == "v0.17.2"
    assert (ROOT / "tests" / "docs" / "data" / "kpack_facts.yaml").read_text().startswith(
        "# kpack v0.17.2: facts read from upstream source")


def test_the_folder_has_every_resource_the_readme_promises():
    kinds = {d["kind"] for d in documents()}
    assert {
        "ClusterStack",
        "ClusterStore",
        "ClusterBuildpack",
        "ClusterLifecycle",
        "Builder",
        "ClusterBuilder",
        "Image",
        "Secret",
        "ServiceAccount",
        "SeldonDeployment",
    } <= kinds
    readme = (KPACK / "README.md").read_text()
    for path in MANIFESTS:
        assert f"`{path.name}`" in readme, f"README.md does not explain {path.name}"


@pytest.mark.parametrize(("name", "doc"), kpack_documents(),
                         ids=[f"{n}:{d['kind']}/{d['metadata']['name']}"
                              for n, d in kpack_documents()])
def test_kpack_accepts_the_document(name, doc):
    assert strict_decode(doc) == []
    assert validate(doc, has_default_storage_class=name in NEEDS_DEFAULT_STORAGE_CLASS) == []
    scope = FACTS["kinds"][doc["kind"]]["scope"]
    # cluster-scoped resources take no namespace; ours name the namespace they live in
    assert ("namespace" in doc["metadata"]) == (scope == "Namespaced")
    for ref in _image_refs(doc):
        assert not ref.startswith("localhost/"), "kpack pulls from a registry, not the engine"


def _image_refs(doc: dict) -> list[str]:
    spec = doc["spec"]
    refs = [spec.get("image"), spec.get("tag"), *(s["image"] for s in spec.get("sources", []))]
    refs += [spec.get(k, {}).get("image") for k in ("buildImage", "runImage")]
    return [r for r in refs if r]


def test_a_volume_cache_without_default_storage_class_is_refused():
    """The README's note: image.yaml needs a default StorageClass or storageClassName."""
    for name, doc in kpack_documents():
        if name in NEEDS_DEFAULT_STORAGE_CLASS:
            assert validate(doc) == [FACTS["constants"]["storage_class_message"]]
            doc["spec"]["cache"]["volume"]["storageClassName"] = "standard"
            assert validate(doc) == []


def _names(kind: str) -> set[str]:
    return {d["metadata"]["name"] for d in by_kind(kind)}


def test_references_point_at_resources_in_this_folder():
    for builder in by_kind("Builder") + by_kind("ClusterBuilder"):
        spec = builder["spec"]
        assert spec["stack"]["name"] in _names(spec["stack"].get("kind", "ClusterStack"))
        if "store" in spec:
            assert spec["store"]["name"] in _names("ClusterStore")
        if "lifecycle" in spec:
            assert spec["lifecycle"]["name"] in _names("ClusterLifecycle")
        for group in spec["order"]:
            for entry in group["group"]:
                if "kind" in entry:
                    assert entry["name"] in _names(entry["kind"])
    secrets = {(d["metadata"].get("namespace"), d["metadata"]["name"]) for d in by_kind("Secret")}
    accounts = _names("ServiceAccount")
    for image in by_kind("Image"):
        spec, namespace = image["spec"], image["metadata"]["namespace"]
        assert spec["builder"]["name"] in _names(spec["builder"]["kind"])
        assert spec["serviceAccountName"] in accounts
        for service in spec.get("build", {}).get("services", []):
            if service["kind"] == "Secret":
                assert (namespace, service["name"]) in secrets, "a binding Secret is namespaced"
    for _, doc in kpack_documents():
        ref = doc["spec"].get("serviceAccountRef")
        if ref:
            assert ref["name"] in accounts
        if "serviceAccountName" in doc["spec"]:
            assert doc["spec"]["serviceAccountName"] in accounts


def test_stack_is_ours():
    (stack,) = by_kind("ClusterStack")
    assert stack["spec"]["id"] == STACK_ID
    assert stack["spec"]["buildImage"]["image"].endswith("/seldon-buildpacks/build:bookworm")
    assert stack["spec"]["runImage"]["image"].endswith("/seldon-buildpacks/run:bookworm")


def test_every_buildpack_named_is_ours_and_every_builder_has_the_full_group():
    known = buildpacks()
    dirs = buildpack_dirs()
    cluster_buildpacks = {}
    for bp in by_kind("ClusterBuildpack"):
        bp_id = bp["metadata"]["annotations"]["seldon.io/buildpack-id"]
        assert bp_id in known
        repository, tag = bp["spec"]["image"].rsplit("/", 1)[1].split(":")
        assert repository == dirs[bp_id]
        if known[bp_id]:
            assert tag == known[bp_id]
        cluster_buildpacks[bp["metadata"]["name"]] = bp_id
    for store in by_kind("ClusterStore"):
        repositories = {
            s["image"].rsplit("/", 1)[1].split(":")[0] for s in store["spec"]["sources"]
        }
        assert repositories == set(dirs.values())
    for builder in by_kind("Builder") + by_kind("ClusterBuilder"):
        (group,) = builder["spec"]["order"]
        ids = [entry.get("id") or cluster_buildpacks[entry["name"]] for entry in group["group"]]
        assert set(ids) <= set(known)
        assert sorted(ids) == sorted(known), "the one group holds every buildpack"
        required = {bp_id for bp_id, entry in zip(ids, group["group"]) if not entry.get("optional")}
        assert required == {"seldon/s2i-environment", "seldon/runtime"}
        for entry in group["group"]:
            if entry.get("version") and known.get(entry["id"]):
                assert entry["version"] == known[entry["id"]]


def test_pip_binding_secret_is_a_service_binding():
    (secret,) = [
        s for s in by_kind("Secret") if s["type"].startswith(BINDING_TYPE_PREFIX)
    ]
    kind = secret["type"][len(BINDING_TYPE_PREFIX) :]
    assert kind == "pip" == secret["stringData"]["type"]
    # the entries our pip handling reads
    assert "[global]" in secret["stringData"]["pip.conf"]
    assert "machine " in secret["stringData"]["netrc"]
    assert "@" not in secret["stringData"]["pip.conf"], "credentials belong in netrc"


def test_lifecycle_can_run_buildpack_api_0_10_and_is_the_builders():
    (lifecycle,) = by_kind("ClusterLifecycle")
    repository, version = lifecycle["spec"]["image"].rsplit(":", 1)
    assert repository.endswith("/buildpacksio/lifecycle")
    assert tuple(int(p) for p in version.split(".")[:2]) >= (0, 17)
    builder_toml = (ROOT / "builder.toml").read_text()
    assert f'[lifecycle]\nversion = "{version}"' in builder_toml


def test_the_readme_pushes_every_buildpack():
    """The README's `for bp in ...` loop packages one image per buildpack folder."""
    text = (ROOT / "docs" / "kpack" / "README.md").read_text()
    (loop,) = re.findall(r"^for bp in ([^;]+); do$", text, re.MULTILINE)
    assert sorted(loop.split()) == sorted(buildpack_dirs().values())


def test_the_files_for_older_kpack_are_accepted_by_the_oldest_supported_release():
    """README: from kpack v0.12.0 to v0.16.1, apply store.yaml + cluster-builder.yaml (and
    stack.yaml, image.yaml), not builder.yaml, buildpacks.yaml or lifecycle.yaml."""
    old = yaml.safe_load((DATA / "kpack_v0.12.0_facts.yaml").read_text())
    assert old["source"]["tag"] == "v0.12.0"
    readme = (KPACK / "README.md").read_text()
    assert "| v0.12.0 to v0.16.1 | `store.yaml` + `cluster-builder.yaml`" in readme
    docs = {name: doc for name, doc in kpack_documents()}
    for name in ("stack.yaml", "store.yaml", "cluster-builder.yaml", "image.yaml",
                 "image-registry-cache.yaml"):
        assert strict_decode(docs[name], old) == [], name
    assert strict_decode(docs["builder.yaml"], old) == [
        ".spec.lifecycle: unknown field (strict decoding refuses it)"]
    assert "not served" in strict_decode(docs["lifecycle.yaml"], old)[0]
