"""docs/kpack: the manifests satisfy kpack's schema facts (data/kpack_facts.yaml),
refer to each other consistently, and name only our buildpacks and stack."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from docs_support import DATA, ROOT, STACK_ID, buildpack_dirs, buildpacks, yaml_documents

KPACK = ROOT / "docs" / "kpack"
FACTS = yaml.safe_load((DATA / "kpack_facts.yaml").read_text())
# registry/repo[:tag][@sha256:...], as go-containerregistry accepts it (weak validation)
IMAGE_REF = re.compile(
    r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+"
    r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$"
)

MANIFESTS = sorted(KPACK.glob("*.yaml"))


def documents() -> list[dict]:
    return [doc for path in MANIFESTS for doc in yaml_documents(path)]


def kpack_documents() -> list[dict]:
    return [d for d in documents() if d["apiVersion"].startswith("kpack.io/")]


def lookup(doc: Any, path: str) -> list[Any]:
    """Values at a dotted path; `[]` fans out over a list. Missing -> []."""
    values = [doc]
    for step in path.split("."):
        nxt = []
        for value in values:
            if step == "[]":
                nxt += value if isinstance(value, list) else []
            elif isinstance(value, dict) and step in value:
                nxt.append(value[step])
        values = nxt
    return values


def by_kind(kind: str) -> list[dict]:
    return [d for d in documents() if d["kind"] == kind]


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
    } <= kinds
    readme = (KPACK / "README.md").read_text()
    for path in MANIFESTS:
        assert f"`{path.name}`" in readme, f"README.md does not explain {path.name}"


@pytest.mark.parametrize(
    "doc", kpack_documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}"
)
def test_resource_matches_the_schema_facts(doc):
    assert doc["apiVersion"] == FACTS["api_version"]
    facts = FACTS["kinds"][doc["kind"]]
    assert ("namespace" not in doc["metadata"]) == facts["cluster_scoped"]
    for path in facts["required"]:
        values = lookup(doc, path)
        assert values and all(v not in ("", None, [], {}) for v in values), f"{path} is required"
    unknown = set(doc["spec"]) - set(facts["spec_fields"])
    assert not unknown, f"spec fields kpack does not know: {unknown}"
    for path, allowed in facts.get("sub_fields", {}).items():
        for value in lookup(doc, path):
            assert set(value) <= set(allowed), f"{path}: unknown {set(value) - set(allowed)}"
    for path in facts["image_fields"]:
        for ref in lookup(doc, path):
            assert IMAGE_REF.match(ref), f"{path}: {ref!r} is not an image reference"
            assert not ref.startswith("localhost/"), "kpack pulls from a registry"
    for path, kinds in facts.get("refs", {}).items():
        for ref in lookup(doc, path):
            assert ref.get("name") and ref.get("kind", kinds[0]) in kinds, f"{path}: {ref}"
    for path, choices in facts.get("one_of", {}).items():
        for value in lookup(doc, path):
            assert sum(choice in value for choice in choices) == 1, f"{path}: one of {choices}"
    for path, choices in facts.get("at_most_one_of", {}).items():
        for value in lookup(doc, path):
            assert sum(choice in value for choice in choices) <= 1, f"{path}: one of {choices}"
    _check_service_account(doc, facts["service_account"])


def _check_service_account(doc: dict, rule: str) -> None:
    spec = doc["spec"]
    if rule == "name":
        assert "serviceAccountRef" not in spec
    else:
        assert "serviceAccountName" not in spec
        ref = spec.get("serviceAccountRef")
        if rule == "ref" or ref is not None:
            assert ref and ref.get("name") and ref.get("namespace"), "serviceAccountRef needs both"


@pytest.mark.parametrize(
    "doc", by_kind("Builder") + by_kind("ClusterBuilder"), ids=lambda d: d["kind"]
)
def test_builder_order_entries_are_well_formed(doc):
    allowed_kinds = FACTS["kinds"][doc["kind"]]["order_refs"]
    for group in doc["spec"]["order"]:
        for entry in group["group"]:
            assert set(entry) <= set(FACTS["order_entry_fields"])
            assert "image" not in entry, "kpack refuses image references in an order"
            by_ref = "kind" in entry or "name" in entry
            assert by_ref != ("id" in entry), f"either id or kind+name: {entry}"
            if by_ref:
                assert entry.get("name") and entry.get("kind") in allowed_kinds
            assert isinstance(entry.get("optional", False), bool)


def test_image_resource_rules():
    for image in by_kind("Image"):
        name = image["metadata"]["name"]
        assert len(name) <= FACTS["label_value_max"]
        assert re.match(FACTS["label_value_pattern"], name)
        build = image["spec"].get("build", {})
        for env in build.get("env", []):
            assert "secretKeyRef" not in env.get("valueFrom", {}), (
                "kpack refuses secretKeyRef in env"
            )
        names = [service["name"] for service in build.get("services", [])]
        assert len(names) == len(set(names))
        for service in build.get("services", []):
            assert re.match(FACTS["service_name_pattern"], service["name"])
            assert service.get("kind")


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
    for doc in kpack_documents():
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
        s for s in by_kind("Secret") if s["type"].startswith(FACTS["binding_secret_type_prefix"])
    ]
    kind = secret["type"][len(FACTS["binding_secret_type_prefix"]) :]
    assert kind == "pip" == secret["stringData"]["type"]
    # the entries our pip handling reads
    assert "[global]" in secret["stringData"]["pip.conf"]
    assert "machine " in secret["stringData"]["netrc"]
    assert "@" not in secret["stringData"]["pip.conf"], "credentials belong in netrc"


def test_lifecycle_can_run_buildpack_api_0_10():
    (lifecycle,) = by_kind("ClusterLifecycle")
    version = lifecycle["spec"]["image"].rsplit(":", 1)[1]
    assert tuple(int(p) for p in version.split(".")[:2]) >= (0, 17)


def test_the_readme_pushes_every_buildpack():
    """The README's `for bp in ...` loop packages one image per buildpack folder."""
    text = (ROOT / "docs" / "kpack" / "README.md").read_text()
    (loop,) = re.findall(r"^for bp in ([^;]+); do$", text, re.MULTILINE)
    assert sorted(loop.split()) == sorted(buildpack_dirs().values())
