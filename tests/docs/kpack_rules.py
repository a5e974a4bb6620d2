"""What kpack's admission webhooks do with a document, re-implemented for the fields our docs use.

`strict_decode` is the validating webhook's decode with unknown fields refused: every
key must be a field of the Go type (names and JSON types from the swagger spec in
data/kpack_facts.yaml). `defaults` is the defaulting webhook (each kind's
`SetDefaults`), which runs first. `validate` is each kind's `Validate` in
pkg/apis/build/v1alpha2/*_validation.go at the version the facts name, rule for
rule, including their quirks (an object reference whose kind is allowed passes
even without a name). Each returns a list of problems, empty when kpack accepts.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml
from docs_support import DATA
from oci_names import new_tag, parse_reference

FACTS = yaml.safe_load((DATA / "kpack_facts.yaml").read_text())
CONST = FACTS["constants"]
K = CONST["kinds"]
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_JSON_TYPES = {"string": str, "boolean": bool, "integer": int, "number": (int, float),
               "object": dict, "array": list}


# -- strict decode ------------------------------------------------------------------------

def strict_decode(doc: dict[str, Any], facts: dict[str, Any] = FACTS) -> list[str]:
    """Problems of the webhook's strict decode; `facts` may name another kpack version."""
    if doc.get("apiVersion") != facts["api_version"]:
        return [f"apiVersion {doc.get('apiVersion')!r} is not {facts['api_version']}"]
    if doc.get("kind") not in facts["kinds"]:
        return [f"kind {doc.get('kind')!r} is not served by kpack's webhook"]
    return _check(doc, {"ref": facts["kinds"][doc["kind"]]["definition"]}, "",
                  facts["definitions"])


def _check(value: Any, field: dict[str, Any], path: str, defs: dict[str, Any]) -> list[str]:
    if value is None:
        return []  # JSON null decodes to the zero value
    if "ref" in field:
        definition = defs.get(field["ref"])
        if definition is None:
            return []  # left out of the facts on purpose: any value
        if "properties" not in definition:
            return _check(value, definition, path, defs)
        if not isinstance(value, dict):
            return [f"{path or '.'}: expected an object, got {type(value).__name__}"]
        problems = []
        for key, item in value.items():
            sub = definition["properties"].get(key)
            if sub is None:
                problems.append(f"{path}.{key}: unknown field (strict decoding refuses it)")
            else:
                problems += _check(item, sub, f"{path}.{key}", defs)
        return problems
    wanted = _JSON_TYPES.get(field["type"])
    if wanted is None:
        return []
    # YAML 1.1 reads `true`/`1` as bool/int; Go's decoder wants the JSON type exactly
    if not isinstance(value, wanted) or (field["type"] in ("integer", "number")
                                         and isinstance(value, bool)):
        return [f"{path}: expected {field['type']}, got {type(value).__name__} {value!r}"]
    if field["type"] == "array":
        return [p for i, item in enumerate(value)
                for p in _check(item, field["items"], f"{path}[{i}]", defs)]
    if field["type"] == "object" and "values" in field:
        return [p for k, item in value.items()
                for p in _check(item, field["values"], f"{path}.{k}", defs)]
    return []


# -- defaulting ---------------------------------------------------------------------------

def defaults(doc: dict[str, Any], has_default_storage_class: bool = False) -> dict[str, Any]:
    """The object as the validating webhook sees it, after the defaulting webhook."""
    doc = copy.deepcopy(doc)
    spec = doc.setdefault("spec", {})
    kind = doc["kind"]
    if kind == K["BuilderKind"]:
        if not (spec.get("serviceAccountName") or spec.get("serviceAccount")):
            spec["serviceAccountName"] = "default"
        # Go structs, not pointers: a missing reference is an empty one, then defaulted
        for ref, default in (("stack", K["ClusterStackKind"]), ("store", K["ClusterStoreKind"]),
                             ("lifecycle", K["ClusterLifecycleKind"])):
            spec[ref] = dict(spec.get(ref) or {})
            spec[ref]["kind"] = spec[ref].get("kind") or default
        spec["lifecycle"]["name"] = spec["lifecycle"].get("name") or CONST["default_lifecycle_name"]
    elif kind == K["ClusterBuilderKind"]:
        lifecycle = spec.setdefault("lifecycle", {})
        lifecycle["name"] = lifecycle.get("name") or CONST["default_lifecycle_name"]
        lifecycle["kind"] = lifecycle.get("kind") or K["ClusterLifecycleKind"]
    elif kind == K["BuildpackKind"]:
        spec["serviceAccountName"] = spec.get("serviceAccountName") or "default"
    elif kind == K["ImageKind"]:
        spec["serviceAccountName"] = spec.get("serviceAccountName") or "default"
        spec["imageTaggingStrategy"] = spec.get("imageTaggingStrategy") or "BuildNumber"
        spec.setdefault("failedBuildHistoryLimit", 10)
        spec.setdefault("successBuildHistoryLimit", 10)
        if spec.get("cache") is None and has_default_storage_class:
            spec["cache"] = {"volume": {"size": "2G"}}
    return doc


# -- validation ---------------------------------------------------------------------------

def validate(doc: dict[str, Any], has_default_storage_class: bool = False) -> list[str]:
    """Problems kpack's validating webhook reports for the defaulted document."""
    doc = defaults(doc, has_default_storage_class)
    spec, kind = doc["spec"], doc["kind"]
    check = {
        K["ClusterStackKind"]: _cluster_stack,
        K["ClusterStoreKind"]: _cluster_store,
        K["ClusterBuildpackKind"]: lambda s: _service_account_ref(s) or _image(s.get("image")),
        K["BuildpackKind"]: lambda s: _image(s.get("image")),
        K["ClusterLifecycleKind"]: lambda s: _service_account_ref(s) or (
            [] if s.get("image") else ["spec.image: missing field"]),
        K["BuilderKind"]: _builder,
        K["ClusterBuilderKind"]: _cluster_builder,
        K["ImageKind"]: lambda s: _image_spec(s, has_default_storage_class),
    }[kind]
    problems = check(spec)
    if kind == K["ImageKind"]:
        name = doc.get("metadata", {}).get("name", "")
        if len(name) > 63 or not _LABEL_VALUE.match(name):
            problems.append(f"metadata.name: {name!r} must be a valid label value")
    return problems


def _service_account_ref(spec: dict) -> list[str]:
    ref = spec.get("serviceAccountRef")
    if ref is None:
        return []
    if not ref.get("name"):
        return ["spec.serviceAccountRef.name: missing field"]
    if not ref.get("namespace"):
        return ["spec.serviceAccountRef.namespace: missing field"]
    return []


def _image(value: str | None, path: str = "spec.image") -> list[str]:
    if not value:
        return [f"{path}: missing field"]
    problem = parse_reference(value)
    return [f"{path}: invalid value {value!r} ({problem})"] if problem else []


def _tag(value: str | None, path: str = "spec.tag") -> list[str]:
    if not value:
        return [f"{path}: missing field"]
    problem = new_tag(value)
    return [f"{path}: invalid value {value!r} ({problem})"] if problem else []


def _cluster_stack(spec: dict) -> list[str]:
    problems = _service_account_ref(spec)
    if problems:
        return problems
    if not spec.get("id"):
        problems.append("spec.id: missing field")
    for image in ("buildImage", "runImage"):
        problems += _image((spec.get(image) or {}).get("image"), f"spec.{image}.image")
    return problems


def _cluster_store(spec: dict) -> list[str]:
    problems = _service_account_ref(spec)
    if problems:
        return problems
    if not spec.get("sources"):
        return ["spec.sources: missing field"]
    return [f"spec.sources[{i}]: invalid value" for i, s in enumerate(spec["sources"])
            if parse_reference(s.get("image", "") or "")]


def _object_ref(ref: dict, kinds: list[str], path: str) -> list[str]:
    problems = [] if ref.get("name") else [f"{path}.name: missing field"]
    if ref.get("kind", "") in kinds:
        return []  # upstream returns here, dropping a missing name
    return problems + [f"{path}.kind: invalid value {ref.get('kind', '')!r}, must be one of "
                       f"{', '.join(kinds)}"]


def _builder_spec(spec: dict) -> list[str]:
    problems = _tag(spec.get("tag"))
    stack = spec.get("stack") or {}
    if not stack.get("name"):
        problems.append("spec.stack.name: missing field")
    elif stack.get("kind", "") != K["ClusterStackKind"]:
        problems.append(f"spec.stack.kind: invalid value {stack.get('kind', '')!r}")
    store = spec.get("store") or {}
    if store.get("name") or store.get("kind"):
        problems += _object_ref(store, [K["ClusterStoreKind"]], "spec.store")
    for i, group in enumerate(spec.get("order") or []):
        for j, ref in enumerate(group.get("group") or []):
            path = f"spec.order[{i}].group[{j}]"
            if ref.get("name") or ref.get("kind"):
                problems += _object_ref(ref, [K["BuildpackKind"], K["ClusterBuildpackKind"]],
                                        path)
            if ref.get("image"):
                problems.append(f"{path}.image: image reference currently not supported")
            elif not (ref.get("id") or ref.get("name") or ref.get("kind")):
                problems.append(f"{path}: expected exactly one of image, id, name + kind")
    return problems


def _builder(spec: dict) -> list[str]:
    problems = _builder_spec(spec)
    if not (spec.get("serviceAccountName") or spec.get("serviceAccount")):
        problems.append("spec.serviceAccountName: missing field")
    return problems


def _cluster_builder(spec: dict) -> list[str]:
    ref = spec.get("serviceAccountRef") or {}
    if not ref.get("name"):
        return ["spec.serviceAccountRef.name: missing field"]
    if not ref.get("namespace"):
        return ["spec.serviceAccountRef.namespace: missing field"]
    return _builder_spec(spec)


def _image_spec(spec: dict, has_default_storage_class: bool) -> list[str]:
    problems = _tag(spec.get("tag"))
    for i, tag in enumerate(spec.get("additionalTags") or []):
        if new_tag(tag):
            problems.append(f"spec.additionalTags[{i}]: invalid value {tag!r}")
        elif tag.split("/")[0] != (spec.get("tag") or "").split("/")[0]:
            problems.append("spec.additionalTags: all must have the same registry as tag")
    builder = spec.get("builder") or {}
    if not builder.get("name"):
        problems.append("spec.builder.name: missing field")
    elif builder.get("kind", "") not in (K["BuilderKind"], K["ClusterBuilderKind"]):
        problems.append(f"spec.builder.kind: invalid value {builder.get('kind', '')!r}")
    source = spec.get("source") or {}
    kinds = [k for k in ("git", "blob", "registry") if source.get(k) is not None]
    if len(kinds) != 1:
        problems.append(f"spec.source: expected exactly one of git, blob, registry, got {kinds}")
    elif kinds == ["git"]:
        for key in ("url", "revision"):
            if not source["git"].get(key):
                problems.append(f"spec.source.git.{key}: missing field")
    elif kinds == ["registry"]:
        problems += _image(source["registry"].get("image"), "spec.source.registry.image")
    elif not source["blob"].get("url"):
        problems.append("spec.source.blob.url: missing field")
    problems += _image_build(spec.get("build"))
    cache = spec.get("cache") or {}
    if cache.get("volume") is not None and cache.get("registry") is not None:
        problems.append("spec.cache: only one type of cache can be specified")
    if (cache.get("volume") is not None and not cache["volume"].get("storageClassName")
            and not has_default_storage_class):
        problems.append(CONST["storage_class_message"])
    if spec.get("notary") is not None:
        problems.append("spec.notary: deprecated in v1alpha2")
    for limit in ("failedBuildHistoryLimit", "successBuildHistoryLimit"):
        if spec[limit] < 1:
            problems.append(f"spec.{limit}: build history limit must be greater than 0")
    return problems


def _image_build(build: dict | None) -> list[str]:
    if not build:
        return []
    problems = []
    if "kubernetes.io/os" in (build.get("nodeSelector") or {}):
        problems.append("spec.build.nodeSelector: kubernetes.io/os is determined automatically")
    created = build.get("creationTime", "")
    if created and created != "now" and not re.fullmatch(r"[-+]?\d+", str(created)):
        problems.append(f"spec.build.creationTime: invalid value {created!r}")
    seen: dict[str, int] = {}
    for i, service in enumerate(build.get("services") or []):
        name = service.get("name", "")
        if name in seen:
            problems.append(f"spec.build.services: duplicate service name {name!r}")
        seen[name] = i
        if not name:
            problems.append(f"spec.build.services[{i}].name: missing field")
        elif not re.match(CONST["service_name_pattern"], name):
            problems.append(f"spec.build.services[{i}].name: invalid value {name!r}")
        if not service.get("kind"):
            problems.append(f"spec.build.services[{i}].kind: missing field")
    if build.get("cnbBindings"):
        problems.append("spec.build.cnbBindings: deprecated in v1alpha2")
    for i, env in enumerate(build.get("env") or []):
        if (env.get("valueFrom") or {}).get("secretKeyRef") is not None:
            problems.append(f"spec.build.env[{i}].valueFrom.secretKeyRef: not supported")
    return problems


# -- Secrets the build pod uses (pkg/apis/build/v1alpha2/build_pod.go) --------------------

def secret_use(secret_type: str, annotations: dict[str, str]) -> set[str]:
    """What a service account's Secret serves for: "registry" (kpack's pulls and pushes),
    "git" (clones), "image-pull" (the kubelet, through imagePullSecrets). The first
    matching case wins, in the order of the build pod's secret switch."""
    docker = annotations.get(CONST["docker_secret_annotation"])
    git = annotations.get(CONST["git_secret_annotation"])
    pull_types = ("kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg")
    if secret_type == "kubernetes.io/basic-auth" and docker:
        return {"registry"}
    if secret_type in pull_types:
        return {"registry", "image-pull"}
    if git and secret_type in ("kubernetes.io/basic-auth", "kubernetes.io/ssh-auth"):
        return {"git"}
    return set()
