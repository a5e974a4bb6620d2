"""What pack does with builder.toml, buildpack.toml and its command lines, re-implemented
from the pack version data/pack_facts.yaml names (builder/config_reader.go,
pkg/buildpack/locator_type.go and buildpack.go, internal/commands/*.go).
Each check returns a list of problems, empty when pack accepts."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml
from docs_support import DATA
from oci_names import parse_reference

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

FACTS = yaml.safe_load((DATA / "pack_facts.yaml").read_text())
TABLES = FACTS["tables"]
_SEMVER = re.compile(r"^v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


def undecoded_keys(data: dict[str, Any], table: str, path: str = "") -> list[str]:
    """Keys BurntSushi/toml leaves undecoded (pack refuses them in builder.toml), and
    values of the wrong TOML type (a decode error)."""
    problems = []
    for key, value in data.items():
        where = f"{path}.{key}" if path else key
        if key not in TABLES[table]:
            problems.append(f"{where}: unknown key")
        else:
            problems += _typed(value, TABLES[table][key], where)
    return problems


def _typed(value: Any, kind: Any, where: str) -> list[str]:
    if isinstance(kind, dict) and "table" in kind:
        if not isinstance(value, dict):
            return [f"{where}: expected a table"]
        return undecoded_keys(value, kind["table"], where)
    if isinstance(kind, dict):
        if not isinstance(value, list):
            return [f"{where}: expected an array"]
        return [p for i, item in enumerate(value) for p in _typed(item, kind["array"],
                                                                 f"{where}[{i}]")]
    wanted = {"string": str, "bool": bool, "int": int}[kind]
    ok = isinstance(value, wanted) and (kind == "bool" or not isinstance(value, bool))
    return [] if ok else [f"{where}: expected {kind}, got {value!r}"]


def read_config(path: Path) -> tuple[dict[str, Any], list[str]]:
    """builder.ReadConfig: decode strictly, then merge [stack] with [build]/[[run.images]]."""
    data = tomllib.loads(path.read_text())
    problems = undecoded_keys(data, FACTS["builder_toml"])
    build, stack = data.setdefault("build", {}), data.setdefault("stack", {})
    runs = data.setdefault("run", {}).setdefault("images", [])
    if build.get("image"):
        stack["build-image"] = build["image"]
    elif stack.get("build-image"):
        build["image"] = stack["build-image"]
    if runs:
        stack["run-image"] = runs[0].get("image", "")
    elif stack.get("run-image"):
        runs.append({"image": stack["run-image"]})
    return data, problems


def validate_config(cfg: dict[str, Any]) -> list[str]:
    """builder.ValidateConfig on the merged configuration, and the [lifecycle] and
    [[build.env]] checks `pack builder create` makes before it fetches anything."""
    build, stack, runs = cfg["build"], cfg["stack"], cfg["run"]["images"]
    problems = []
    if not build.get("image") and not stack.get("build-image"):
        problems.append("build.image is required")
    elif build.get("image") and stack.get("build-image") and build["image"] != stack["build-image"]:
        problems.append("build.image and stack.build-image do not match")
    if not runs and (not stack.get("run-image") or not stack.get("id")):
        problems.append("run.images are required")
    if any(not r.get("image") for r in runs):
        problems.append("run.images.image is required")
    if stack.get("run-image") and runs and runs[0].get("image") != stack["run-image"]:
        problems.append("run.images and stack.run-image do not match")
    lifecycle = cfg.get("lifecycle", {})
    if lifecycle.get("version") and lifecycle.get("uri"):
        problems.append("lifecycle can only declare version or uri, not both")
    if lifecycle.get("version") and not _SEMVER.match(lifecycle["version"]):
        problems.append("lifecycle.version must be a valid semver")
    for env in build.get("env", []):
        if not env.get("name"):
            problems.append("[[build.env]]: env name should not be empty")
        if env.get("suffix", "") not in FACTS["build_env_suffixes"]:
            problems.append(f"[[build.env]]: unknown action type {env['suffix']!r}")
        if env.get("suffix") in ("append", "prepend") and not env.get("delim"):
            problems.append(f"[[build.env]] {env.get('name')}: {env['suffix']} needs a delim")
    return problems


def locator_type(locator: str, relative_base_dir: Path, builder_ids: tuple[str, ...] = ()) -> str:
    """buildpack.GetLocatorType for a [[buildpacks]] uri (or a --buildpack argument)."""
    prefixes = FACTS["locator_prefixes"]
    if locator == prefixes["deprecatedFromBuilderPrefix"]:
        return "FromBuilderLocator"
    if locator.startswith((prefixes["fromBuilderPrefix"] + ":",
                           prefixes["deprecatedFromBuilderPrefix"] + ":")):
        bp_id = locator.split(":", 1)[1].split("@")[0].lstrip(":")
        return "IDLocator" if bp_id in builder_ids else "InvalidLocator"
    if locator.startswith(prefixes["fromRegistryPrefix"] + ":"):
        return "RegistryLocator"
    if re.match(FACTS["uri_pattern"], locator):
        if locator.startswith(prefixes["fromDockerPrefix"]) and not parse_reference(locator):
            return "PackageLocator"
        return "URILocator"
    if (Path(locator) if Path(locator).is_absolute() else relative_base_dir / locator).exists():
        return "URILocator"
    if locator.split("@")[0] in builder_ids:
        return "IDLocator"
    if re.match(FACTS["registry_locator_pattern"], locator):
        return "RegistryLocator"
    if parse_reference(locator) is None:
        return "PackageLocator"
    return "InvalidLocator"


def descriptor_problems(path: Path) -> list[str]:
    """buildpack.toml as pack reads it (FromBuildpackRootBlob): unknown keys (pack warns and
    ignores them, we want none), the required id and version, no order with targets."""
    data = tomllib.loads(path.read_text())
    ignored = FACTS["descriptor_ignored_keys"]
    problems = [p for p in undecoded_keys(data, FACTS["buildpack_toml"])
                if not any(p.startswith(f"{k}:") or p.startswith(f"{k}.") for k in ignored)]
    info = data.get("buildpack", {})
    for key in ("id", "version"):
        if not info.get(key):
            problems.append(f"buildpack.{key} is required")
    if data.get("order") and (data.get("stacks") or data.get("targets")):
        problems.append("cannot have both targets/stacks and an order defined")
    return problems


def command_problems(words: list[str]) -> list[str]:
    """A `pack ...` command line against the flags of that sub-command, and the flag
    combinations pack refuses before doing anything."""
    rest = words[1:]
    command = next((c for c in FACTS["commands"] if rest[:len(c.split())] == c.split()), None)
    if command is None:
        return [f"pack sub-command not in the facts: {' '.join(rest[:2])}"]
    flags = FACTS["commands"][command]
    shorts = {f["short"]: name for name, f in flags.items() if "short" in f}
    args = rest[len(command.split()):]
    positional, seen, problems = [], {}, []
    i = 0
    while i < len(args):
        word = args[i]
        if word.startswith("-") and word != "-":
            name, _, inline = word.lstrip("-").partition("=")
            name = shorts.get(name, name) if not word.startswith("--") else name
            if name not in flags:
                problems.append(f"pack {command}: unknown flag {word}")
            elif flags[name]["value"] and not inline:
                i += 1
                if i >= len(args):
                    problems.append(f"pack {command}: {word} needs a value")
                else:
                    inline = args[i]
            seen[name] = inline
        else:
            positional.append(word)
        i += 1
    if len(positional) != 1:
        problems.append(f"pack {command}: expects one image name, got {positional}")
    if command != "build" and "publish" in seen and seen.get("pull-policy") == "never":
        problems.append("--publish and --pull-policy never cannot be used together")
    if command == "buildpack package" and "config" in seen and "path" in seen:
        problems.append("--config and --path cannot be used together")
    if command == "builder create" and "config" not in seen:
        problems.append("Please provide a builder config path, using --config.")
    if seen.get("pull-policy") not in (None, "always", "never", "if-not-present"):
        problems.append(f"unknown pull policy {seen['pull-policy']!r}")
    if command in ("builder create", "buildpack package"):
        problems += target_problems(words)
    return problems


def parse_target(text: str) -> tuple[dict[str, Any], list[str]]:
    """target.ParseTarget on one `--target` value, `[os][/arch][/variant][:distro@version;...]`:
    the target in builder.toml's `[[targets]]` shape, and the errors pack stops with."""
    rules = FACTS["target"]
    parts = text.split(":")
    if parts == [""]:
        return {}, [f"invalid target {text}, at least one of [os][/arch][/archVariant]"]
    platform = [] if len(parts) == 2 and parts[0] == "" else parts[0].split("/")
    os_name, arch, variant = (platform + ["", "", ""])[:3]
    target: dict[str, Any] = {k: v for k, v in (("os", os_name), ("arch", arch),
                                                 ("variant", variant)) if v}
    problems = []
    if arch not in rules["os_archs"].get(os_name, []) or (
            variant and variant not in rules["arch_variants"].get(arch, [])):
        problems.append(f"unknown target: {'/'.join(platform)}")
    for distro in filter(None, (parts[1] if len(parts) > 1 else "").split(";")):
        name, *versions = distro.split("@")
        if not name or len(versions) > 1:
            problems.append(f"invalid distro: {distro}")
        target.setdefault("distros", []).append(
            {"name": name, **({"version": versions[0]} if versions else {})})
    return target, problems


def target_problems(words: list[str]) -> list[str]:
    """processMultiArchitectureConfig for `pack builder create` / `buildpack package`: each
    `--target` parses, and only one is allowed when the image goes to the daemon."""
    values = [v for i, w in enumerate(words[:-1]) if w in ("--target", "-t")
              for v in words[i + 1].split(",")]  # a string slice flag: comma-separated too
    values += [v for w in words if w.startswith("--target=") for v in w[9:].split(",")]
    problems = [p for v in values for p in parse_target(v)[1]]
    if len(values) > 1 and "--publish" not in words:
        problems.append(FACTS["target"]["daemon_one_target"])
    return problems


def flag_value(words: list[str], *names: str) -> str | None:
    """The value given to the first of `names` (long or short form) in a command line."""
    for i, word in enumerate(words):
        for name in names:
            if word == name and i + 1 < len(words):
                return words[i + 1]
            if word.startswith(name + "="):
                return word.split("=", 1)[1]
    return None
