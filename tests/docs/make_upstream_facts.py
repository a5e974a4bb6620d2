"""Write the kpack and pack facts the docs tests check against, from upstream source.

    python tests/docs/make_upstream_facts.py kpack --git-dir KPACK.git --tag v0.17.2
    python tests/docs/make_upstream_facts.py pack --git-dir PACK.git --tag v0.40.5
    python tests/docs/make_upstream_facts.py kpack --git-dir KPACK.git --tag v0.12.0 \
        --kinds ClusterStack,ClusterStore,ClusterBuilder,Builder,Image \
        -o tests/docs/data/kpack_v0.12.0_facts.yaml

Each reads a bare (or normal) git clone of the upstream repository at the
given tag and writes tests/docs/data/{kpack,pack}_facts.yaml (the third line:
the oldest kpack our README supports, for the files it says to apply there).
Only what our docs use is kept: no upstream file is copied into this repository.

kpack: for every kind kpack's validating webhook serves (cmd/webhook/main.go),
its scope (config/*.yaml) and the field names and types of its metadata and
spec, taken from api/openapi-spec/swagger.json and following every $ref; plus
the constants the validation code compares with (kind names, the default
lifecycle name, the service-name pattern, the Secret annotations, the
Platform APIs of the build pod). The rules themselves are re-implemented in
tests/docs/kpack_rules.py.

pack: the keys `pack builder create` decodes from builder.toml and pack reads
from buildpack.toml (the Go structs' `toml` tags, followed through embedded
and named types), the registry-locator pattern, the lifecycle download URL,
the build-env suffixes, and the flags of the sub-commands our docs run.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"


def git_show(git_dir: Path, tag: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{tag}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def git_files(git_dir: Path, tag: str, folder: str) -> list[str]:
    out = subprocess.run(["git", "--git-dir", str(git_dir), "ls-tree", "--name-only", f"{tag}",
                          f"{folder}/"], check=True, capture_output=True, text=True).stdout
    return out.split()


def one(pattern: str, text: str, what: str) -> str:
    found = re.findall(pattern, text)
    if len(found) != 1:
        sys.exit(f"expected one {what} (/{pattern}/), found {found}")
    return found[0]


# -- kpack --------------------------------------------------------------------------------

KPACK_API = "v1alpha2"
#: fields whose definitions are left out (the check then takes any value there): status and
#: the server-written metadata, and spec fields our docs do not use
NOT_EXPANDED = {"status", "managedFields", "ownerReferences", "initializers", "affinity",
                "notary", "cosign", "cnbBindings"}
#: the webhook also serves Build, which kpack writes itself
NOT_WRITTEN = {"Build"}


def _field(prop: dict[str, Any]) -> dict[str, Any]:
    """A swagger property as {type, ref?, items?, values?}."""
    if "$ref" in prop:
        return {"ref": prop["$ref"].rsplit("/", 1)[1]}
    out: dict[str, Any] = {"type": prop.get("type", "any")}
    if out["type"] == "array":
        out["items"] = _field(prop["items"])
    if out["type"] == "object" and "additionalProperties" in prop:
        out["values"] = _field(prop["additionalProperties"])
    return out


def _definition(defs: dict[str, Any], name: str) -> dict[str, Any]:
    d = defs[name]
    if "properties" not in d:  # a scalar with its own format, e.g. resource.Quantity
        return {"type": d.get("type", "int-or-string" if name.endswith("Quantity") else "any")}
    return {"properties": {k: _field(v) for k, v in sorted(d["properties"].items())},
            "required": sorted(d.get("required", []))}


def _collect(defs: dict[str, Any], start: str, out: dict[str, Any]) -> None:
    if start in out:
        return
    out[start] = _definition(defs, start)
    for key, field in out[start].get("properties", {}).items():
        if key in NOT_EXPANDED:
            continue
        while "items" in field or "values" in field:
            field = field.get("items") or field["values"]
        if "ref" in field:
            _collect(defs, field["ref"], out)


def kpack_facts(git_dir: Path, tag: str, only: set[str] | None = None) -> dict[str, Any]:
    swagger = json.loads(git_show(git_dir, tag, "api/openapi-spec/swagger.json"))
    defs = swagger["definitions"]
    webhook = git_show(git_dir, tag, "cmd/webhook/main.go")
    kind_consts = {}
    for path in git_files(git_dir, tag, f"pkg/apis/build/{KPACK_API}"):
        if path.endswith("_types.go"):
            for const, value in re.findall(r'^\s*(\w+Kind)\s*=\s*"(\w+)"', git_show(
                    git_dir, tag, path), re.M):
                kind_consts[const] = value
    served = re.findall(rf"{KPACK_API}\.SchemeGroupVersion\.WithKind\({KPACK_API}\.(\w+Kind)\)",
                        webhook)
    scopes = {}
    for path in git_files(git_dir, tag, "config"):
        text = git_show(git_dir, tag, path)
        for kind, scope in re.findall(r"^\s+kind: (\w+)\n(?:.*\n)*?\s+scope: (\w+)", text, re.M):
            scopes[kind] = scope
    kinds, definitions = {}, {}
    for const in served:
        kind = kind_consts[const]
        if kind in NOT_WRITTEN or (only and kind not in only):
            continue
        name = f"kpack.build.{KPACK_API}.{kind}"
        kinds[kind] = {"scope": scopes[kind], "definition": name}
        _collect(defs, name, definitions)
    base = f"pkg/apis/build/{KPACK_API}"
    validation = git_show(git_dir, tag, f"{base}/build_validation.go")
    build_pod = git_show(git_dir, tag, f"{base}/build_pod.go")
    constants = {
        "kinds": {const: kind_consts[const] for const in sorted(kind_consts)},
        # kpack before v0.17 has no ClusterLifecycle
        "default_lifecycle_name": one(r'DefaultLifecycleName\s*=\s*"([^"]+)"', git_show(
            git_dir, tag, f"{base}/cluster_lifecycle_types.go"), "DefaultLifecycleName")
        if f"{base}/cluster_lifecycle_types.go" in git_files(git_dir, tag, base) else None,
        "service_name_pattern": one(r"serviceNameRE = regexp\.MustCompile\(`([^`]+)`\)",
                                    validation, "serviceNameRE"),
        "docker_secret_annotation": one(r'DOCKERSecretAnnotationPrefix\s*=\s*"([^"]+)"',
                                        build_pod, "docker annotation"),
        "git_secret_annotation": one(r'GITSecretAnnotationPrefix\s*=\s*"([^"]+)"', build_pod,
                                     "git annotation"),
        "platform_apis": re.findall(r'semver\.MustParse\("([\d.]+)"\)', one(
            r"supportedPlatformAPIVersions = (.*)", build_pod, "platform APIs")),
        "storage_class_message": one(r'"(spec\.cache\.volume\.size cannot be set [^"]+)"',
                                     git_show(git_dir, tag, f"{base}/image_validation.go"),
                                     "storage class rule"),
    }
    return {
        "source": {"repository": "github.com/buildpacks-community/kpack", "tag": tag,
                   "read": ["api/openapi-spec/swagger.json", "cmd/webhook/main.go", "config/*.yaml",
                            f"{base}/*_types.go", f"{base}/build_validation.go",
                            f"{base}/build_pod.go", f"{base}/image_validation.go"]},
        "api_version": f"kpack.io/{KPACK_API}",
        "kinds": kinds,
        "constants": constants,
        "definitions": definitions,
    }


# -- pack ---------------------------------------------------------------------------------

PACK_STRUCT_FILES = ("builder/config_reader.go", "pkg/dist/dist.go", "pkg/dist/buildmodule.go",
                     "pkg/dist/buildpack_descriptor.go")
PACK_COMMANDS = {"build": "internal/commands/build.go",
                 "builder create": "internal/commands/builder_create.go",
                 "buildpack package": "internal/commands/buildpack_package.go"}
#: `--target` parsing (internal/target) and the one-target rule for the daemon
TARGET_FILES = ("internal/target/platform.go", "internal/commands/commands.go")
_STRUCT = re.compile(r"^type (\w+) struct \{\n(.*?)^\}", re.M | re.S)
_NAMED = re.compile(r"^type (\w+) (\[\][\w.]+|string|bool)$", re.M)
_FIELD = re.compile(r"^\s*(\w+)?\s+([\w.\[\]*]+)(?:\s+`([^`]*)`)?\s*(?://.*)?$")
_EMBEDDED = re.compile(r"^\s*(?:\w+\.)?(\w+)(?:\s+`[^`]*`)?\s*$")


def _go_type(go: str, named: dict[str, str]) -> Any:
    go = go.lstrip("*").split(".")[-1] if not go.startswith("[]") else go
    if go.startswith("[]"):
        return {"array": _go_type(go[2:], named)}
    if go in named:
        return _go_type(named[go], named)
    if go in ("string", "bool", "int", "Version", "Suffix"):
        return "bool" if go == "bool" else "int" if go == "int" else "string"
    return {"table": go}


def _structs(texts: list[str]) -> dict[str, dict[str, Any]]:
    named = {}
    for text in texts:
        named.update(dict(_NAMED.findall(text)))
    raw = {}
    for text in texts:
        for name, body in _STRUCT.findall(text):
            raw[name] = body
    tables: dict[str, dict[str, Any]] = {}

    def keys(name: str) -> dict[str, Any]:
        if name in tables:
            return tables[name]
        out: dict[str, Any] = {}
        for line in raw[name].splitlines():
            if not line.strip() or line.strip().startswith("//"):
                continue
            embedded = _EMBEDDED.match(line)
            if embedded and embedded.group(1) in raw and "toml:" not in line:
                out.update(keys(embedded.group(1)))  # BurntSushi/toml decodes these inline
                continue
            field = _FIELD.match(line)
            tag = re.search(r'toml:"([^",]*)', (field.group(3) or "") if field else "")
            if not field or not tag or tag.group(1) in ("", "-"):
                continue
            out[tag.group(1)] = _go_type(field.group(2), named)
        tables[name] = out
        return out

    for name in raw:
        keys(name)
    return tables


def _flags(source: str) -> dict[str, dict[str, Any]]:
    flags = {}
    pattern = r'Flags\(\)\.(\w+?)(P?)\(&[\w.]+, "([\w-]+)"(?:, "(\w)")?'
    for kind, with_short, name, short in re.findall(pattern, source):
        flags[name] = {"value": not kind.startswith("Bool")}
        if with_short and short:
            flags[name]["short"] = short
    return flags


def _go_string_lists(source: str, var: str) -> dict[str, list[str]]:
    """A Go `var NAME = map[string][]string{...}` literal."""
    body = one(rf"(?ms)^var {var} = map\[string\]\[\]string\{{\n(.*?)^\}}", source, var)
    return {key: re.findall(r'"([^"]+)"', values)
            for key, values in re.findall(r'^\s*"(\w+)":\s*\{([^}]*)\}', body, re.M)}


def pack_facts(git_dir: Path, tag: str) -> dict[str, Any]:
    texts = [git_show(git_dir, tag, path) for path in PACK_STRUCT_FILES]
    tables = _structs(texts)
    config_reader, buildpack_go = texts[0], git_show(git_dir, tag, "pkg/buildpack/buildpack.go")
    locator = git_show(git_dir, tag, "pkg/buildpack/locator_type.go")
    semver = one(r"semverPattern\s*=\s*`([^`]+)`", locator, "semverPattern")
    registry = one(r"registryPattern = regexp\.MustCompile\(`([^`]+)` \+ semverPattern"
                   r" \+ `([^`]+)`\)", locator, "registryPattern")
    create = git_show(git_dir, tag, "pkg/client/create_builder.go")
    platforms = git_show(git_dir, tag, TARGET_FILES[0])
    wanted = {"Config", "ModuleConfig", "OrderEntry", "ModuleRef", "StackConfig",
              "LifecycleConfig", "RunConfig", "RunImageConfig", "BuildConfig", "BuildConfigEnv",
              "Target", "Distribution", "System", "SystemBuildpacks", "License",
              "BuildpackDescriptor", "ModuleInfo", "Stack"}
    return {
        "source": {"repository": "github.com/buildpacks/pack", "tag": tag,
                   "read": [*PACK_STRUCT_FILES, "pkg/buildpack/buildpack.go",
                            "pkg/buildpack/locator_type.go", "internal/paths/paths.go",
                            "pkg/client/create_builder.go",
                            *PACK_COMMANDS.values(), *TARGET_FILES]},
        "builder_toml": "Config",
        "buildpack_toml": "BuildpackDescriptor",
        "tables": {name: tables[name] for name in sorted(wanted)},
        "build_env_suffixes": sorted(set(re.findall(
            r'^\s*\w+\s+Suffix = "(\w*)"', config_reader, re.M))),
        "descriptor_ignored_keys": sorted(set(re.findall(
            r'k\.String\(\) == "([\w.-]+)"', buildpack_go))),
        "registry_locator_pattern": registry[0] + semver + registry[1],
        "uri_pattern": one(r"schemeRegexp = regexp\.MustCompile\(`([^`]+)`\)",
                           git_show(git_dir, tag, "internal/paths/paths.go"), "schemeRegexp"),
        "locator_prefixes": dict(re.findall(r'^\s*(\w+Prefix)\s*=\s*"([^"]+)"', locator, re.M)),
        "lifecycle_url": one(r'"(https://github\.com/buildpacks/lifecycle/releases/download/'
                             r'v%s/lifecycle-v%s\+linux\.%s\.tgz)"', create, "lifecycle URL"),
        "commands": {cmd: _flags(git_show(git_dir, tag, path))
                     for cmd, path in PACK_COMMANDS.items()},
        "target": {
            "os_archs": _go_string_lists(platforms, "supportedOSArchs"),
            "arch_variants": _go_string_lists(platforms, "supportedArchVariants"),
            "daemon_one_target": one(r'Errorf\("(when exporting to daemon [^"]+)"\)',
                                     git_show(git_dir, tag, TARGET_FILES[1]), "daemon rule"),
        },
    }


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("project", choices=["kpack", "pack"])
    parser.add_argument("--git-dir", type=Path, required=True)
    parser.add_argument("--tag", required=True)
    parser.add_argument("-o", "--out", type=Path)
    parser.add_argument("--kinds", help="kpack: only these kinds (comma-separated)")
    args = parser.parse_args(argv)
    if args.project == "kpack":
        only = set(args.kinds.split(",")) if args.kinds else None
        facts = kpack_facts(args.git_dir, args.tag, only)
    else:
        facts = pack_facts(args.git_dir, args.tag)
    out = args.out or DATA / f"{args.project}_facts.yaml"
    header = (f"# {args.project} {args.tag}: facts read from upstream source by "
              f"tests/docs/make_upstream_facts.py; regenerate, do not edit.\n")
    out.write_text(header + yaml.dump(facts, Dumper=_NoAliases, sort_keys=False, width=100),
                   encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
