"""The user guide pages: command lines that parse, a SeldonDeployment that fits the
image, an index that links them, and a troubleshooting page that documents every
error title the code can print (and no title it cannot)."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from doc_commands import check_documented, check_real, markdown_shell_blocks, tool_invocations
from docs_support import ROOT
from error_titles import INDIRECT, documented_titles, scan
from runnable import tool_lines

DOCS = ROOT / "docs"
GUIDE = ["getting-started.md", "model-contract.md", "configuration.md", "dependencies.md",
         "deploying.md", "troubleshooting.md"]


def _invocations() -> list[tuple[str, str, list[str]]]:
    found = []
    for page in GUIDE:
        for block in markdown_shell_blocks((DOCS / page).read_text()):
            found += [(page, tool, argv) for tool, argv in tool_invocations(tool_lines(block))
                      if not {"-h", "--help"} & set(argv)]
    return found


INVOCATIONS = _invocations()


def test_the_guide_shows_both_build_tools():
    assert {tool for _, tool, _ in INVOCATIONS} == {"seldon-build", "seldon-s2i"}


@pytest.mark.parametrize(("page", "tool", "argv"), INVOCATIONS,
                         ids=[f"{p}:{t} {' '.join(a)[:50]}" for p, t, a in INVOCATIONS])
def test_command_lines_parse(page, tool, argv):
    check_documented(tool, argv)
    assert check_real(tool, argv), f"{tool} has no real parser to check with"


def test_the_index_links_every_guide_page():
    index = (DOCS / "README.md").read_text()
    for page in GUIDE:
        assert f"]({page})" in index, page


# -- deploying.md --------------------------------------------------------------------------


def _deployments() -> list[dict]:
    text = (DOCS / "deploying.md").read_text()
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, flags=re.S | re.M)
    docs = [yaml.safe_load(b) for b in blocks]
    return [d for d in docs if isinstance(d, dict) and d.get("kind") == "SeldonDeployment"]


def _nodes(graph: dict) -> list[dict]:
    return [graph] + [n for child in graph.get("children", []) for n in _nodes(child)]


def test_the_seldon_deployment_fits_the_image():
    from seldon_runtime import parameters
    from seldon_runtime.settings import SERVICE_TYPES, parser

    deployments = _deployments()
    assert deployments, "deploying.md shows no SeldonDeployment"
    defaults = parser().parse_args(["MyModel"])
    ports = {"http": defaults.http_port, "grpc": defaults.grpc_port,
             "metrics": defaults.metrics_port}
    routes = _served_routes()
    for sdep in deployments:
        assert sdep["apiVersion"] == "machinelearning.seldon.io/v1"
        for predictor in sdep["spec"]["predictors"]:
            containers = {c["name"]: c for spec in predictor["componentSpecs"]
                          for c in spec["spec"]["containers"]}
            for node in _nodes(predictor["graph"]):
                assert node["name"] in containers, f"no container for node {node['name']}"
                assert node["type"] in SERVICE_TYPES
                # the operator hands parameters over as this JSON; the server must take them
                kwargs = parameters.parse(json.dumps(node.get("parameters", [])))
                if node["name"] == "classifier":
                    assert kwargs == {"factor": 10.0}
                container = containers[node["name"]]
                for port in container.get("ports", []):
                    assert port["containerPort"] == ports[port["name"]], port
                for probe in ("readinessProbe", "livenessProbe"):
                    get = container[probe]["httpGet"]
                    assert get["path"] in routes and get["port"] == defaults.http_port


def _served_routes() -> set[str]:
    from seldon_runtime.component import Component
    from seldon_runtime.dataplane import DataPlane, PlaneConfig
    from seldon_runtime.rest.app import RestApp

    class Model:
        def predict(self, X, names):
            return X

    return set(RestApp(DataPlane(Component(Model()), PlaneConfig(), recorder=object())).routes)


# -- troubleshooting.md --------------------------------------------------------------------

TITLES, INDIRECT_FOUND = scan()
DOCUMENTED = documented_titles((DOCS / "troubleshooting.md").read_text())


def test_every_indirect_title_site_is_known():
    unknown = sorted(INDIRECT_FOUND - set(INDIRECT))
    assert not unknown, (
        "error titles built from variables; add each site to INDIRECT in "
        f"tests/docs/error_titles.py, saying where its titles come from: {unknown}"
    )
    assert not set(INDIRECT) - INDIRECT_FOUND, "INDIRECT lists sites that no longer exist"


def test_the_scan_finds_the_titles_of_every_area():
    areas = {t.where.split("/")[0] for t in TITLES}
    # the buildpacks' titles are their kinds, in detect/seldon_detect/failures.py
    assert areas == {"detect", "platform", "runtime"}
    assert len(TITLES) > 100


@pytest.mark.parametrize("title", TITLES, ids=[t.where for t in TITLES])
def test_every_error_title_is_in_troubleshooting(title):
    assert any(title.matches(d) for d in DOCUMENTED), (
        f"{title.where} prints an error whose title matches /{title.pattern}/; add a "
        "`### `<title>`` entry with its fix to docs/troubleshooting.md"
    )


def test_troubleshooting_documents_no_title_the_code_cannot_print():
    stale = [d for d in DOCUMENTED if not any(t.matches(d) for t in TITLES)]
    assert not stale, f"titles in docs/troubleshooting.md that no code prints: {stale}"


def test_the_title_patterns_match_only_their_titles():
    from error_titles import Title

    title = Title(r"Unknown\ SERVICE_TYPE\ .+?", "x")
    assert title.matches("Unknown SERVICE_TYPE 'MODLE'")
    assert not title.matches("Unknown SERVICE_TYPE")
    assert documented_titles("### `` `a` b ``\n### `c` and `d`\n## `e`\n") == ["`a` b", "c", "d"]


def test_other_runtime_messages_are_still_printed_and_documented():
    """Start-up messages that are not StartupErrors: still in the code, still on the page."""
    page = (DOCS / "troubleshooting.md").read_text()
    settings = (ROOT / "runtime" / "seldon_runtime" / "settings.py").read_text()
    for text in ("the model class is missing: give it as the first argument or set MODEL_NAME",
                 "Note since 1.5.0 this CLI does not take",
                 "is not an integer"):
        assert text in settings
        assert text in " ".join(page.split())
