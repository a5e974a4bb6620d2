"""Every command on docs/kpack/README.md and docs/ci/README.md, and the pack lines of the
CI recipes: the shell parses them, each program gets only flags it has, the files they
name exist, and the names they use (images, namespace, Secrets, resources) are the ones
the manifests, builder.toml and the other commands use. seldon-build lines are checked
against its parser by test_doc_commands."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import yaml
from doc_commands import markdown_shell_blocks, shell_commands
from docs_support import ROOT, buildpacks, yaml_documents
from kpack_rules import secret_use
from oci_names import parse_reference
from pack_rules import command_problems, flag_value

PAGES = {"kpack": ROOT / "docs" / "kpack" / "README.md", "ci": ROOT / "docs" / "ci" / "README.md"}
KPACK = ROOT / "docs" / "kpack"
LOCAL_STACK = {"localhost/seldon-buildpacks/build:bookworm",
               "localhost/seldon-buildpacks/run:bookworm"}
#: kubectl sub-commands and the flags we use with them (kubectl's own names)
KUBECTL = {
    "create namespace": set(),
    "create secret docker-registry": {"--docker-server", "--docker-username",
                                      "--docker-password"},
    "create secret generic": {"--type", "--from-literal"},
    "annotate secret": set(),
    "apply": {"-f"},
    "wait": {"--for", "--timeout"},
    "get": {"-o", "-l"},
    "describe": set(),
    "logs": {"-l", "--all-containers", "--prefix", "--tail", "-f"},
}
PODMAN = {"login", "push", "tag", "manifest create", "manifest add", "manifest push",
          "system service"}
#: manifests a page may leave unapplied: the alternatives it explains instead
ALTERNATIVES = {"store.yaml", "cluster-builder.yaml", "image-registry-cache.yaml"}


@dataclass
class Walk:
    """What the commands of one page did, in order."""
    problems: list[str] = field(default_factory=list)
    applied: set[str] = field(default_factory=set)
    pushed: set[str] = field(default_factory=set)
    secrets: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    builders: set[str] = field(default_factory=set)
    bundle: str | None = None
    rewritten: dict[str, tuple[str, str]] = field(default_factory=dict)
    commands: list[list[str]] = field(default_factory=list)


def page_commands(text: str) -> list[list[str]]:
    """The simple commands of a page's sh blocks, for-loops unrolled, `x=$(...)` unwrapped."""
    out: list[list[str]] = []
    for block in markdown_shell_blocks(text):
        loop: tuple[str, list[str]] | None = None
        body: list[list[str]] = []
        for words in shell_commands(block):
            if words[0] == "for":
                loop, body = (words[1], words[3:]), []
            elif words == ["do"]:
                continue
            elif words == ["done"] and loop:
                var, values = loop
                for value in values:
                    out += [[re.sub(rf"\$\{{?{var}\}}?", value, w) for w in cmd] for cmd in body]
                loop = None
            else:
                match = re.match(r"^\w+=\$\((.*)$", words[0])
                if match:
                    words = [match.group(1), *words[1:]]
                    words[-1] = words[-1].removesuffix(")")
                (body if loop else out).append(words)
    return out


def manifest_docs() -> list[dict]:
    return [d for path in sorted(KPACK.glob("*.yaml")) for d in yaml_documents(path)]


def manifest_images() -> set[str]:
    images = set()
    for doc in manifest_docs():
        spec = doc.get("spec", {})
        images |= {spec.get("image"), *(s["image"] for s in spec.get("sources", []))}
        images |= {spec.get(k, {}).get("image") for k in ("buildImage", "runImage")}
    return {i for i in images if i}


def names(kind: str) -> set[str]:
    return {d["metadata"]["name"] for d in manifest_docs() if d["kind"] == kind}


def namespaces() -> set[str]:
    return {d["metadata"]["namespace"] for d in manifest_docs() if "namespace" in d["metadata"]}


def walk(page: str) -> Walk:
    w = Walk(commands=page_commands(PAGES[page].read_text()))
    for words in w.commands:
        check = CHECKS.get(words[0])
        if check is None:
            w.problems.append(f"{page}: no check for the program of {' '.join(words)}")
        else:
            check(words, w)
    return w


def _make(words: list[str], w: Walk) -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target in words[1:]:
        if not re.search(rf"^{re.escape(target)}:", makefile, re.M):
            w.problems.append(f"make: no target {target}")


def _seldon_build(words: list[str], w: Walk) -> None:
    """The grammar is test_doc_commands' job; here only where `builder --out` writes."""
    if words[1:2] == ["builder"] and "--out" in words:
        w.bundle = words[words.index("--out") + 1]


def _seldon_s2i(words: list[str], w: Walk) -> None:
    """Checked by test_doc_commands against seldon-s2i's own translation."""


def _pack(words: list[str], w: Walk) -> None:
    w.problems += command_problems(words)
    policy = flag_value(words, "--pull-policy")
    if words[1:3] == ["builder", "create"]:
        config = flag_value(words, "--config", "-c")
        if config != f"{w.bundle}/builder.toml":
            w.problems.append(f"pack builder create --config {config}: not the folder that "
                              f"`seldon-build builder --out` wrote ({w.bundle})")
        prefix, target = w.rewritten.get(config, ("", ""))
        if "--publish" in words:
            if prefix != "localhost/seldon-buildpacks/":
                w.problems.append("--publish reads the stack images from the registry: "
                                  "rewrite builder.toml's localhost/ names first")
        elif policy not in ("never", "if-not-present"):
            w.problems.append("local stack images need --pull-policy never (pack pulls by "
                              "default)")
        w.builders.add(words[3])
    elif words[1] == "build":
        builder = flag_value(words, "--builder", "-B")
        path = flag_value(words, "--path", "-p")
        if builder not in w.builders:
            w.problems.append(f"pack build --builder {builder}: no builder create made it")
        if builder and builder.startswith("localhost/") and policy != "never":
            w.problems.append("a local builder needs --pull-policy never")
        if policy == "never" and "--trust-builder" not in words:
            w.problems.append("an untrusted builder runs phases from the buildpacksio/lifecycle "
                              "image, which --pull-policy never cannot fetch: --trust-builder")
        if path and not (ROOT / path).is_dir():
            w.problems.append(f"pack build --path {path}: no such folder")
    elif words[1:3] == ["buildpack", "package"]:
        path = flag_value(words, "--path", "-p")
        folder = path.removeprefix("build/buildpacks/") if path else ""
        ids = {bp_id.replace("/", "_"): bp_id for bp_id in buildpacks()}
        if folder not in ids:
            w.problems.append(f"pack buildpack package --path {path}: `make buildpacks` makes "
                              "no such folder")
        else:
            bp_id = ids[folder]
            expected = f"/{bp_id.split('/', 1)[1]}:{buildpacks()[bp_id]}"
            if not words[3].endswith(expected):
                w.problems.append(f"{words[3]}: expected the image to end in {expected}")
        w.pushed.add(words[3])


def _podman(words: list[str], w: Walk) -> None:
    sub = " ".join(words[1:3]) if words[1] in ("manifest", "system") else words[1]
    if sub not in PODMAN:
        w.problems.append(f"podman {sub}: not a command we document")
        return
    args = [a for a in words[1 + len(sub.split()):] if not a.startswith("-")]
    if sub == "push":
        source, dest = args
        if source not in LOCAL_STACK:
            w.problems.append(f"podman push {source}: not a stack image `seldon-build stacks` "
                              "makes")
        w.pushed.add(dest)
    if sub == "manifest add" and args[1].removeprefix("docker://") not in w.pushed:
        w.problems.append(f"podman manifest add {args[1]}: that image was not pushed before")
    if sub == "manifest push":
        w.pushed.add(args[1].removeprefix("docker://"))
    for ref in args if sub in ("push", "manifest create", "manifest add", "manifest push") else []:
        if parse_reference(ref.removeprefix("docker://")):
            w.problems.append(f"podman {sub}: {ref} is not an image reference")


def _skopeo(words: list[str], w: Walk) -> None:
    if words[1] != "copy" or "--all" not in words:
        w.problems.append("skopeo: copy --all keeps every architecture of the lifecycle image")
    source, dest = [a.removeprefix("docker://") for a in words[2:] if not a.startswith("-")]
    version = re.search(r'\[lifecycle\]\nversion = "([^"]+)"',
                        (ROOT / "builder.toml").read_text()).group(1)
    if source != f"docker.io/buildpacksio/lifecycle:{version}":
        w.problems.append(f"skopeo copy {source}: not builder.toml's lifecycle {version}")
    w.pushed.add(dest)


def _kubectl(words: list[str], w: Walk) -> None:
    args = words[1:]
    namespace = None
    if args[:1] == ["-n"]:
        namespace, args = args[1], args[2:]
    sub = next((s for s in sorted(KUBECTL, key=len, reverse=True)
                if args[:len(s.split())] == s.split()), None)
    if sub is None:
        w.problems.append(f"kubectl {' '.join(args[:3])}: not a command we document")
        return
    rest = args[len(sub.split()):]
    flags = {a.split("=", 1)[0] for a in rest if a.startswith("-") and a != "-"}
    if flags - KUBECTL[sub] - {"-n"}:
        w.problems.append(f"kubectl {sub}: unknown flags {flags - KUBECTL[sub]}")
    positional = [a for i, a in enumerate(rest) if not a.startswith("-")
                  and not (i and rest[i - 1] in ("-f", "-o", "-l", "-n"))]
    if "-n" in rest:
        namespace = rest[rest.index("-n") + 1]
        positional = [p for p in positional if p != namespace]
    if namespace and namespace not in namespaces():
        w.problems.append(f"kubectl -n {namespace}: the manifests use {namespaces()}")
    if sub == "create namespace" and positional[0] not in namespaces():
        w.problems.append(f"namespace {positional[0]}: the manifests use {namespaces()}")
    if sub == "create secret docker-registry":
        w.secrets[positional[0]] = ("kubernetes.io/dockerconfigjson", {})
    if sub == "create secret generic":
        w.secrets[positional[0]] = (flag_value(rest, "--type") or "Opaque", {})
    if sub == "annotate secret":
        name, *pairs = positional
        w.secrets[name][1].update(p.split("=", 1) for p in pairs)
    if sub == "apply":
        for i, arg in enumerate(rest):
            if arg == "-f" and rest[i + 1] != "-":
                if not (ROOT / rest[i + 1]).is_file():
                    w.problems.append(f"kubectl apply -f {rest[i + 1]}: no such file")
                w.applied.add(rest[i + 1].rsplit("/", 1)[-1])
    if sub == "wait" or sub == "describe":
        kind, _, name = (positional[0] if sub == "wait" else "/".join(positional)).partition("/")
        if name not in names(kind.capitalize()):
            w.problems.append(f"kubectl {sub} {kind}/{name}: no such resource in docs/kpack")


def _kp(words: list[str], w: Walk) -> None:
    if words[1:3] != ["build", "logs"] or words[3] not in names("Image"):
        w.problems.append(f"{' '.join(words)}: kp build logs IMAGE-NAME")


def _sed(words: list[str], w: Walk) -> None:
    script = next(a for a in words[1:] if a.startswith("s|"))
    _, old, new, _ = script.split("|")
    target = words[-1]
    if "-i" in words:
        w.rewritten[target] = (old, new)
        if target != f"{w.bundle}/builder.toml":
            w.problems.append(f"sed -i {target}: not the bundle's builder.toml")
    elif not (ROOT / target).is_file() or old not in (ROOT / target).read_text():
        w.problems.append(f"sed {script} {target}: {old!r} is not in that file")


CHECKS = {"make": _make, "seldon-build": _seldon_build, "seldon-s2i": _seldon_s2i,
          "pack": _pack, "podman": _podman,
          "skopeo": _skopeo, "kubectl": _kubectl, "kp": _kp, "sed": _sed}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_every_block_is_valid_shell(page):
    for block in markdown_shell_blocks(PAGES[page].read_text()):
        result = subprocess.run(["bash", "-n"], input=block, capture_output=True, text=True)
        assert result.returncode == 0, f"{page}: {result.stderr}\n{block}"


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_command_checks_out(page):
    w = walk(page)
    assert len(w.commands) > 10
    assert w.problems == []


def test_the_kpack_walk_goes_from_images_to_a_deployment():
    w = walk("kpack")
    programs = [c[0] for c in w.commands]
    # mirror, credentials, apply, watch, deploy: in that order
    order = ["podman", "pack", "skopeo", "kubectl", "kp"]
    assert [programs.index(p) for p in order] == sorted(programs.index(p) for p in order)
    # every image a manifest pulls was pushed on the page, and nothing else
    pulled = manifest_images()
    assert {i for i in w.pushed} == pulled, "README pushes exactly what the manifests pull"
    applied_all = {p.name for p in KPACK.glob("*.yaml")} - ALTERNATIVES - {"seldon-deployment.yaml"}
    assert applied_all <= w.applied
    assert any(c[:2] == ["sed", next(a for a in c if a.startswith("s|"))] and
               c[-1].endswith("seldon-deployment.yaml") for c in w.commands if c[0] == "sed")


def test_the_service_account_secrets_are_made_and_used_as_kpack_reads_them():
    w = walk("kpack")
    (account,) = [d for d in manifest_docs() if d["kind"] == "ServiceAccount"]
    listed = {s["name"] for s in account["secrets"]}
    assert listed == set(w.secrets), "the README creates exactly the account's Secrets"
    uses = {name: secret_use(*w.secrets[name]) for name in listed}
    pull = {s["name"] for s in account["imagePullSecrets"]}
    assert all({"registry", "image-pull"} <= uses[name] for name in pull)
    assert any("git" in u for u in uses.values()), "a Secret kpack hands to git"
    registries = {i.split("/")[0] for i in manifest_images()}
    git_hosts = {urlsplit(d["spec"]["source"]["git"]["url"]).netloc for d in manifest_docs()
                 if d["kind"] == "Image"}
    for _, notes in w.secrets.values():
        docker = notes.get("kpack.io/docker")
        git = notes.get("kpack.io/git")
        assert docker is None or docker in registries
        assert git is None or urlsplit(git).netloc in git_hosts


def test_the_seldon_deployment_serves_what_kpack_built():
    (sdep,) = [d for d in manifest_docs() if d["kind"] == "SeldonDeployment"]
    (image,) = {d["spec"]["tag"] for d in manifest_docs() if d["kind"] == "Image"}
    (predictor,) = sdep["spec"]["predictors"]
    containers = {c["name"]: c for spec in predictor["componentSpecs"]
                  for c in spec["spec"]["containers"]}
    assert predictor["graph"]["name"] in containers
    assert containers[predictor["graph"]["name"]]["image"] == f"{image}:latest"
    pull = {s["name"] for s in predictor["componentSpecs"][0]["spec"]["imagePullSecrets"]}
    (account,) = [d for d in manifest_docs() if d["kind"] == "ServiceAccount"]
    assert pull <= {s["name"] for s in account["imagePullSecrets"]}
    assert sdep["metadata"]["namespace"] in namespaces()


def test_the_ci_page_builds_with_local_images_and_with_a_registry():
    w = walk("ci")
    creates = [c for c in w.commands if c[:3] == ["pack", "builder", "create"]]
    assert {"--publish" in c for c in creates} == {True, False}
    local = next(c for c in creates if "--publish" not in c)
    from seldon_platform.build_cli import add_builder  # the default image `seldon-build` uses
    assert local[3] == "localhost/seldon-buildpacks/builder:bookworm", add_builder
    builder_toml = (ROOT / "builder.toml").read_text()
    assert all(f'"{image}"' in builder_toml for image in LOCAL_STACK)
    registry_prefix = w.rewritten[f"{w.bundle}/builder.toml"][1]
    stack = next(d for d in manifest_docs() if d["kind"] == "ClusterStack")
    assert stack["spec"]["buildImage"]["image"].startswith(registry_prefix), \
        "docs/ci and docs/kpack push the stack images to the same place"
    assert {f"{registry_prefix}build:bookworm"} <= w.pushed


@pytest.mark.parametrize("recipe", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_pipelines_pack_lines(recipe):
    text = (ROOT / "docs" / "ci" / recipe).read_text()
    pipeline = yaml.safe_load(text)
    scripts = "\n".join(_strings(pipeline))
    images = (pipeline.get("env") or pipeline.get("variables"))["SELDON_IMAGES"]
    ci = walk("ci")
    registry_builder = next(c[3] for c in ci.commands
                            if c[:3] == ["pack", "builder", "create"] and "--publish" in c)
    packs = [w for w in shell_commands(scripts) if w[:2] == ["pack", "build"]]
    assert packs
    for words in packs:
        assert command_problems(words) == []
        builder = flag_value(words, "--builder").replace("$SELDON_IMAGES", images)
        assert builder == registry_builder
    assert re.search(r'PACK_VERSION: "0\.40\.5"', text), "the pack version the facts are from"


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    return []
